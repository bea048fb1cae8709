import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { CreateBucketCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { MemoryResumeStateStore, type UploadPartEvent } from '../../../connectors/resume-state-store';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { type S3Options } from '../../../shared/connectors/s3-descriptor';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { swiftS3Options } from '../../kit/server-options';

const MiB = 1024 * 1024;
const SIZE = 200 * MiB;
const PART = 8 * MiB;
const PARTS = SIZE / PART;
const swift = swiftAvailability();

/** The same 200 MiB every time it is called (a resumed upload must send the same bytes again). */
function sameBytes(block: Buffer): Readable {
  function* chunks(): Generator<Buffer> {
    for (let i = 0; i < SIZE / MiB; i++) {
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(i, 0);
      yield chunk;
    }
  }
  return Readable.from(chunks(), { objectMode: false });
}

describe.skipIf(!swift.available)('s3 on Swift: an interrupted 200 MiB multipart upload resumes', () => {
  let server: SwiftServer;
  let options: S3Options;
  const block = randomBytes(MiB);
  const expected = { sha256: '', md5: '' };

  beforeAll(async () => {
    server = await startSwift();
    options = swiftS3Options(server, 'resume', { prefix: 'in' });
    const admin = new S3Driver(options);
    await admin.client.send(new CreateBucketCommand({ Bucket: 'resume' }));
    await admin.close();
    const sha = createHash('sha256');
    const md5 = createHash('md5');
    for await (const chunk of sameBytes(block)) {
      sha.update(chunk as Buffer);
      md5.update(chunk as Buffer);
    }
    expected.sha256 = sha.digest('hex');
    expected.md5 = md5.digest('hex');
  });
  afterAll(async () => server?.stop());

  it('sends only the missing parts after an interruption, then verifies', async () => {
    const store = new MemoryResumeStateStore();
    const controller = new AbortController();
    const first: UploadPartEvent[] = [];
    const interrupted = new S3Driver(
      options,
      {},
      {
        resumeStore: store,
        onPart: (event) => {
          first.push(event);
          if (first.filter((e) => e.kind === 'uploaded').length === 10) controller.abort();
        },
      },
    );
    const error = await interrupted
      .write('big.bin', sameBytes(block), { size: SIZE, signal: controller.signal })
      .catch((e: unknown) => e);
    await interrupted.close();
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('Cancelled');
    expect(store.states.size).toBe(1);

    // Nothing is visible yet; the upload and its parts wait on the store.
    const resumed: UploadPartEvent[] = [];
    const driver = new S3Driver(options, {}, { resumeStore: store, onPart: (event) => resumed.push(event) });
    await expect(driver.stat('big.bin')).rejects.toMatchObject({ code: 'NotFound' });
    const uploads = await driver.client.send(new ListMultipartUploadsCommand({ Bucket: 'resume' }));
    expect(uploads.Uploads?.map((u) => u.Key)).toEqual(['in/big.bin']);
    const listed = await driver.client.send(
      new ListPartsCommand({ Bucket: 'resume', Key: 'in/big.bin', UploadId: uploads.Uploads![0]!.UploadId }),
    );
    const stored = (listed.Parts ?? []).map((p) => p.PartNumber!).sort((a, b) => a - b);
    expect(stored.length).toBeGreaterThanOrEqual(10);
    expect(stored.length).toBeLessThan(PARTS);

    const result = await driver.write('big.bin', sameBytes(block), { size: SIZE, hashes: ['sha256', 'md5'] });
    expect(result.size).toBe(SIZE);
    expect(result.hashes.sha256).toBe(expected.sha256);

    const skipped = resumed.filter((e) => e.kind === 'skipped').map((e) => e.part);
    const sent = resumed.filter((e) => e.kind === 'uploaded').map((e) => e.part);
    // Exactly the parts the store already had were skipped; only the others crossed the network.
    expect([...skipped].sort((a, b) => a - b)).toEqual(stored);
    expect(sent.length).toBe(PARTS - stored.length);
    expect(sent.filter((part) => stored.includes(part))).toEqual([]);
    expect(new Set([...skipped, ...sent]).size).toBe(PARTS);
    expect(store.states.size).toBe(0);

    // Verification: the multipart ETag matched the parts' MD5s inside write; now size, content and MD5.
    expect((await driver.stat('big.bin')).size).toBe(SIZE);
    expect(await driver.hash('big.bin', 'md5')).toBe(expected.md5);
    const remaining = await driver.client.send(new ListMultipartUploadsCommand({ Bucket: 'resume' }));
    expect(remaining.Uploads ?? []).toEqual([]);
    await driver.close();
  }, 180_000);
});
