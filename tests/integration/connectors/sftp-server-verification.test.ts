// Verification that asks the server: over SFTP, OpenSSH hashes the stored file itself (sha256sum over an exec channel,
// as rclone does), so a copy is checked by a second party, not by this process over the bytes it sent. An sftp-only
// account cannot run commands: the copy says it was checked on this computer only, and --verify=strict refuses it.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectorError } from '../../../connectors/connector-error';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { copyFile } from '../../../connectors/transfer/copy-file';
import { sshdSftpOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, type SshdServer, startSshd } from '../../servers/sshd-server';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

describe.skipIf(!sshd.available)('SFTP copies verified by the server', () => {
  let full: SshdServer;
  let sftpOnly: SshdServer;
  let scratch: string;
  let local: LocalDriver;
  const data = randomBytes(3 * 1024 * 1024 + 11);

  beforeAll(async () => {
    [full, sftpOnly] = await Promise.all([startSshd(), startSshd({ sftpOnly: true })]);
    scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-sftp-verify-'));
    writeFileSync(path.join(scratch, 'data.bin'), data);
    local = new LocalDriver({ root: scratch });
  });
  afterAll(async () => {
    await local?.close();
    await Promise.all([full?.dispose(), sftpOnly?.dispose()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('hashes on the server what the server holds, for any name, without running what a name says', async () => {
    const driver = new SftpDriver(sshdSftpOptions(full));
    try {
      const hostile = `it's $(touch pwned) "x"; rm -rf ~.bin`;
      writeFileSync(path.join(full.root, hostile), data);
      expect(await driver.serverHash(hostile, 'sha256')).toBe(sha256(data));
      expect(existsSync(path.join(full.root, 'pwned'))).toBe(false);
      // Asked again after the file changed on the server: the answer follows the stored bytes.
      writeFileSync(path.join(full.root, hostile), 'changed');
      expect(await driver.serverHash(hostile, 'sha256')).toBe(sha256(Buffer.from('changed')));
      expect(await driver.serverHash(hostile, 'md5')).toBe(createHash('md5').update('changed').digest('hex'));
    } finally {
      await driver.close();
    }
  });

  it('an upload and a download are verified by the server', async () => {
    const driver = new SftpDriver(sshdSftpOptions(full));
    try {
      const up = await copyFile({ driver: local, path: 'data.bin' }, { driver, path: 'up/data.bin' });
      expect(up.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: sha256(data), by: 'server' });
      expect(sha256(readFileSync(path.join(full.root, 'up/data.bin')))).toBe(sha256(data));
      const down = await copyFile({ driver, path: 'up/data.bin' }, { driver: local, path: 'down/data.bin' });
      expect(down.verification).toMatchObject({ kind: 'hash', by: 'server', digest: sha256(data) });
      // Strict is satisfied by the server's check.
      const strict = await copyFile(
        { driver: local, path: 'data.bin' },
        { driver, path: 'strict/data.bin' },
        { verify: 'strict' },
      );
      expect(strict.verification).toMatchObject({ by: 'server' });
    } finally {
      await driver.close();
    }
  });

  it('an sftp-only account: checked on this computer only, and strict verification refuses it, leaving nothing', async () => {
    const driver = new SftpDriver(sshdSftpOptions(sftpOnly));
    try {
      expect(await driver.serverHash('missing-or-not', 'sha256').catch(() => undefined)).toBeUndefined();
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
      expect(readdirSync(sftpOnly.root).sort()).toEqual(['plain.bin']);
    } finally {
      await driver.close();
    }
  });
});
