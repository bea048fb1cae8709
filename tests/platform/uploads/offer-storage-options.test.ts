import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { offerStorageFromCli } from '../../../platform/uploads/offer-storage-options';

const keys = { FERRY_OFFER_S3_ACCESS_KEY_ID: 'AKIA1', FERRY_OFFER_S3_SECRET_ACCESS_KEY: 's3cr3t' };

describe('offer storage from the CLI', () => {
  it('is nothing (startPlatform decides) without flags, a resolved folder with --offer-files', () => {
    expect(offerStorageFromCli({}, {})).toBeUndefined();
    expect(offerStorageFromCli({ 'offer-files': 'rel/dir' }, {})).toEqual({
      kind: 'local',
      folder: path.resolve('rel/dir'),
    });
  });

  it('is S3 when a bucket is named: flags win over the environment, credentials come from the environment', () => {
    const setting = offerStorageFromCli(
      {
        'offer-files-s3-bucket': 'offers',
        'offer-files-s3-endpoint': 'http://127.0.0.1:9000',
        'offer-files-s3-prefix': 'ferry',
      },
      {
        ...keys,
        FERRY_OFFER_S3_BUCKET: 'ignored',
        FERRY_OFFER_S3_PATH_STYLE: 'true',
        FERRY_OFFER_S3_PART_SIZE_MI_B: '16',
      },
    );
    expect(setting).toMatchObject({
      kind: 's3',
      options: {
        bucket: 'offers',
        endpoint: 'http://127.0.0.1:9000',
        prefix: 'ferry',
        provider: 'other',
        accessKeyId: 'AKIA1',
        secretAccessKey: 's3cr3t',
        pathStyle: true,
        partSizeMiB: 16,
      },
    });
    expect(offerStorageFromCli({}, { ...keys, FERRY_OFFER_S3_BUCKET: 'from-env' })).toMatchObject({
      kind: 's3',
      options: { bucket: 'from-env', provider: 'aws' },
    });
  });

  it('names the variable of a missing or invalid option, and refuses a folder and a bucket together', () => {
    expect(() => offerStorageFromCli({ 'offer-files-s3-bucket': 'offers' }, {})).toThrow(
      /FERRY_OFFER_S3_ACCESS_KEY_ID.*FERRY_OFFER_S3_SECRET_ACCESS_KEY/,
    );
    expect(() =>
      offerStorageFromCli({ 'offer-files-s3-bucket': 'offers', 'offer-files-s3-provider': 'nope' }, keys),
    ).toThrow(/FERRY_OFFER_S3_PROVIDER/);
    expect(() => offerStorageFromCli({ 'offer-files': 'x', 'offer-files-s3-bucket': 'offers' }, keys)).toThrow(
      /not both/,
    );
  });
});
