// Verification that asks the server over FTPS: proftpd's mod_digest hashes the stored file itself (HASH after
// OPTS HASH SHA-256, or XSHA256), so a copy is checked by a second party. vsftpd offers no hash command: the copy says
// it was checked on this computer only, and --verify=strict refuses it.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../../connectors/connector-error';
import { FtpsDriver } from '../../../connectors/ftps/ftps-driver';
import { openFtpsConnection } from '../../../connectors/ftps/ftps-session';
import { askFtpServerHash } from '../../../connectors/ftps/ftps-server-hash';
import { tlsOptionsFor } from '../../../connectors/ftps/tls-trust';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { copyFile } from '../../../connectors/transfer/copy-file';
import { vsftpdFtpsOptions } from '../../kit/server-options';
import { PROFTPD_BINARY, PROFTPD_INSTALL_HINT, type ProftpdServer, startProftpd } from '../../servers/proftpd-server';
import { requireServer } from '../../servers/require-server';
import { startVsftpd, VSFTPD_BINARY, type VsftpdServer } from '../../servers/vsftpd-server';

const proftpd = requireServer('proftpd', PROFTPD_BINARY, PROFTPD_INSTALL_HINT);
const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');
const sha256 = (data: Buffer | string): string => createHash('sha256').update(data).digest('hex');
const md5 = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');
const HOSTILE = [' lead space.bin', 'été à l’ombre.bin', '-rf --help.bin', '#hash #1.bin', '100% %s %n.bin'];

let scratch: string;
let local: LocalDriver;
const data = randomBytes(2 * 1024 * 1024 + 7);

beforeAll(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-ftps-verify-'));
  writeFileSync(path.join(scratch, 'data.bin'), data);
  local = new LocalDriver({ root: scratch });
});
afterAll(async () => {
  await local?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe.skipIf(!proftpd.available)('FTPS copies verified by the server (proftpd, mod_digest)', () => {
  let server: ProftpdServer;
  beforeAll(async () => {
    server = await startProftpd();
  });
  afterAll(async () => server?.dispose());

  it('an upload and a download are verified by the server, and strict verification passes', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      const up = await copyFile({ driver: local, path: 'data.bin' }, { driver, path: 'up/data.bin' });
      expect(up.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: sha256(data), by: 'server' });
      expect(sha256(readFileSync(path.join(server.root, 'up/data.bin')))).toBe(sha256(data));
      const down = await copyFile({ driver, path: 'up/data.bin' }, { driver: local, path: 'down/data.bin' });
      expect(down.verification).toMatchObject({ kind: 'hash', by: 'server', digest: sha256(data) });
      const strict = await copyFile(
        { driver: local, path: 'data.bin' },
        { driver, path: 'strict/data.bin' },
        { verify: 'strict' },
      );
      expect(strict.verification).toMatchObject({ by: 'server', algorithm: 'sha256' });
    } finally {
      await driver.close();
    }
  });

  it('hashes what the server holds, for hostile names, in both algorithms on one connection', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      for (const name of HOSTILE) {
        writeFileSync(path.join(server.root, name), data);
        expect(await driver.serverHash(name, 'sha256'), name).toBe(sha256(data));
        // Changed behind the driver's back, on the server's disk: the answer follows the stored bytes.
        writeFileSync(path.join(server.root, name), `changed ${name}`);
        expect(await driver.serverHash(name, 'sha256'), name).toBe(sha256(`changed ${name}`));
        expect(await driver.serverHash(name, 'md5'), name).toBe(md5(`changed ${name}`));
        expect(await driver.serverHash(name, 'sha256'), name).toBe(sha256(`changed ${name}`));
      }
      expect(await driver.serverHash('a.bin', 'crc32c')).toBeUndefined();
    } finally {
      await driver.close();
    }
  });

  it('a file that is missing or a folder is a clear error, not a silent "no check"', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      const missing = await driver.serverHash('no such file.bin', 'sha256').catch((error: unknown) => error);
      expect(isConnectorError(missing, 'NotFound')).toBe(true);
      expect((missing as Error).message).toMatch(/could not hash no such file\.bin/);
      await driver.mkdir('a folder');
      const folder = await driver.serverHash('a folder', 'sha256').catch((error: unknown) => error);
      expect(isConnectorError(folder, 'InvalidInput')).toBe(true);
    } finally {
      await driver.close();
    }
  });

  it('a cancellation does not wait for the server to read a large file', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      // Sparse: 4 GiB of zeros costs no disk, and mod_digest takes seconds to hash it.
      const big = path.join(server.root, 'big.bin');
      writeFileSync(big, '');
      truncateSync(big, 4 * 1024 ** 3);
      // A connection signed in and FEAT read: the cancellation lands during HASH itself.
      writeFileSync(path.join(server.root, 'small.bin'), 'small');
      expect(await driver.serverHash('small.bin', 'sha256')).toBe(sha256('small'));
      const controller = new AbortController();
      const started = Date.now();
      setTimeout(() => controller.abort(), 300);
      const cancelled = await driver
        .serverHash('big.bin', 'sha256', { signal: controller.signal })
        .catch((error: unknown) => error);
      expect(isConnectorError(cancelled, 'Cancelled')).toBe(true);
      expect(Date.now() - started).toBeLessThan(1500);
      // The next question gets a fresh connection.
      expect(await driver.serverHash('small.bin', 'sha256')).toBe(sha256('small'));
    } finally {
      await driver.close();
    }
  });

  it('XSHA256 and XMD5 (servers without HASH) hash names with spaces too', async () => {
    const options = vsftpdFtpsOptions(server);
    const connection = await openFtpsConnection(options, await tlsOptionsFor(options));
    try {
      for (const name of HOSTILE) {
        writeFileSync(path.join(server.root, name), `x ${name}`);
        const remote = `/${name}`;
        const x256 = { kind: 'x-command', command: 'XSHA256', hexLength: 64 } as const;
        const xmd5 = { kind: 'x-command', command: 'XMD5', hexLength: 32 } as const;
        expect(await askFtpServerHash(connection.client, x256, remote, name)).toEqual({
          kind: 'digest',
          hex: sha256(`x ${name}`),
        });
        expect(await askFtpServerHash(connection.client, xmd5, remote, name)).toEqual({
          kind: 'digest',
          hex: md5(`x ${name}`),
        });
      }
    } finally {
      connection.client.close();
    }
  });
});

describe.skipIf(!vsftpd.available)('FTPS copies to a server without hash commands (vsftpd)', () => {
  let server: VsftpdServer;
  beforeAll(async () => {
    server = await startVsftpd({ tls: 'explicit' });
  });
  afterAll(async () => server?.dispose());

  it('answers undefined; a copy is checked on this computer only, and strict verification refuses it', async () => {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    try {
      writeFileSync(path.join(server.root, 'there.bin'), 'there');
      expect(await driver.serverHash('there.bin', 'sha256')).toBeUndefined();
      const plain = await copyFile({ driver: local, path: 'data.bin' }, { driver, path: 'plain.bin' });
      expect(plain.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: sha256(data), by: 'client' });
      const refused = await copyFile(
        { driver: local, path: 'data.bin' },
        { driver, path: 'strict.bin' },
        { verify: 'strict' },
      ).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isConnectorError(refused, 'Unsupported')).toBe(true);
      expect((refused as Error).message).toMatch(/neither the server nor the storage can check the copy/);
      expect(readdirSync(server.root).sort()).toEqual(['plain.bin', 'there.bin']);
    } finally {
      await driver.close();
    }
  });
});
