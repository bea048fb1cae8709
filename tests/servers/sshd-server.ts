import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { runTool } from './run-tool';
import { readBanner, type ServerProcess, startServerProcess } from './server-process';
import { ensureTestUser, type TestUser } from './test-user';

/** The sshd binary the launcher runs (Debian's openssh-server). */
export const SSHD_BINARY = '/usr/sbin/sshd';

/** A running OpenSSH server on 127.0.0.1 with its own host key, a test user and an empty root folder. */
export interface SshdServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: TestUser;
  /** `ssh-keygen -lf` of the ed25519 host key, e.g. 'SHA256:...'. */
  readonly hostKeyFingerprint: string;
  /** An ed25519 client key in OpenSSH format, encrypted with `passphrase`, authorised for the user. */
  readonly clientKey: { readonly path: string; readonly privateKey: string; readonly passphrase: string };
  /** Absolute path of an empty folder owned by the test user, to use as the connector's root. */
  readonly root: string;
  /** sshd's recent log lines. */
  output(): string;
  /** Stops sshd and its open sessions (a server crash, as far as clients can tell). */
  stop(): Promise<void>;
  /** Starts sshd again on the same port with the same keys. */
  start(): Promise<void>;
  /** Stops sshd and removes every temporary file. */
  dispose(): Promise<void>;
}

function fingerprintOf(publicKeyPath: string): string {
  const line = runTool('ssh-keygen', ['-l', '-E', 'sha256', '-f', publicKeyPath]);
  const match = /SHA256:[A-Za-z0-9+/]+/.exec(line);
  if (!match) throw new Error(`unexpected ssh-keygen output: ${line}`);
  return match[0];
}

/** Starts OpenSSH's sshd in the foreground on a free loopback port (as root; see TESTBED.md). */
export async function startSshd(options: { readonly sftpOnly?: boolean } = {}): Promise<SshdServer> {
  const user = ensureTestUser();
  const dir = mkdtempSync(join(tmpdir(), 'ferry-sshd-'));
  // The test user must reach its authorized_keys and its root folder below this directory.
  chmodSync(dir, 0o755);
  const root = join(dir, 'root');
  mkdirSync(root);
  chownSync(root, user.uid, user.gid);
  mkdirSync('/run/sshd', { recursive: true });

  const hostKey = join(dir, 'host_ed25519');
  runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'ferry-test-host', '-f', hostKey]);
  const passphrase = randomBytes(12).toString('hex');
  const clientKeyPath = join(dir, 'client_ed25519');
  runTool('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase, '-C', 'ferry-test-client', '-f', clientKeyPath]);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, readFileSync(`${clientKeyPath}.pub`));
  chmodSync(authorizedKeys, 0o644);

  const port = await freePort();
  const config = join(dir, 'sshd_config');
  writeFileSync(
    config,
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${hostKey}`,
      `PidFile ${join(dir, 'sshd.pid')}`,
      'UsePAM no',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      `AuthorizedKeysFile ${authorizedKeys}`,
      // the temp parent is world-writable (/tmp), which StrictModes would reject
      'StrictModes no',
      'PermitRootLogin no',
      `AllowUsers ${user.name}`,
      'Subsystem sftp internal-sftp',
      // An sftp-only account, as many hosts give out: no shell, no exec channel.
      ...(options.sftpOnly === true ? ['ForceCommand internal-sftp'] : []),
      'LogLevel VERBOSE',
      'MaxStartups 50:30:100',
      'MaxSessions 20',
      '',
    ].join('\n'),
  );

  let process: ServerProcess | undefined;
  const start = async (): Promise<void> => {
    process = await startServerProcess('sshd', SSHD_BINARY, ['-D', '-e', '-f', config], async () =>
      (await readBanner(port)).startsWith('SSH-2.0-'),
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
    hostKeyFingerprint: fingerprintOf(`${hostKey}.pub`),
    clientKey: { path: clientKeyPath, privateKey: readFileSync(clientKeyPath, 'utf8'), passphrase },
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
