/**
 * Benchmark (not part of vitest): the built `ferry` command as a whole process next to rclone, for issue 17's goals:
 * start-up time and peak memory of `ferry --help`, and peak memory while moving a large file (1 GiB by default,
 * and a quarter of it, to show whether memory stays flat in the file size) to and from SFTP (OpenSSH) and S3 (Swift).
 * Each run is a new process timed by GNU time (wall seconds, peak RSS). Printed as ratios, never asserted.
 * Run alone: npx tsx tests/bench/ferry-process-vs-rclone.ts   (FERRY_BENCH_MEMORY_MIB=256,1024 sets the sizes,
 * FERRY_BENCH_STORES=sftp or s3 measures one store only)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { S3Driver } from '../../connectors/s3/s3-driver';
import { connectorEnv, sshdSftpOptions, swiftS3Options } from '../kit/server-options';
import { FERRY_BIN } from '../kit/ferry-process';
import { startSshd } from '../servers/sshd-server';
import { startSwift } from '../servers/swift-server';
import {
  createTestFile,
  expectSameFile,
  RCLONE,
  rcloneEnv,
  sizeFromArgs,
  unencryptedKey,
  withBenchSetup,
  type BenchSetup,
} from './bench-kit';
import { basename } from 'node:path';

const GNU_TIME = '/usr/bin/time';
const BUNDLE = join(__dirname, '../../out/cli/ferry.js');

/** One finished process: wall time and peak resident memory. */
interface ProcessRun {
  readonly seconds: number;
  readonly peakMiB: number;
}

