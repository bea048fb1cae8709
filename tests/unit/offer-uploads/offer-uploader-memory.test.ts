// A 200 MiB offer upload keeps the uploader's live memory bounded: chunks stream from ranged reads, never held whole.
// The tus server runs in its own process so only the uploader is measured.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfferUploader } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { LiveMemorySampler } from '../../kit/live-memory';
import { generatedStream } from '../../kit/test-streams';
import { LocalFolder } from './offer-upload-kit';
import type { TusServerProcessInfo } from './tus-server-process';

const MiB = 1024 * 1024;
const ROOT = path.resolve(__dirname, '../../..');

function startServerProcess(): Promise<{ child: ChildProcess; info: TusServerProcessInfo }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'tests/unit/offer-uploads/tus-server-process.ts'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (stdout.includes('\n')) resolve({ child, info: JSON.parse(stdout.split('\n')[0]!) as TusServerProcessInfo });
    });
    child.once('exit', (code) => reject(new Error(`the tus server process ended (${code})`)));
  });
}

describe('offer uploads: bounded memory', () => {
  let server: { child: ChildProcess; info: TusServerProcessInfo };
  let folder: LocalFolder;
  beforeAll(async () => {
    server = await startServerProcess();
    folder = new LocalFolder();
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await folder?.dispose();
  });

  it('uploads 200 MiB from a local folder with live memory far below the file size', async () => {
    const size = 200 * MiB;
    const generated = generatedStream(size);
    await pipeline(generated.stream, createWriteStream(folder.file('big.bin')));
    const store = new UploadUrlStore(folder.file('data/offer-uploads.sqlite'));
    try {
      const memory = new LiveMemorySampler();
      const result = await new OfferUploader({ store }).upload(
        { ...server.info, token: 'editor-token' },
        { driver: folder.driver, path: 'big.bin' },
      );
      const growthMiB = memory.stop();
      // The server answered 204 only after its SHA-256 of the stored bytes matched the metadata.
      expect(result).toMatchObject({ size, sha256: generated.result.sha256, response: { status: 204 } });
      // Measured 7-9 MiB: socket and stream buffers; a file held whole would show its 200 MiB.
      expect(growthMiB, `live RSS grew by ${growthMiB.toFixed(1)} MiB`).toBeLessThan(24);
    } finally {
      store.close();
    }
  }, 120_000);
});
