import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ConnectorError } from '../../../connectors/connector-error';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import { FileResumeStateStore } from '../../../connectors/file-resume-state-store';
import { type DriveOptions } from '../../../shared/connectors/drive-descriptor';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';

const MiB = 1024 * 1024;
const SIZE = 50 * MiB;
const CHUNK_MIB = 4;

/** The same 50 MiB on every call (a restarted process re-reads the same source), ending early when `stopAt` is set. */
function source(block: Buffer, stopAt?: number): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: MiB,
    read() {
      if (offset >= SIZE) return void this.push(null);
      // Stalls (never ends, never errors) like a connection that died: the abort ends the write.
      if (stopAt !== undefined && offset >= stopAt) return;
      const chunk = Buffer.from(block);
      chunk.writeUInt32BE(offset / MiB, 0);
      offset += chunk.length;
      this.push(chunk);
    },
  });
}

describe('drive: an interrupted 50 MiB upload resumes after a process restart', () => {
  const guard = installLoopbackOnly();
  const account = createServiceAccount('ferry-resume');
  let fake: DriveFake;
  let dir: string;
  let options: DriveOptions;

  beforeAll(async () => {
    fake = await startDriveFake([account]);
    const driveId = fake.createSharedDrive('Exchange');
    dir = await mkdtemp(path.join(tmpdir(), 'ferry-drive-resume-'));
    options = {
      auth: 'serviceAccount',
      serviceAccountJson: account.json,
      driveId,
      googleDocs: 'skip',
      apiEndpoint: fake.endpoint,
      simpleUploadThresholdMiB: 1,
      chunkSizeMiB: CHUNK_MIB,
    };
  });

  afterAll(async () => {
    await fake?.stop();
    await rm(dir, { recursive: true, force: true });
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('sends only the bytes the session lacks, from a new driver over the same resume store', async () => {
    const block = randomBytes(MiB);
    const stateFile = path.join(dir, 'resume.json');

    // First process: 24 MiB come from the source, then it stalls; five 4 MiB chunks reach Drive, then the abort.
    const first = new DriveDriver(options, {}, { resumeStore: new FileResumeStateStore(stateFile) });
    const controller = new AbortController();
    const writing = first.write('inbox/big.bin', source(block, 24 * MiB), { size: SIZE, signal: controller.signal });
    const failed = writing.then(
      () => undefined,
      (e: unknown) => e as ConnectorError,
    );
    while (fake.persistedBytes('big.bin') < 20 * MiB) await new Promise((r) => setTimeout(r, 20));
    controller.abort();
    expect((await failed)?.code).toBe('Cancelled');
    await first.close();
    const persisted = fake.persistedBytes('big.bin');
    expect(persisted).toBe(20 * MiB);
    expect(fake.filesNamed('big.bin')).toEqual([]);
    // What survives the process: the session URI, in the state file.
    expect(await readFile(stateFile, 'utf8')).toMatch(/upload_id=/);

    // Second process: a new driver, a new store object over the same file, the same source from its start.
    const before = fake.uploadBytesReceived();
    const second = new DriveDriver(options, {}, { resumeStore: new FileResumeStateStore(stateFile) });
    const result = await second.write('inbox/big.bin', source(block), { size: SIZE, hashes: ['sha256'] });
    const sent = fake.uploadBytesReceived() - before;
    expect(sent).toBe(SIZE - persisted);
    expect(result.size).toBe(SIZE);

    const expected = createHash('sha256');
    for await (const chunk of source(block)) expected.update(chunk as Buffer);
    const digest = expected.digest('hex');
    expect(result.hashes.sha256).toBe(digest);
    const stored = fake.filesNamed('big.bin');
    expect(stored).toHaveLength(1);
    expect(createHash('sha256').update(stored[0]!.content).digest('hex')).toBe(digest);
    expect(result.stored?.sha256).toBe(digest);
    // The finished session is forgotten.
    expect(JSON.parse(await readFile(stateFile, 'utf8'))).toEqual({});
    await second.close();
  }, 120_000);
});