/** One line of the table: the same operation by Ferry and by its peer, each a median of the runs. */
export interface ProcessRow {
  readonly target: string;
  readonly operation: string;
  readonly ferry: ProcessRun;
  readonly peerName: string;
  readonly peer: ProcessRun;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Runs one command under GNU time; rejects with its stderr when it fails. */
function timed(command: string, args: readonly string[], env: Env, scratch: string): Promise<ProcessRun> {
  const report = join(scratch, 'time.txt');
  return new Promise((resolve, reject) => {
    const child = spawn(GNU_TIME, ['-f', '%e %M', '-o', report, command, ...args], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${command} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
      const [seconds, kib] = readFileSync(report, 'utf8').trim().split(/\s+/).slice(-2).map(Number);
      resolve({ seconds: seconds!, peakMiB: kib! / 1024 });
    });
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Median wall time and median peak RSS of `repeats` runs; `prepare` and `check` run untimed around each. */
async function measureProcess(
  repeats: number,
  run: () => Promise<ProcessRun>,
  hooks: { readonly prepare?: () => Promise<void> | void; readonly check?: () => Promise<void> } = {},
): Promise<ProcessRun> {
  const runs: ProcessRun[] = [];
  for (let i = 0; i < repeats; i++) {
    await hooks.prepare?.();
    runs.push(await run());
    await hooks.check?.();
  }
  return { seconds: median(runs.map((r) => r.seconds)), peakMiB: median(runs.map((r) => r.peakMiB)) };
}

/** Where a store's copies go, for Ferry (a connector named `bench`) and for rclone (a remote named `peer`). */
interface StoreRoutes {
  readonly target: string;
  readonly ferryEnv: Env;
  readonly ferryRemote: (name: string) => string;
  readonly rcloneEnv: Env;
  readonly rcloneRemote: (name: string) => string;
  readonly removeRemote: (name: string) => Promise<void>;
}

/** Upload and download rows of one file size on one store. */
async function measureStore(
  setup: BenchSetup,
  routes: StoreRoutes,
  sizeMiB: number,
  source: string,
): Promise<ProcessRow[]> {
  const ferryEnv = { XDG_CONFIG_HOME: join(setup.dir, 'xdg'), ...routes.ferryEnv };
  const down = join(setup.dir, 'down.bin');
  const freshDown = (): void => rmSync(down, { force: true });
  const checkDown = (who: string) => () => expectSameFile(source, down, who);
  const ferry = (args: readonly string[]): Promise<ProcessRun> =>
    timed(process.execPath, [FERRY_BIN, ...args], ferryEnv, setup.dir);
  const rclone = (args: readonly string[]): Promise<ProcessRun> =>
    timed(RCLONE, ['--retries', '1', '--ignore-times', ...args], routes.rcloneEnv, setup.dir);

  const size = sizeMiB >= 1024 ? `${sizeMiB / 1024} GiB` : `${sizeMiB} MiB`;
  const ferryUp = await measureProcess(setup.repeats, () => ferry(['cp', source, routes.ferryRemote('ferry.bin')]), {
    prepare: () => routes.removeRemote('ferry.bin'),
  });
  const ferryDown = await measureProcess(setup.repeats, () => ferry(['cp', routes.ferryRemote('ferry.bin'), down]), {
    prepare: freshDown,
    check: checkDown('ferry'),
  });
  const peerUp = await measureProcess(setup.repeats, () => rclone(['copyto', source, routes.rcloneRemote('rc.bin')]));
  const peerDown = await measureProcess(setup.repeats, () => rclone(['copyto', routes.rcloneRemote('rc.bin'), down]), {
    prepare: freshDown,
    check: checkDown('rclone'),
  });
  freshDown();
  await routes.removeRemote('ferry.bin');
  await routes.removeRemote('rc.bin');
  return [
    { target: routes.target, operation: `upload ${size}`, ferry: ferryUp, peerName: 'rclone', peer: peerUp },
    { target: routes.target, operation: `download ${size}`, ferry: ferryDown, peerName: 'rclone', peer: peerDown },
  ];
}

/** The file sizes of the memory rows (MiB), from FERRY_BENCH_MEMORY_MIB (default 256 and 1024). */
function memorySizes(): readonly number[] {
  const raw = process.env.FERRY_BENCH_MEMORY_MIB ?? '256,1024';
  const sizes = raw.split(',').map(Number);
  if (sizes.some((s) => !Number.isInteger(s) || s <= 0)) {
    throw new Error(`FERRY_BENCH_MEMORY_MIB must list whole MiB sizes separated by commas: ${raw}`);
  }
  return sizes;
}

/** The stores of the memory rows, from FERRY_BENCH_STORES (default both: sftp,s3). */
function memoryStores(): readonly ('sftp' | 's3')[] {
  const raw = process.env.FERRY_BENCH_STORES ?? 'sftp,s3';
  const stores = raw.split(',').map((s) => s.trim());
  const known = stores.filter((s): s is 'sftp' | 's3' => s === 'sftp' || s === 's3');
  if (known.length === 0 || known.length !== stores.length) {
    throw new Error(`FERRY_BENCH_STORES must list sftp and/or s3 separated by commas: ${raw}`);
  }
  return known;
}

async function withSftp(setup: BenchSetup, body: (routes: StoreRoutes) => Promise<void>): Promise<void> {
  const server = await startSshd();
  try {
    const key = unencryptedKey(server, setup.dir);
    await body({
      target: 'SFTP (OpenSSH sshd)',
      ferryEnv: connectorEnv('bench', 'sftp', sshdSftpOptions(server)),
      ferryRemote: (name) => `bench:${name}`,
      rcloneEnv: rcloneEnv({
        RCLONE_CONFIG_PEER_TYPE: 'sftp',
        RCLONE_CONFIG_PEER_HOST: server.host,
        RCLONE_CONFIG_PEER_PORT: `${server.port}`,
        RCLONE_CONFIG_PEER_USER: server.user.name,
        RCLONE_CONFIG_PEER_KEY_FILE: key,
      }),
      rcloneRemote: (name) => `peer:${server.root}/${name}`,
      removeRemote: async (name) => rmSync(join(server.root, name), { force: true }),
    });
  } finally {
    await server.dispose();
  }
}

async function withS3(body: (routes: StoreRoutes) => Promise<void>): Promise<void> {
  const swift = await startSwift();
  const driver = new S3Driver(swiftS3Options(swift, 'bench'));
  try {
    await driver.client.send(new CreateBucketCommand({ Bucket: 'bench' }));
    await body({
      target: 'S3 (Swift s3api)',
      ferryEnv: connectorEnv('bench', 's3', {
        provider: 'other',
        endpoint: swift.endpoint,
        bucket: 'bench',
        accessKeyId: swift.accessKeyId,
        secretAccessKey: swift.secretAccessKey,
      }),
      ferryRemote: (name) => `bench:${name}`,
      rcloneEnv: rcloneEnv({
        RCLONE_CONFIG_PEER_TYPE: 's3',
        RCLONE_CONFIG_PEER_PROVIDER: 'Other',
        RCLONE_CONFIG_PEER_ACCESS_KEY_ID: swift.accessKeyId,
        RCLONE_CONFIG_PEER_SECRET_ACCESS_KEY: swift.secretAccessKey,
        RCLONE_CONFIG_PEER_ENDPOINT: swift.endpoint,
        RCLONE_CONFIG_PEER_FORCE_PATH_STYLE: 'true',
        RCLONE_CONFIG_PEER_REGION: 'us-east-1',
      }),
      rcloneRemote: (name) => `peer:bench/${name}`,
      removeRemote: async (name) => {
        await driver.remove(name).catch(() => undefined);
      },
    });
  } finally {
    await driver.close();
    await swift.stop();
  }
}

/** `ferry --help` vs `rclone version`, then 1 GiB (and smaller) copies to and from SFTP and S3 vs rclone. */
export async function benchFerryProcessVsRclone(setup: BenchSetup): Promise<readonly ProcessRow[]> {
  for (const [file, fix] of [
    [GNU_TIME, 'apt-get install time'],
    [RCLONE, 'apt-get install rclone'],
    [BUNDLE, 'npm run build'],
  ] as const) {
    if (!existsSync(file)) throw new Error(`${file} is missing: ${fix}`);
  }
  const rows: ProcessRow[] = [];
  const startupRepeats = Math.max(setup.repeats, 5);
  rows.push({
    target: 'start-up',
    operation: 'ferry --help / rclone version',
    ferry: await measureProcess(startupRepeats, () =>
      timed(process.execPath, [FERRY_BIN, '--help'], { XDG_CONFIG_HOME: join(setup.dir, 'xdg') }, setup.dir),
    ),
    peerName: 'rclone',
    peer: await measureProcess(startupRepeats, () => timed(RCLONE, ['version'], {}, setup.dir)),
  });

  const files = mkdtempSync(join(setup.dir, 'memory-'));
  try {
    const sources = memorySizes().map((sizeMiB) => {
      const source = join(files, `source-${sizeMiB}.bin`);
      createTestFile(source, sizeMiB);
      return { sizeMiB, source };
    });
    const runners = {
      sftp: (b: (r: StoreRoutes) => Promise<void>) => withSftp(setup, b),
      s3: withS3,
    };
    for (const store of memoryStores().map((name) => runners[name])) {
      await store(async (routes) => {
        for (const { sizeMiB, source } of sources) rows.push(...(await measureStore(setup, routes, sizeMiB, source)));
      });
    }
  } finally {
    rmSync(files, { recursive: true, force: true });
  }
  return rows;
}

/** The table: seconds and peak MiB side by side, with the time ratio (>1: Ferry faster) and the memory ratio. */
export function formatProcessTable(rows: readonly ProcessRow[], repeats: number): string {
  const header = [
    'target',
    'operation',
    'Ferry s',
    'peer s',
    'speed Ferry/peer',
    'Ferry MiB',
    'peer MiB',
    'memory Ferry/peer',
  ];
  const cells = rows.map((r) => [
    r.target,
    r.operation,
    r.ferry.seconds.toFixed(2),
    r.peer.seconds.toFixed(2),
    (r.peer.seconds / r.ferry.seconds).toFixed(2),
    r.ferry.peakMiB.toFixed(0),
    r.peer.peakMiB.toFixed(0),
    (r.ferry.peakMiB / r.peer.peakMiB).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [
    "Whole processes (the built ferry command, Debian's rclone), each run new, timed by GNU time; median of",
    `${repeats} run(s) (start-up: at least 5). Loopback, client and server on the same machine. Goals (issue 17):`,
    'ferry --help under 0.2 s and 80 MiB; peak memory at most 1.5x rclone and flat in the file size. Not an assertion.',
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

// Run alone: its own table (the size argument only sizes the shared scratch file, unused here: keep it small).
if (process.argv[1] !== undefined && basename(process.argv[1]) === basename(__filename)) {
  withBenchSetup(sizeFromArgs(['1']), async (setup) => {
    console.log(formatProcessTable(await benchFerryProcessVsRclone(setup), setup.repeats));
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
