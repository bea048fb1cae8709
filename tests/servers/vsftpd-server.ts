import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { freePort, freePortRange } from './free-port';
import { readBanner, type ServerProcess, startServerProcess } from './server-process';
import { ensureTestUser, type TestUser } from './test-user';
import { generateCertificate, type TestCertificate } from './tls-certificate';

/** The vsftpd binary the launcher runs (Debian's vsftpd). */
export const VSFTPD_BINARY = '/usr/sbin/vsftpd';

/** A running vsftpd on 127.0.0.1 requiring TLS, chrooted into an empty folder owned by the test user. */
export interface VsftpdServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly tls: 'explicit' | 'implicit';
  readonly user: TestUser;
  readonly certificate: TestCertificate;
  /** The FTP root on disk (the client sees it as '/'). */
  readonly root: string;
  output(): string;
  /** Stops vsftpd and its open sessions. */
  stop(): Promise<void>;
  /** Starts vsftpd again on the same ports with the same certificate. */
  start(): Promise<void>;
  dispose(): Promise<void>;
}

function implicitReady(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts vsftpd in the foreground with explicit (AUTH TLS) or implicit TLS on free loopback ports. */
export async function startVsftpd(options: { tls?: 'explicit' | 'implicit' } = {}): Promise<VsftpdServer> {
  const tls = options.tls ?? 'explicit';
  const user = ensureTestUser();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-vsftpd-'));
  chmodSync(dir, 0o755);
  const root = join(dir, 'root');
  mkdirSync(root);
  chownSync(root, user.uid, user.gid);
  const emptyDir = join(dir, 'empty');
  mkdirSync(emptyDir, { mode: 0o755 });
  const certificate = generateCertificate(dir);
  const port = await freePort();
  const passive = await freePortRange(20);
  const config = join(dir, 'vsftpd.conf');
  writeFileSync(
    config,
    [
      'listen=YES',
      'listen_ipv6=NO',
      'listen_address=127.0.0.1',
      `listen_port=${port}`,
      'background=NO',
      'anonymous_enable=NO',
      'local_enable=YES',
      'write_enable=YES',
      'local_umask=022',
      `local_root=${root}`,
      'chroot_local_user=YES',
      'allow_writeable_chroot=YES',
      'pam_service_name=vsftpd',
      `secure_chroot_dir=${emptyDir}`,
      'pasv_enable=YES',
      'pasv_address=127.0.0.1',
      `pasv_min_port=${passive.min}`,
      `pasv_max_port=${passive.max}`,
      'port_enable=NO',
      'ssl_enable=YES',
      `implicit_ssl=${tls === 'implicit' ? 'YES' : 'NO'}`,
      `rsa_cert_file=${certificate.certPath}`,
      `rsa_private_key_file=${certificate.keyPath}`,
      'force_local_logins_ssl=YES',
      'force_local_data_ssl=YES',
      'allow_anon_ssl=NO',
      'ssl_sslv2=NO',
      'ssl_sslv3=NO',
      'ssl_tlsv1=YES',
      'require_ssl_reuse=YES',
      'ssl_ciphers=HIGH',
      'seccomp_sandbox=NO',
      'isolate_network=NO',
      'xferlog_enable=YES',
      'xferlog_std_format=NO',
      `vsftpd_log_file=${join(dir, 'vsftpd.log')}`,
      'log_ftp_protocol=YES',
      'dual_log_enable=NO',
      'utf8_filesystem=YES',
      '',
    ].join('\n'),
  );
  let process: ServerProcess | undefined;
  const start = async (): Promise<void> => {
    process = await startServerProcess('vsftpd', VSFTPD_BINARY, [config], async () =>
      tls === 'implicit' ? implicitReady(port) : (await readBanner(port)).startsWith('220'),
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
    tls,
    user,
    certificate,
    root,
    output: () => process?.output() ?? '',
    stop,
    start,
    dispose: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
