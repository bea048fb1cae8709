import { CreateBucketCommand, DeleteObjectsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { type S3Options } from '../../../shared/connectors/s3-descriptor';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { swiftS3Options } from '../../kit/server-options';

const swift = swiftAvailability();

describe.skipIf(!swift.available)('s3 on Swift: credentials and strict-store compatibility', () => {
  let server: SwiftServer;
  let options: S3Options;

  beforeAll(async () => {
    server = await startSwift();
    options = swiftS3Options(server, 'errors');
    const admin = new S3Driver(options);
    await admin.client.send(new CreateBucketCommand({ Bucket: 'errors' }));
    await admin.client.send(new PutObjectCommand({ Bucket: 'errors', Key: 'present.txt', Body: 'x' }));
    await admin.close();
  });
  afterAll(async () => server?.stop());

  it('a wrong secret is AuthFailed naming the secret access key, also for HEAD (no error body)', async () => {
    const driver = new S3Driver({ ...options, secretAccessKey: 'not-the-secret' });
    for (const attempt of [() => driver.list(''), () => driver.stat('present.txt'), () => driver.read('present.txt')]) {
      const error = await attempt().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('AuthFailed');
      expect((error as ConnectorError).message).toMatch(/secret access key is wrong/);
    }
    const report = await driver.check();
    const auth = report.steps.find((s) => s.id === 'authenticate')!;
    expect(report.ok).toBe(false);
    expect(auth.status).toBe('failed');
    expect(auth.detail).toMatch(/^The secret access key is wrong/);
    expect(report.steps.find((s) => s.id === 'list')?.status).toBe('skipped');
    expect(JSON.parse(report.iamPolicy).Statement[0].Action).toEqual(['s3:ListBucket']);
    await driver.close();
  });

  it('compatible mode adds Content-MD5 to DeleteObjects, which Swift requires', async () => {
    const driver = new S3Driver(options);
    await driver.client.send(new PutObjectCommand({ Bucket: 'errors', Key: 'a.txt', Body: 'a' }));
    const deleted = await driver.client.send(
      new DeleteObjectsCommand({ Bucket: 'errors', Delete: { Objects: [{ Key: 'a.txt' }] } }),
    );
    expect(deleted.Deleted?.map((d) => d.Key)).toEqual(['a.txt']);
    await driver.close();
    // The same call without the middleware is refused: the middleware is what makes it work.
    const plain = new S3Client({
      region: 'us-east-1',
      endpoint: server.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    await expect(
      plain.send(new DeleteObjectsCommand({ Bucket: 'errors', Delete: { Objects: [{ Key: 'present.txt' }] } })),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    plain.destroy();
  });
});
