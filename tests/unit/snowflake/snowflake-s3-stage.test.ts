import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { SnowflakeDriver } from '../../../connectors/snowflake/snowflake-driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { readAll, streamOf } from '../../kit/test-streams';
import { startS3StageStore, type S3StageStore } from '../../servers/snowflake-fake/s3-stage-store';
import { startSnowflakeFake, type SnowflakeFake } from '../../servers/snowflake-fake/snowflake-fake-server';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';

const MiB = 1024 * 1024;
const swift = swiftAvailability();

// The stage's cloud leg: the fake answers PUT/GET with an S3 location (a FAKE's answer, see the fake's README),
// and the real snowflake-sdk's S3 client moves the bytes over https to a real S3 server (Swift s3api).
describe.skipIf(!swift.available)('snowflake stage files through an S3 stage (Swift s3api behind TLS)', () => {
  let server: SwiftServer | undefined;
  let store: S3StageStore | undefined;
  let fake: SnowflakeFake | undefined;
  let guard: LoopbackGuard;
  const savedCas = getCACertificates('default');
  const savedChecksum = process.env.AWS_REQUEST_CHECKSUM_CALCULATION;

  beforeAll(async () => {
    guard = installLoopbackOnly();
    server = await startSwift();
    store = await startS3StageStore(server);
    // This test's worker trusts the throwaway CA on top of the usual ones; verification stays on.
    setDefaultCACertificates([...savedCas, store.caPem]);
    // Swift 2.30 refuses aws-chunked bodies, which SDK >= 3.729 sends by default (real S3 takes both).
    process.env.AWS_REQUEST_CHECKSUM_CALCULATION = 'WHEN_REQUIRED';
    fake = await startSnowflakeFake({
      account: 'fakeacct',
      users: [{ name: 'ferry', password: 'secret', roles: ['FERRY_ROLE'] }],
      s3Stage: store,
    });
    fake.createStage({ database: 'DB', schema: 'PUBLIC', name: 'EXCHANGE', grants: { FERRY_ROLE: ['READ', 'WRITE'] } });
  }, 60_000);

  afterAll(async () => {
    await fake?.stop();
    await store?.stop();
    await server?.stop();
    setDefaultCACertificates(savedCas);
    if (savedChecksum === undefined) delete process.env.AWS_REQUEST_CHECKSUM_CALCULATION;
    else process.env.AWS_REQUEST_CHECKSUM_CALCULATION = savedChecksum;
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('round-trips a file of several MiB byte for byte, and the bytes sit in the bucket', async () => {
    const driver = guardDriver(
      new SnowflakeDriver({
        account: 'fakeacct',
        username: 'ferry',
        auth: 'password',
        password: 'secret',
        role: 'FERRY_ROLE',
        database: 'DB',
        schema: 'PUBLIC',
        stage: 'exchange',
        prefix: 'in',
        accessUrl: fake!.accessUrl,
      }),
    );
    const data = randomBytes(4 * MiB + 321);
    const before = { in: store!.bytesIn(), out: store!.bytesOut() };
    await driver.write('reports 2026/data file.bin', streamOf(data), { size: data.length });
    // The upload crossed the TLS front (the SDK's own S3 client), not a local copy.
    expect(store!.bytesIn() - before.in).toBeGreaterThan(data.length);

    // An outsider reads the object straight from Swift: the exact bytes, under the stage's folder.
    const outsider = new S3Driver({
      provider: 'other',
      endpoint: store!.directEndpoint,
      region: 'us-east-1',
      bucket: store!.bucket,
      prefix: 'stages/0',
      accessKeyId: store!.accessKeyId,
      secretAccessKey: store!.secretAccessKey,
      compatibility: 'auto',
      serverSideEncryption: 'none',
      partSizeMiB: 5,
      uploadConcurrency: 1,
    });
    expect((await readAll(await outsider.read('in/reports 2026/data file.bin'))).equals(data)).toBe(true);
    // The SDK's metadata: its object literal sends the constant's name, so the digest is x-amz-meta-sfc_digest.
    const head = await outsider.client.send(
      new HeadObjectCommand({ Bucket: store!.bucket, Key: 'stages/0/in/reports 2026/data file.bin' }),
    );
    expect(head.Metadata?.sfc_digest).toBe(createHash('sha256').update(data).digest('base64'));

    const listed = await driver.list('reports 2026');
    expect(listed.entries.map((e) => `${e.name}:${String(e.size)}`)).toEqual([`data file.bin:${data.length}`]);
    const downloaded = store!.bytesOut();
    expect((await readAll(await driver.read('reports 2026/data file.bin'))).equals(data)).toBe(true);
    expect(store!.bytesOut() - downloaded).toBeGreaterThan(data.length);

    await driver.remove('reports 2026/data file.bin');
    expect(await store!.list('stages/0/')).toEqual([]);
    await outsider.close();
    await driver.close();
  }, 120_000);

  it('writes a small file through the S3 leg too (empty stage folder first)', async () => {
    const driver = guardDriver(
      new SnowflakeDriver({
        account: 'fakeacct',
        username: 'ferry',
        auth: 'password',
        password: 'secret',
        role: 'FERRY_ROLE',
        database: 'DB',
        schema: 'PUBLIC',
        stage: 'exchange',
        prefix: '',
        accessUrl: fake!.accessUrl,
      }),
    );
    await driver.write('a.txt', streamOf('hello'));
    expect((await store!.list('stages/0/')).map((o) => `${o.path}:${o.size}`)).toEqual(['a.txt:5']);
    expect((await readAll(await driver.read('a.txt'))).toString()).toBe('hello');
    await driver.close();
  }, 60_000);
});
