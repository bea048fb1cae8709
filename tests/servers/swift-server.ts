import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { type ServerProcess, startServerProcess } from './server-process';

/** The Swift binaries the launcher runs (Debian swift-proxy, swift-account, swift-container, swift-object). */
export const SWIFT_BINARIES = [
  '/usr/bin/swift-proxy-server',
  '/usr/bin/swift-account-server',
  '/usr/bin/swift-container-server',
  '/usr/bin/swift-object-server',
  '/usr/bin/swift-ring-builder',
] as const;

/** A running single-replica OpenStack Swift with the s3api middleware on 127.0.0.1 (TESTBED.md). */
export interface SwiftServer {
  /** S3 endpoint, http://127.0.0.1:<port> */
  readonly endpoint: string;
  /** tempauth user `test:tester` / `testing`, as S3 access key and secret. */
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  output(): string;
  /** Stops the four servers and removes the data folder. */
  stop(): Promise<void>;
  /** Kills the S3 endpoint (the proxy server and its workers), cutting every connection; the data stays. */
  stopProxy(): Promise<void>;
  /** Starts the proxy again on the same port. */
  startProxy(): Promise<void>;
}

/** Whether Swift is installed, and why not when it is missing (throws under CI=true). */
export function swiftAvailability():
  { readonly available: true } | { readonly available: false; readonly reason: string } {
  const missing = SWIFT_BINARIES.filter((b) => !existsSync(b));
  if (missing.length === 0 && existsSync('/etc/swift/swift.conf')) return { available: true };
  const reason = `OpenStack Swift is not installed (${missing.join(', ') || '/etc/swift/swift.conf'} missing): apt-get install swift-proxy swift-account swift-container swift-object`;
  if (process.env.CI === 'true') throw new Error(`CI=true and a required test server is missing: ${reason}`);
  console.warn(`skipping Swift tests: ${reason}`);
  return { available: false, reason };
}

function run(command: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.once('error', reject);
    // swift-ring-builder exits 1 for warnings (e.g. "balance" notes) after a successful rebalance.
    child.once('exit', (code) =>
      code === 0 || code === 1 ? resolve() : reject(new Error(`${command} ${args.join(' ')}: ${output}`)),
    );
  });
}

function tcpOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function serverConfig(kind: string, dir: string, port: number, user: string): string {
  return [
    '[DEFAULT]',
    'bind_ip = 127.0.0.1',
    `bind_port = ${port}`,
    'workers = 0',
    `user = ${user}`,
    `swift_dir = ${dir}`,
    `devices = ${join(dir, 'srv')}`,
    'mount_check = false',
    `log_name = ${kind}`,
    'log_level = WARNING',
    '[pipeline:main]',
    `pipeline = ${kind}-server`,
    `[app:${kind}-server]`,
    `use = egg:swift#${kind}`,
    '',
  ].join('\n');
}

function proxyConfig(dir: string, port: number, user: string, memcachePort: number): string {
  return [
    '[DEFAULT]',
    'bind_ip = 127.0.0.1',
    `bind_port = ${port}`,
    'workers = 0',
    `user = ${user}`,
    `swift_dir = ${dir}`,
    'log_name = proxy',
    'log_level = WARNING',
    '[pipeline:main]',
    // s3api fails every request with 500 without the cache filter, even though no memcached runs.
    'pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server',
    '[app:proxy-server]',
    'use = egg:swift#proxy',
    'allow_account_management = true',
    'account_autocreate = true',
    '[filter:tempauth]',
    'use = egg:swift#tempauth',
    'user_admin_admin = admin .admin .reseller_admin',
    'user_test_tester = testing .admin',
    '[filter:s3api]',
    'use = egg:swift#s3api',
    'location = us-east-1',
    's3_acl = false',
    'max_multi_delete_objects = 1000',
    '[filter:catch_errors]',
    'use = egg:swift#catch_errors',
    '[filter:gatekeeper]',
    'use = egg:swift#gatekeeper',
    '[filter:healthcheck]',
    'use = egg:swift#healthcheck',
    '[filter:proxy-logging]',
    'use = egg:swift#proxy_logging',
    '[filter:cache]',
    'use = egg:swift#memcache',
    // A free port where nothing listens: the filter must exist, but a stray local memcached must not be used.
    `memcache_servers = 127.0.0.1:${memcachePort}`,
    '[filter:listing_formats]',
    'use = egg:swift#listing_formats',
    '[filter:bulk]',
    'use = egg:swift#bulk',
    '[filter:copy]',
    'use = egg:swift#copy',
    '[filter:slo]',
    'use = egg:swift#slo',
    '[filter:dlo]',
    'use = egg:swift#dlo',
    '[filter:versioned_writes]',
    'use = egg:swift#versioned_writes',
    '',
  ].join('\n');
}

/**
 * Builds the rings and starts the account, container, object and proxy servers in the foreground on free
 * loopback ports, in a fresh temporary folder (6-9 s on 2 cores), waiting until the proxy's healthcheck answers.
 */
export async function startSwift(): Promise<SwiftServer> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-swift-'));
  mkdirSync(join(dir, 'srv', 'd1'), { recursive: true });
  const user = userInfo().username;
  const ports = {
    account: await freePort(),
    container: await freePort(),
    object: await freePort(),
    proxy: await freePort(),
    memcache: await freePort(),
  };
  const processes: ServerProcess[] = [];
  const startProxy = (): Promise<ServerProcess> =>
    startServerProcess(
      'swift-proxy-server',
      '/usr/bin/swift-proxy-server',
      [join(dir, 'proxy-server.conf')],
      async () => (await fetch(`http://127.0.0.1:${ports.proxy}/healthcheck`)).ok,
      30_000,
    );
  let proxy: ServerProcess | undefined;
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await Promise.all(
      (['account', 'container', 'object'] as const).map(async (kind) => {
        const builder = join(dir, `${kind}.builder`);
        await run('swift-ring-builder', [builder, 'create', '8', '1', '1']);
        await run('swift-ring-builder', [builder, 'add', `r1z1-127.0.0.1:${ports[kind]}/d1`, '100']);
        await run('swift-ring-builder', [builder, 'rebalance']);
        writeFileSync(join(dir, `${kind}-server.conf`), serverConfig(kind, dir, ports[kind], user));
      }),
    );
    writeFileSync(join(dir, 'proxy-server.conf'), proxyConfig(dir, ports.proxy, user, ports.memcache));
    await Promise.all(
      (['account', 'container', 'object'] as const).map(async (kind) => {
        processes.push(
          await startServerProcess(
            `swift-${kind}-server`,
            `/usr/bin/swift-${kind}-server`,
            [join(dir, `${kind}-server.conf`)],
            () => tcpOpen(ports[kind]),
            30_000,
          ),
        );
      }),
    );
    proxy = await startProxy();
    processes.push(proxy);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    endpoint: `http://127.0.0.1:${ports.proxy}`,
    accessKeyId: 'test:tester',
    secretAccessKey: 'testing',
    output: () => processes.map((p) => p.output()).join('\n'),
    stop,
    stopProxy: async () => {
      const running = proxy;
      proxy = undefined;
      if (running === undefined) return;
      processes.splice(processes.indexOf(running), 1);
      await running.stop();
    },
    startProxy: async () => {
      if (proxy !== undefined) return;
      proxy = await startProxy();
      processes.push(proxy);
    },
  };
}
