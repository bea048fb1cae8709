import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { GcsDriver } from '../../../connectors/gcs/gcs-driver';
import { MemoryResumeStateStore } from '../../../connectors/resume-state-store';
import { type GcsOptions } from '../../../shared/connectors/gcs-descriptor';
import { readAll, streamOf } from '../../kit/test-streams';
import { startGcsFake, type GcsFake } from '../../servers/gcs-fake/gcs-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';

const MiB = 1024 * 1024;

describe('gcs driver against the JSON API fake: uploads, resume, credentials', () => {
  const account = createServiceAccount();
  let fake: GcsFake;
  let options: GcsOptions;

  beforeAll(async () => {
    fake = await startGcsFake([account]);
    fake.createBucket('data');
    options = {
      bucket: 'data',
      prefix: '',
      serviceAccountJson: account.json,
      apiEndpoint: fake.endpoint,
      simpleUploadThresholdMiB: 1,
      chunkSizeMiB: 1,
    };
  });
  afterAll(async () => fake?.stop());

  it('sends small files in one multipart request and larger ones as resumable chunks (308 until the last)', async () => {
    const driver = new GcsDriver(options);
    fake.requests.length = 0;
    await driver.write('small.txt', streamOf('tiny'));
    expect(fake.requests).toContain('POST /upload/storage/v1/b/data/o?multipart');
    fake.requests.length = 0;
    const data = randomBytes(3 * MiB + 17);
    await driver.write('chunked.bin', streamOf(data));
    expect(fake.requests.filter((r) => r.startsWith('POST /upload')).length).toBe(1);
    // 3 full 1 MiB chunks (each answered 308) and the 17-byte last one naming the total.
    expect(fake.requests.filter((r) => r.startsWith('PUT /upload')).length).toBe(4);
    expect((await readAll(await driver.read('chunked.bin'))).equals(data)).toBe(true);
    expect(await driver.hash('chunked.bin', 'md5')).toBe(createHash('md5').update(data).digest('hex'));
  });

  it('answers a status query on an open session with 308 and the persisted Range, like GCS', async () => {
    const driver = new GcsDriver(options);
    const [uri] = await driver.bucket.file('raw.bin').createResumableUpload();
    const chunk = randomBytes(256 * 1024);
    const put = await fetch(uri, { method: 'PUT', headers: { 'content-range': 'bytes 0-262143/*' }, body: chunk });
    expect(put.status).toBe(308);
    expect(put.headers.get('range')).toBe('bytes=0-262143');
    const status = await fetch(uri, { method: 'PUT', headers: { 'content-range': 'bytes */*' } });
    expect(status.status).toBe(308);
    expect(status.headers.get('range')).toBe('bytes=0-262143');
    const bad = await fetch(uri, {
      method: 'PUT',
      headers: { 'content-range': 'bytes 262144-262150/*' },
      body: randomBytes(7),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: number } }).error.code).toBe(400);
  });

  it('resumes an interrupted resumable upload, sending only what the service had not persisted', async () => {
    const data = randomBytes(12 * MiB);
    const source = (): Readable => Readable.from([data.subarray(0, 5 * MiB), data.subarray(5 * MiB)]);
    const store = new MemoryResumeStateStore();
    const controller = new AbortController();
    const watcher = setInterval(() => {
      if (fake.receivedBytes('big.bin') >= 4 * MiB) controller.abort();
    }, 1);
    const first = new GcsDriver(options, {}, { resumeStore: store });
    const error = await first
      .write('big.bin', source(), { size: data.length, signal: controller.signal })
      .catch((e: unknown) => e);
    clearInterval(watcher);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('Cancelled');
    expect(store.states.size).toBe(1);
    expect(fake.openSessions('big.bin')).toBe(1);
    await expect(first.stat('big.bin')).rejects.toMatchObject({ code: 'NotFound' });

    const persisted = fake.persistedBytes('big.bin');
    expect(persisted).toBeGreaterThanOrEqual(4 * MiB);
    const before = fake.receivedBytes('big.bin');
    // The resume store also reaches a driver through its context, as the registry's factories pass it.
    const second = new GcsDriver(options, { resumeStore: store });
    const result = await second.write('big.bin', source(), { size: data.length, hashes: ['sha256'] });
    expect(result.size).toBe(data.length);
    expect(fake.receivedBytes('big.bin') - before).toBe(data.length - persisted);
    expect(store.states.size).toBe(0);
    expect(await second.hash('big.bin', 'md5')).toBe(createHash('md5').update(data).digest('hex'));
    expect((await readAll(await second.read('big.bin'))).equals(data)).toBe(true);
  });

  it('refuses a key the service does not know as AuthFailed, and a malformed key as InvalidInput', async () => {
    const stranger = new GcsDriver({ ...options, serviceAccountJson: createServiceAccount('stranger').json });
    const error = await stranger.list('').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'AuthFailed' });
    expect((error as ConnectorError).message).toMatch(/service account key was refused/);
    const report = await stranger.check();
    expect(report.steps.find((s) => s.id === 'authenticate')?.status).toBe('failed');

    const broken = new GcsDriver({ ...options, serviceAccountJson: '{"type":"authorized_user"}' });
    await expect(broken.list('')).rejects.toMatchObject({ code: 'InvalidInput' });
    expect((await new GcsDriver(options).check({ write: true })).ok).toBe(true);
  });
});
