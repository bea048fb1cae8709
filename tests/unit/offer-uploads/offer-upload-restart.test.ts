// An upload whose process is killed (-9) mid-way continues in a new process from the server's offset.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OfferUploader, type OfferUploadTarget } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { sha256 } from '../../kit/test-streams';
import { LocalFolder, type ReadRecord, recordReads, settled } from './offer-upload-kit';
import { sha256Of, startTusTestServer, type TusTestServer } from './tus-test-server';
import type { UploadJob } from './upload-process';

const MiB = 1024 * 1024;
const ROOT = path.resolve(__dirname, '../../..');

/** Starts upload-process.ts; resolves once it reported `bytes` uploaded (or rejects when it ends first). */
function startUploadProcess(job: UploadJob, bytes: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/unit/offer-uploads/upload-process.ts'], {
    cwd: ROOT,
    env: { ...process.env, OFFER_UPLOAD_JOB: JSON.stringify(job) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => void (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const lines = stdout.split('\n').filter((line) => line.startsWith('{'));
      const reports = lines.map((line) => JSON.parse(line) as { phase?: string; bytes?: number });
      if (reports.some((r) => r.phase === 'uploading' && (r.bytes ?? 0) >= bytes)) resolve(child);
    });
    child.once('exit', (code, signal) => reject(new Error(`upload process ended (${code ?? signal}): ${stderr}`)));
  });
}

describe('offer uploads survive an app restart', () => {
  let server: TusTestServer;
  let folder: LocalFolder;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    server = await startTusTestServer();
    folder = new LocalFolder();
  });
  afterEach(async () => {
    child?.kill('SIGKILL');
    await server.close();
    await folder.dispose();
  });

  it('a process killed (-9) mid-upload; a new process resumes from the server offset and sends only the rest', async () => {
    const data = randomBytes(30 * MiB);
    await writeFile(folder.file('dataset.bin'), data);
    const storeFile = folder.file('app-data/offer-uploads.sqlite');
    const target: OfferUploadTarget = {
      platformUrl: server.platformUrl,
      orgId: server.orgId,
      offerId: server.offerId,
      token: 'editor-token',
    };
    server.behaviour.bytesPerSecond = 20 * MiB;
    child = await startUploadProcess({ storeFile, root: folder.root, path: 'dataset.bin', target }, 10 * MiB);
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const store = new UploadUrlStore(storeFile);
    try {
      const [remembered] = await store.findAllUploads();
      expect(remembered?.metadata).toEqual({ filename: 'dataset.bin', path: 'dataset.bin', sha256: sha256(data) });
      const offset = await settled(() => server.offsetOf(remembered!.uploadUrl!));
      expect(offset).toBeGreaterThan(0);
      expect(offset).toBeLessThan(data.length);
      expect(server.finished).toEqual([]);

      server.behaviour.bytesPerSecond = null;
      server.resetCounters();
      const reads: ReadRecord[] = [];
      const result = await new OfferUploader({ store }).upload(target, {
        driver: recordReads(folder.driver, reads),
        path: 'dataset.bin',
      });
      expect(result).toMatchObject({ uploadUrl: remembered!.uploadUrl, resumedFrom: offset, sha256: sha256(data) });
      expect(server.created).toBe(0);
      expect(server.received).toBe(data.length - offset);
      // One hash pass over the whole file, then ranged reads from the server's offset only.
      expect(reads[0]).toEqual({ path: 'dataset.bin', offset: 0 });
      expect(reads[1]).toMatchObject({ offset });
      expect(reads.slice(1).every((r) => r.offset >= offset)).toBe(true);
      expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
      expect(await store.findAllUploads()).toEqual([]);
    } finally {
      store.close();
    }
  });
});
