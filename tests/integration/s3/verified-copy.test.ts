import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { copyFile } from '../../../connectors/transfer/copy-file';
import { fauxqsAvailability, startFauxqs, type FauxqsServer } from '../../servers/fauxqs-server';

// A copy to S3 is verified by MD5 without reading the object back: the store checked Content-MD5 on every part.
const fauxqs = fauxqsAvailability();
if (!fauxqs.available && process.env['CI'] === 'true') throw new Error(`CI requires fauxqs: ${fauxqs.reason}`);
let server: FauxqsServer | undefined;

beforeAll(async () => {
  if (!fauxqs.available) return;
  server = await startFauxqs();
  server.createBucket('verified');
});
afterAll(async () => server?.stop());

describe.skipIf(!fauxqs.available)('copy to S3, verified by the store', () => {
  it('verifies a multipart upload by MD5 without reading the object back', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-verified-'));
    writeFileSync(path.join(dir, 'data.bin'), randomBytes(12 * 1024 * 1024 + 7));
    const local = new LocalDriver({ root: dir });
    const s3 = new S3Driver({
      provider: 'other',
      endpoint: server!.endpoint,
      region: 'us-east-1',
      bucket: 'verified',
      prefix: '',
      accessKeyId: 'test',
      secretAccessKey: 'test',
      pathStyle: true,
      compatibility: 'modern',
      serverSideEncryption: 'none',
      partSizeMiB: 5,
      uploadConcurrency: 3,
    });
    const hash = vi.spyOn(s3, 'hash');
    const read = vi.spyOn(s3, 'read');
    const result = await copyFile({ driver: local, path: 'data.bin' }, { driver: s3, path: 'copy.bin' });
    expect(result.verification).toMatchObject({ kind: 'hash', algorithm: 'md5', by: 'store' });
    expect(hash).not.toHaveBeenCalled();
    expect(read).not.toHaveBeenCalled();
    expect(result.verification.kind === 'hash' && result.verification.digest).toBe(await local.hash('data.bin', 'md5'));
    await s3.close();
  });
});
