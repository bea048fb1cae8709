import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, freePortRange } from './free-port';
import { readBanner, type ServerProcess, startServerProcess } from './server-process';
import { ensureTestUser, type TestUser } from './test-user';
import { generateCertificate, type TestCertificate } from './tls-certificate';

// Debian's proftpd-core conflicts with vsftpd (both provide ftp-server), so CI unpacks the two packages into a
// private prefix instead of installing them (.ci/run); a system-wide proftpd is used when present.
const PREFIX = existsSync('/usr/sbin/proftpd') ? '' : '/opt/ferry-proftpd';

/** The proftpd binary the launcher runs (Debian 12's proftpd-core). */
export const PROFTPD_BINARY = `${PREFIX}/usr/sbin/proftpd`;

/** How to get it, for the skip message. */
export const PROFTPD_INSTALL_HINT =
  'apt-get download proftpd-core proftpd-mod-crypto, then dpkg-deb -x each into /opt/ferry-proftpd (as .ci/run does: ' +
  'apt cannot install it next to vsftpd)';

/** A running proftpd on 127.0.0.1 requiring explicit TLS, with mod_digest (HASH, XSHA256...), the user chrooted. */
export interface ProftpdServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: TestUser;
  readonly certificate: TestCertificate;
  /** The FTP root on disk (the client sees it as '/'). */
  readonly root: string;
  output(): string;
  /** The FTP commands the server received, one a line (its ExtendedLog: `USER "APPE /a.bin" 451`...). */
  commands(): string;
  /** Stops proftpd and its open sessions. */
  stop(): Promise<void>;
  /** Starts proftpd again on the same ports with the same certificate. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

/** How to configure the test proftpd. */
export interface ProftpdOptions {
  /** `AllowStoreRestart on` (default true): without it proftpd refuses APPE, as its stock configuration does. */
  readonly allowStoreRestart?: boolean;
}

/** Starts proftpd in the foreground (`-n`) with its own configuration, no system file read, on free loopback ports. */
export async function startProftpd(options: ProftpdOptions = {}): Promise<ProftpdServer> {
  const user = ensureTestUser();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-proftpd-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'root');
  mkdirSync(root);
  chownSync(root, user.uid, user.gid);
  const certificate = generateCertificate(dir);
  const port = await freePort();
  const passive = await freePortRange(20);
  const config = join(dir, 'proftpd.conf');
  const commandLog = join(dir, 'commands.log');
  writeFileSync(
    config,
    [
      'ServerType standalone',
      'ServerName "Ferry test proftpd"',
      'UseIPv6 off',
      'DefaultAddress 127.0.0.1',
      'SocketBindTight on',
      `Port ${port}`,
      `PassivePorts ${passive.min} ${passive.max}`,
      'User nobody',
      'Group nogroup',
      `PidFile ${join(dir, 'proftpd.pid')}`,
      `ScoreboardFile ${join(dir, 'proftpd.scoreboard')}`,
      `SystemLog ${join(dir, 'proftpd.log')}`,
      `TransferLog ${join(dir, 'xfer.log')}`,
      'WtmpLog off',
      'UseReverseDNS off',
      // Passwords from /etc/shadow: no PAM service file for proftpd exists on a machine that only unpacked it.
      'AuthOrder mod_auth_unix.c',
      `DefaultRoot ${root}`,
      'Umask 022',
      'AllowOverwrite on',
      `ModulePath ${PREFIX}/usr/lib/proftpd`,
      'LoadModule mod_tls.c',
      'LoadModule mod_digest.c',
      'TLSEngine on',
      'TLSRequired on',
      `TLSRSACertificateFile ${certificate.certPath}`,
      `TLSRSACertificateKeyFile ${certificate.keyPath}`,
      'TLSProtocol TLSv1.2 TLSv1.3',
      'TLSVerifyClient off',
      `TLSLog ${join(dir, 'tls.log')}`,
      'DigestEngine on',
      `ExtendedLog ${commandLog} ALL`,
      // APPE (a resumed write) needs it: without it proftpd refuses APPE (451, often after resetting the data connection).
      ...(options.allowStoreRestart === false ? [] : ['AllowStoreRestart on']),
      '',
    ].join('\n'),
  );
  let process: ServerProcess | undefined;
  const start = async (): Promise<void> => {
    process = await startServerProcess('proftpd', PROFTPD_BINARY, ['-n', '-c', config], async () =>
      (await readBanner(port)).startsWith('220'),
    );
  };
  try {
    await start();
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const stop = async (): Promise<void> => {
    await process?.stop();
    process = undefined;
  };
  return {
    host: '127.0.0.1',
    port,
    user,
    certificate,
    root,
    output: () => process?.output() ?? '',
    commands: () => (existsSync(commandLog) ? readFileSync(commandLog, 'utf8') : ''),
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
