// A copy to an FTPS server that refuses to resume (proftpd without AllowStoreRestart answers APPE with 451, often
// after resetting the data connection) starts over from zero once, instead of retrying APPE until it gives up. Servers
// that resume (proftpd with AllowStoreRestart, vsftpd) still continue from the partial.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../../connectors/connector-error';
import { type ReadOptions } from '../../../connectors/driver';
import { FtpsDriver } from '../../../connectors/ftps/ftps-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { ResumeRefusedError } from '../../../connectors/resume-refused-error';
import { BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import { copyFile, partialPathOf } from '../../../connectors/transfer/copy-file';
import { vsftpdFtpsOptions } from '../../kit/server-options';
import { PROFTPD_BINARY, PROFTPD_INSTALL_HINT, type ProftpdServer, startProftpd } from '../../servers/proftpd-server';
import { requireServer } from '../../servers/require-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../../servers/vsftpd-server';

const proftpd = requireServer('proftpd', PROFTPD_BINARY, PROFTPD_INSTALL_HINT);
const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const MiB = 1024 * 1024;
const data = randomBytes(6 * MiB + 13);

/** A local source that counts the bytes copies read from it (what was sent to the server). */
class CountingLocalDriver extends LocalDriver {
  bytes = 0;
  override async read(normalized: string, options?: ReadOptions): Promise<Readable> {
    const stream = await super.read(normalized, options);
    stream.on('data', (chunk: Buffer) => (this.bytes += chunk.length));
    return stream;
  }
}

let scratch: string;
let local: CountingLocalDriver;

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-ftps-resume-'));
  writeFileSync(path.join(scratch, 'data.bin'), data);
  local = new CountingLocalDriver({ root: scratch });
});
afterAll(async () => {
  await local?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** Cuts a copy once about 2 MiB went out, keeping the partial (a pause); returns the partial's size on the server. */
async function interruptedCopy(driver: FtpsDriver, root: string, name: string): Promise<number> {
  const controller = new AbortController();
  const cut = await copyFile(
    { driver: local, path: 'data.bin' },
    { driver, path: name },
    {
      signal: controller.signal,
      // Slowed so the cut lands mid-copy (loopback finishes 6 MiB before the first progress report otherwise).
      limiter: new BandwidthLimiter(4 * MiB),
      retainPartial: () => true,
      onProgress: (p) => p.bytes >= 2 * MiB && controller.abort(),
    },
  ).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(isConnectorError(cut, 'Cancelled'), String(cut)).toBe(true);
  const size = statSync(path.join(root, partialPathOf(name))).size;
  expect(size).toBeGreaterThan(0);
  expect(size).toBeLessThan(data.length);
  return size;
}

/**
 * Copies again after the cut and returns the result with the bytes read from the source this time ('size': no hash
 * read back from the source after a resume, so the count is what was sent).
 */
async function copyAgain(driver: FtpsDriver, name: string, verify: 'hash' | 'size' = 'hash') {
  local.bytes = 0;
  const result = await copyFile(
    { driver: local, path: 'data.bin' },
    { driver, path: name },
    { verify, retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 10 } },
  );
  return { result, sent: local.bytes };
}

const appeCount = (server: ProftpdServer): number =>
  server
    .commands()
    .split('\n')
    .filter((line) => /"APPE /.test(line)).length;

describe.skipIf(!proftpd.available)('FTPS copy to proftpd without AllowStoreRestart (refuses APPE)', () => {
  let server: ProftpdServer;
  beforeAll(async () => {
    server = await startProftpd({ allowStoreRestart: false });
  });
  afterAll(async () => server?.dispose());

  it('an interrupted copy starts over from zero once, and a later one does not ask APPE again', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      await interruptedCopy(driver, server.root, 'a.bin');
      const { result, sent } = await copyAgain(driver, 'a.bin');
      expect(sha256(readFileSync(path.join(server.root, 'a.bin')))).toBe(sha256(data));
      expect(result.resumedAt).toEqual([]);
      expect(result.restarts).toHaveLength(1);
      expect(result.restarts[0]).toMatch(/does not allow resuming uploads/);
      expect(result.restarts[0]).toContain(': a.bin');
      expect(result.verification).toMatchObject({ kind: 'hash', digest: sha256(data) });
      expect(sent).toBeGreaterThanOrEqual(data.length);
      expect(appeCount(server)).toBe(1);
      // Remembered by the driver: a write at an offset fails at once, and the next cut copy starts over without APPE.
      const refused = await driver
        .write('a.bin', Readable.from([Buffer.from('more')]), { offset: data.length })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ResumeRefusedError);
      expect(isConnectorError(refused, 'Unsupported')).toBe(true);
      expect(appeCount(server)).toBe(1);
      await interruptedCopy(driver, server.root, 'b.bin');
      const again = await copyAgain(driver, 'b.bin');
      expect(sha256(readFileSync(path.join(server.root, 'b.bin')))).toBe(sha256(data));
      expect(again.result.restarts[0]).toMatch(/does not allow resuming uploads/);
      expect(appeCount(server)).toBe(1);
      expect(server.commands()).not.toMatch(/"APPE [^"]*b\.bin/);
    } finally {
      await driver.close();
    }
  });
});

describe.skipIf(!proftpd.available)('FTPS copy to proftpd with AllowStoreRestart resumes', () => {
  let server: ProftpdServer;
  beforeAll(async () => {
    server = await startProftpd();
  });
  afterAll(async () => server?.dispose());

  it('continues from the partial: fewer bytes than the file are sent again', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      const partial = await interruptedCopy(driver, server.root, 'r.bin');
      const { result, sent } = await copyAgain(driver, 'r.bin', 'size');
      expect(sha256(readFileSync(path.join(server.root, 'r.bin')))).toBe(sha256(data));
      expect(result.resumedAt).toEqual([partial]);
      expect(result.restarts).toEqual([]);
      expect(sent).toBe(data.length - partial);
      expect(appeCount(server)).toBeGreaterThanOrEqual(1);
    } finally {
      await driver.close();
    }
  });
});

describe.skipIf(!vsftpd.available)('FTPS copy to vsftpd resumes', () => {
  let server: VsftpdServer;
  beforeAll(async () => {
    server = await startVsftpd({ tls: 'explicit' });
  });
  afterAll(async () => server?.dispose());

  it('continues from the partial: fewer bytes than the file are sent again', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      const partial = await interruptedCopy(driver, server.root, 'v.bin');
      const { result, sent } = await copyAgain(driver, 'v.bin', 'size');
      expect(sha256(readFileSync(path.join(server.root, 'v.bin')))).toBe(sha256(data));
      expect(result.resumedAt).toEqual([partial]);
      expect(result.restarts).toEqual([]);
      expect(sent).toBe(data.length - partial);
    } finally {
      await driver.close();
    }
  });
});
