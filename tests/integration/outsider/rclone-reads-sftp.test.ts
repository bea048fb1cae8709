// An outsider reads back what the Browser's file manager and a copy wrote over SFTP: rclone's own sftp backend, not
// Ferry's driver, lists the folders and names (accents, spaces, brackets, a leading dash) and hashes the bytes.
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardDriver } from '../../../connectors/guarded-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { copyFile } from '../../../connectors/transfer/copy-file';
import { BrowserService } from '../../../main/services/browser/browser-service';
import { localDiskLocation } from '../../../main/services/connectors/local-disk';
import { sshdSftpOptions } from '../../kit/server-options';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, type SshdServer, startSshd } from '../../servers/sshd-server';

const RCLONE = '/usr/bin/rclone';
const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const rcloneHere = requireServer('rclone', RCLONE, 'apt-get install rclone');

interface RcloneEntry {
  readonly Path: string;
  readonly Size: number;
  readonly IsDir: boolean;
}

describe.skipIf(!sshd.available || !rcloneHere.available)('rclone reads what Ferry wrote on OpenSSH', () => {
  let server: SshdServer;
  let scratch: string;
  let env: NodeJS.ProcessEnv;

  const rclone = (...args: string[]): string => {
    const run = spawnSync(RCLONE, ['--retries', '1', ...args], { env, encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`rclone ${args.join(' ')} failed: ${run.stderr}`);
    return run.stdout;
  };

  beforeAll(async () => {
    server = await startSshd();
    scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-rclone-reads-'));
    // rclone gets its own unencrypted copy of the client key and pins the same host key Ferry pinned.
    const key = path.join(scratch, 'peer_ed25519');
    copyFileSync(server.clientKey.path, key);
    chmodSync(key, 0o600);
    spawnSync('ssh-keygen', ['-q', '-p', '-P', server.clientKey.passphrase, '-N', '', '-f', key]);
    const knownHosts = path.join(scratch, 'known_hosts');
    const scan = spawnSync('ssh-keyscan', ['-p', `${server.port}`, '-t', 'ed25519', server.host], { encoding: 'utf8' });
    writeFileSync(knownHosts, scan.stdout);
    env = {
      ...process.env,
      RCLONE_CONFIG: '/dev/null',
      RCLONE_CONFIG_SF_TYPE: 'sftp',
      RCLONE_CONFIG_SF_HOST: server.host,
      RCLONE_CONFIG_SF_PORT: `${server.port}`,
      RCLONE_CONFIG_SF_USER: server.user.name,
      RCLONE_CONFIG_SF_KEY_FILE: key,
      RCLONE_CONFIG_SF_KNOWN_HOSTS_FILE: knownHosts,
    };
  }, 60_000);

  afterAll(async () => {
    await server?.dispose();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('sees the folders, renamed names and bytes exactly as the Browser and a copy left them', async () => {
    const sftp = guardDriver(new SftpDriver(sshdSftpOptions(server)));
    const data = randomBytes(3 * 1024 * 1024 + 17);
    writeFileSync(path.join(scratch, 'src.bin'), data);
    const disk = guardDriver(new LocalDriver({ root: scratch }));
    const browser = new BrowserService({
      drivers: { open: async () => sftp, localLocation: (p) => localDiskLocation(p) },
      preferences: { get: () => null as never },
    });
    try {
      // The file manager: a folder with an accented name, a nested one, a copy into it, a rename with brackets.
      const reports = await browser.mkdir({ connectorId: 'c', path: '' }, 'Rapports été 2026');
      await browser.mkdir({ connectorId: 'c', path: reports.path }, '-brut');
      await copyFile({ driver: disk, path: 'src.bin' }, { driver: sftp, path: `${reports.path}/-brut/mesures.bin` });
      await browser.rename({ connectorId: 'c', path: `${reports.path}/-brut/mesures.bin` }, 'données [v2] (copie).bin');
      await browser.mkdir({ connectorId: 'c', path: reports.path }, 'vide');
      await browser.remove('c', [`${reports.path}/vide`]);

      const root = path.relative('/', server.root);
      const listed = JSON.parse(rclone('lsjson', '-R', `sf:/${root}`)) as RcloneEntry[];
      expect(listed.map((e) => [e.Path, e.IsDir, e.IsDir ? -1 : e.Size]).sort()).toEqual(
        [
          ['Rapports été 2026', true, -1],
          ['Rapports été 2026/-brut', true, -1],
          ['Rapports été 2026/-brut/données [v2] (copie).bin', false, data.length],
        ].sort(),
      );
      // No staging or partial file is left where another client looks.
      expect(listed.some((e) => /partial|\.ferry/i.test(e.Path))).toBe(false);
      const sha = rclone('hashsum', 'SHA256', '--download', `sf:/${root}/Rapports été 2026/-brut`);
      expect(sha.trim()).toBe(`${createHash('sha256').update(data).digest('hex')}  données [v2] (copie).bin`);
    } finally {
      await browser.close();
      await sftp.close();
      await disk.close();
    }
  }, 120_000);
});
