import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { readAll, sha256, streamOf } from '../../kit/test-streams';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { sshdSftpOptions } from '../../kit/server-options';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

interface SftpInternals {
  _maxReadLen: number;
  _maxWriteLen: number;
}
type Request = (this: SftpInternals, handle: Buffer, buf: Buffer, off: number, len: number, ...rest: unknown[]) => void;

// ssh2's own SFTP class: its WRITE and READ requests are recorded with the limits the server announced.
const { SFTP } = createRequire(import.meta.url)('ssh2/lib/protocol/SFTP.js') as {
  SFTP: { prototype: { write: Request; read: Request } };
};

describe.skipIf(!sshd.available)('sftp: every pipelined request fits what the server takes in one', () => {
  let server: SshdServer;
  const seen: { kind: 'write' | 'read'; length: number; limit: number }[] = [];
  const original = { write: SFTP.prototype.write, read: SFTP.prototype.read };
  beforeAll(async () => {
    server = await startSshd();
    SFTP.prototype.write = function (handle, buf, off, len, ...rest) {
      seen.push({ kind: 'write', length: len, limit: this._maxWriteLen });
      original.write.call(this, handle, buf, off, len, ...rest);
    };
    SFTP.prototype.read = function (handle, buf, off, len, ...rest) {
      seen.push({ kind: 'read', length: len, limit: this._maxReadLen });
      original.read.call(this, handle, buf, off, len, ...rest);
    };
  });
  afterAll(async () => {
    Object.assign(SFTP.prototype, original);
    await server?.dispose();
  });

  // ssh2 splits a larger WRITE and sends its tail only after the head's answer, while later blocks are already on
  // their way: a connection cut then leaves a hole inside the partial file, and its resume fails verification.
  it('writes and reads 8 MiB in blocks that are never split', async () => {
    const driver = new SftpDriver(sshdSftpOptions(server));
    try {
      const data = randomBytes(8 * 1024 * 1024);
      await driver.write('blocks.bin', streamOf(data), { size: data.length, offset: 0 });
      const back = await readAll(await driver.read('blocks.bin'));
      expect(sha256(back)).toBe(sha256(data));
      const writes = seen.filter((r) => r.kind === 'write');
      const reads = seen.filter((r) => r.kind === 'read');
      expect(writes.length).toBeGreaterThan(0);
      expect(reads.length).toBeGreaterThan(0);
      for (const request of seen) expect(request.length, request.kind).toBeLessThanOrEqual(request.limit);
      // One request per block: the blocks are as large as the server allows (no 32 KiB crawl).
      expect(Math.max(...writes.map((r) => r.length))).toBe(writes[0]!.limit);
    } finally {
      await driver.close();
    }
  }, 60_000);
});
