/**
 * Benchmark (not part of vitest): Ferry's SFTP driver against OpenSSH sshd next to OpenSSH's scp, `sftp -b` and
 * rclone's sftp backend, and Ferry's FTPS driver against vsftpd next to rclone's ftp backend.
 * Run alone: npx tsx tests/bench/sftp-ftps-vs-peers.ts [sizeMiB]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FtpsDriver } from '../../connectors/ftps/ftps-driver';
import { SftpDriver } from '../../connectors/sftp/sftp-driver';
import { SSHD_BINARY, startSshd } from '../servers/sshd-server';
import { startVsftpd, VSFTPD_BINARY } from '../servers/vsftpd-server';
import {
  type BenchRow,
  type BenchSetup,
  measureFerry,
  measurePeer,
  measureRclone,
  RCLONE,
  rcloneEnv,
  rowsFor,
  runAlone,
  runPeer,
  unencryptedKey,
} from './bench-kit';
import { vsftpdFtpsOptions } from '../kit/server-options';

const SCP = '/usr/bin/scp';
const SFTP = '/usr/bin/sftp';

/** OpenSSH client options for the peers only: the benchmark's throwaway host key is not pinned for them. */
function sshOptions(key: string): string[] {
  return [
    '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR',
  ]; // prettier-ignore
}

async function benchSftp(setup: BenchSetup): Promise<readonly BenchRow[]> {
  const server = await startSshd();
  try {
    const driver = new SftpDriver({
      host: server.host,
      port: server.port,
      username: server.user.name,
      privateKey: server.clientKey.privateKey,
      passphrase: server.clientKey.passphrase,
      hostKeyFingerprint: server.hostKeyFingerprint,
      root: server.root,
    });
    await driver.list(''); // connect before timing
    const ferry = await measureFerry(setup, driver, '');
    await driver.close();

    const key = unencryptedKey(server, setup.dir);
    const login = `${server.user.name}@${server.host}`;
    const remote = (name: string): string => `${server.root}/${name}`;
    const scp = await measurePeer(setup, 'scp', {
      upload: () =>
        runPeer(SCP, ['-q', '-P', `${server.port}`, ...sshOptions(key), setup.source, `${login}:${remote('scp.bin')}`]),
      download: (target) =>
        runPeer(SCP, ['-q', '-P', `${server.port}`, ...sshOptions(key), `${login}:${remote('scp.bin')}`, target]),
    });
    const batch = join(setup.dir, 'sftp-batch');
    const sftpBatch = (commands: string): Promise<void> => {
      writeFileSync(batch, commands);
      return runPeer(SFTP, ['-q', '-b', batch, '-P', `${server.port}`, ...sshOptions(key), login]);
    };
    const sftp = await measurePeer(setup, 'sftp -b', {
      upload: () => sftpBatch(`put "${setup.source}" "${remote('sftp.bin')}"\n`),
      download: (target) => sftpBatch(`get "${remote('sftp.bin')}" "${target}"\n`),
    });
    const rclone = await measureRclone(
      setup,
      rcloneEnv({
        RCLONE_CONFIG_SF_TYPE: 'sftp',
        RCLONE_CONFIG_SF_HOST: server.host,
        RCLONE_CONFIG_SF_PORT: `${server.port}`,
        RCLONE_CONFIG_SF_USER: server.user.name,
        RCLONE_CONFIG_SF_KEY_FILE: key,
      }),
      `sf:${remote('rclone.bin')}`,
    );
    return rowsFor('SFTP (OpenSSH sshd)', ferry, [scp, sftp, rclone]);
  } finally {
    await server.dispose();
  }
}

async function benchFtps(setup: BenchSetup): Promise<readonly BenchRow[]> {
  const server = await startVsftpd({ tls: 'explicit' });
  try {
    const driver = new FtpsDriver(vsftpdFtpsOptions(server));
    await driver.list(''); // connect before timing
    const ferry = await measureFerry(setup, driver, '');
    await driver.close();

    const ca = join(setup.dir, 'ftps-ca.pem');
    writeFileSync(ca, server.certificate.caPem);
    const obscured = spawnSync(RCLONE, ['obscure', '-'], { input: server.user.password, encoding: 'utf8' });
    if (obscured.status !== 0) throw new Error(`rclone obscure failed: ${obscured.stderr}`);
    const rclone = await measureRclone(
      setup,
      rcloneEnv({
        RCLONE_CONFIG_FT_TYPE: 'ftp',
        RCLONE_CONFIG_FT_HOST: server.host,
        RCLONE_CONFIG_FT_PORT: `${server.port}`,
        RCLONE_CONFIG_FT_USER: server.user.name,
        RCLONE_CONFIG_FT_PASS: obscured.stdout.trim(),
        RCLONE_CONFIG_FT_EXPLICIT_TLS: 'true',
        // rclone 1.60's ftp backend fails against vsftpd over TLS 1.3 (TESTBED.md).
        RCLONE_CONFIG_FT_DISABLE_TLS13: 'true',
        SSL_CERT_FILE: ca,
      }),
      'ft:rclone.bin',
    );
    return rowsFor('FTPS (vsftpd, explicit TLS)', ferry, [rclone]);
  } finally {
    await server.dispose();
  }
}

/** Ferry vs OpenSSH and rclone on sshd, and vs rclone on vsftpd. */
export async function benchSftpFtpsVsPeers(setup: BenchSetup): Promise<readonly BenchRow[]> {
  for (const binary of [SSHD_BINARY, VSFTPD_BINARY, SCP, SFTP, RCLONE]) {
    if (!existsSync(binary)) throw new Error(`${binary} is missing: apt-get install openssh-server vsftpd rclone`);
  }
  return [...(await benchSftp(setup)), ...(await benchFtps(setup))];
}

runAlone(__filename, benchSftpFtpsVsPeers);
