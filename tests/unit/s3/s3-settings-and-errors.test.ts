import { S3ServiceException } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { mapS3Error } from '../../../connectors/s3/map-s3-error';
import { leastPrivilegePolicy } from '../../../connectors/s3/s3-iam-policy';
import { resolveS3Settings } from '../../../connectors/s3/s3-provider-profiles';

function serviceError(name: string, status: number): S3ServiceException {
  return new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });
}

describe('s3 provider profiles', () => {
  it('fill endpoint, addressing and checksum mode from the provider', () => {
    expect(resolveS3Settings({ provider: 'aws', compatibility: 'auto' })).toMatchObject({
      region: 'us-east-1',
      endpoint: undefined,
      pathStyle: false,
      compatible: false,
    });
    expect(resolveS3Settings({ provider: 'scaleway', region: 'nl-ams', compatibility: 'auto' })).toMatchObject({
      endpoint: 'https://s3.nl-ams.scw.cloud',
      compatible: true,
    });
    expect(resolveS3Settings({ provider: 'b2', compatibility: 'modern' }).compatible).toBe(false);
    expect(
      resolveS3Settings({
        provider: 'minio',
        endpoint: 'https://m:9000',
        pathStyle: false,
        compatibility: 'compatible',
      }),
    ).toMatchObject({ pathStyle: false, compatible: true });
  });

  it('refuse a provider whose endpoint only the user knows when it is missing', () => {
    expect(() => resolveS3Settings({ provider: 'r2', compatibility: 'auto' })).toThrow(ConnectorError);
    expect(() => resolveS3Settings({ provider: 'other', compatibility: 'auto' })).toThrow(/needs an endpoint/);
  });
});

describe('s3 error mapping', () => {
  it('names the wrong credential', () => {
    const secret = mapS3Error(serviceError('SignatureDoesNotMatch', 403));
    expect(secret.code).toBe('AuthFailed');
    expect(secret.message).toMatch(/secret access key is wrong/);
    const keyId = mapS3Error(serviceError('InvalidAccessKeyId', 403));
    expect(keyId.code).toBe('AuthFailed');
    expect(keyId.message).toMatch(/access key ID is not known/);
    expect(mapS3Error(serviceError('ExpiredToken', 400)).message).toMatch(/session token has expired/);
  });

  it('maps the rest of the closed set', () => {
    expect(mapS3Error(serviceError('AccessDenied', 403)).code).toBe('PermissionDenied');
    expect(mapS3Error(serviceError('NoSuchKey', 404)).code).toBe('NotFound');
    expect(mapS3Error(serviceError('BadDigest', 400)).code).toBe('Integrity');
    expect(mapS3Error(serviceError('SlowDown', 503)).code).toBe('Retryable');
    expect(mapS3Error(serviceError('Unknown', 404)).code).toBe('NotFound');
    expect(mapS3Error(Object.assign(new Error('reset'), { code: 'ECONNRESET' })).code).toBe('Retryable');
  });
});

describe('s3 least-privilege policy', () => {
  it('limits listing and objects to the prefix', () => {
    const policy = JSON.parse(leastPrivilegePolicy('data', 'team/in'));
    expect(policy.Statement[0]).toMatchObject({
      Action: ['s3:ListBucket'],
      Resource: 'arn:aws:s3:::data',
      Condition: { StringLike: { 's3:prefix': ['team/in/', 'team/in/*'] } },
    });
    expect(policy.Statement[1].Resource).toBe('arn:aws:s3:::data/team/in/*');
    expect(policy.Statement[1].Action).not.toContain('s3:*');
    expect(JSON.parse(leastPrivilegePolicy('data', '')).Statement[1].Resource).toBe('arn:aws:s3:::data/*');
  });
});
