/**
 * Shared pieces of the benchmarks (not part of vitest): timing, test files, peer commands, Ferry's two ways of
 * moving a file (the transfer engine as users run it, and the bare driver) and the combined table.
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  createReadStream,
  createWriteStream,
  existsSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isConnectorError } from '../../connectors/connector-error';
import { type Driver } from '../../connectors/driver';
import { LocalDriver } from '../../connectors/local/local-driver';
import { copyFile } from '../../connectors/transfer/copy-file';
import { runTool } from '../servers/run-tool';
import { type SshdServer } from '../servers/sshd-server';

/** Bytes in a MiB. */
export const MiB = 1024 * 1024;

/** Direction of a transfer, seen from the local disk. */
export type Direction = 'upload' | 'download';

/** How Ferry moved the bytes: `copyFile` with verification on, or the remote driver's read/write alone. */
export type FerryPath = 'engine' | 'driver';

/** One line of the combined table: one Ferry measurement next to one peer measurement of the same transfer. */
export interface BenchRow {
  readonly target: string;
  readonly direction: Direction;
  readonly ferryPath: FerryPath;
  readonly ferry: number;
  readonly peerName: string;
  readonly peer: number;
}

/** What every benchmark receives: the file size and a scratch folder holding `source.bin` of that size. */
export interface BenchSetup {
  readonly sizeMiB: number;
  /** Scratch folder (the local driver's root in engine runs). */
  readonly dir: string;
  /** Absolute path of the random source file, `source.bin` in `dir`. */
  readonly source: string;
  /** Median of this many runs per measurement. */
  readonly repeats: number;
}

/** Parses the optional size argument in MiB (default 100). */
export function sizeFromArgs(argv: readonly string[] = process.argv.slice(2)): number {
  const raw = argv[0] ?? '100';
  const size = Number(raw);
  if (!Number.isInteger(size) || size <= 0) throw new Error(`The size must be a positive whole number of MiB: ${raw}`);
  return size;
}

/** Writes `sizeMiB` MiB of random bytes to `path`, one MiB at a time. */
export function createTestFile(path: string, sizeMiB: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < sizeMiB; i++) writeSync(fd, randomBytes(MiB));
  } finally {
    closeSync(fd);
  }
}

/** SHA-256 of a local file (to check a download really happened and is intact; outside the timed part). */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, { highWaterMark: MiB }), hash);
  return hash.digest('hex');
}

/** Throws unless `copy` holds exactly the bytes of `original`. */
export async function expectSameFile(original: string, copy: string, who: string): Promise<void> {
  if (!existsSync(copy)) throw new Error(`${who} left no file at ${copy}`);
  if (statSync(copy).size !== statSync(original).size || (await sha256File(copy)) !== (await sha256File(original))) {
    throw new Error(`${who} produced a file that differs from the source: ${copy}`);
  }
}

/** MiB/s of one run of `run` moving `sizeMiB`; `prepare` (untimed) runs first, `check` (untimed) after. */
export async function measure(
  setup: BenchSetup,
  run: () => Promise<void>,
  hooks: { readonly prepare?: () => Promise<void> | void; readonly check?: () => Promise<void> } = {},
): Promise<number> {
  const rates: number[] = [];
  for (let i = 0; i < setup.repeats; i++) {
    await hooks.prepare?.();
    const started = performance.now();
    await run();
    rates.push((setup.sizeMiB * 1000) / (performance.now() - started));
    await hooks.check?.();
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

/** Runs a peer command to completion; rejects with its stderr when it fails. */
export function runPeer(
  command: string,
  args: readonly string[],
  options: { readonly env?: Readonly<Record<string, string | undefined>>; readonly cwd?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: options.env === undefined ? process.env : { ...process.env, ...options.env },
      cwd: options.cwd,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${basename(command)} ${args.join(' ')} exited with ${code}: ${stderr.trim()}`));
    });
  });
}

/** Removes a remote file if it exists (so every run writes a new file, as a first copy does). */
export async function removeRemote(driver: Driver, path: string): Promise<void> {
  await driver.remove(path).catch((error: unknown) => {
    if (!isConnectorError(error, 'NotFound')) throw error;
  });
}

/**
 * Ferry's upload and download of `source.bin` to and from `remote`, through the transfer engine (copyFile between
 * the local driver and the remote one, verification on) and through the remote driver alone. The remote driver must
 * already be connected (Ferry's numbers exclude connection setup; the peers' include theirs).
 */
export async function measureFerry(
  setup: BenchSetup,
  remote: Driver,
  remoteDir: string,
): Promise<Readonly<Record<`${FerryPath}-${Direction}`, number>>> {
  const local = new LocalDriver({ root: setup.dir });
  const remotePath = (name: string): string => (remoteDir === '' ? name : `${remoteDir}/${name}`);
  const down = join(setup.dir, 'ferry-down.bin');
  const size = setup.sizeMiB * MiB;
  const freshLocal = (): void => rmSync(down, { force: true });
  const checkDown = (): Promise<void> => expectSameFile(setup.source, down, 'Ferry');

  const engineUpload = await measure(
    setup,
    async () => {
      await copyFile({ driver: local, path: 'source.bin' }, { driver: remote, path: remotePath('engine.bin') });
    },
    { prepare: () => removeRemote(remote, remotePath('engine.bin')) },
  );
  const engineDownload = await measure(
    setup,
    async () => {
      await copyFile({ driver: remote, path: remotePath('engine.bin') }, { driver: local, path: 'ferry-down.bin' });
    },
    { prepare: freshLocal, check: checkDown },
  );
  const driverUpload = await measure(
    setup,
    async () => {
      await remote.write(remotePath('driver.bin'), createReadStream(setup.source, { highWaterMark: MiB }), { size });
    },
    { prepare: () => removeRemote(remote, remotePath('driver.bin')) },
  );
  const driverDownload = await measure(
    setup,
    async () => {
      await pipeline(await remote.read(remotePath('driver.bin')), createWriteStream(down));
    },
    { prepare: freshLocal, check: checkDown },
  );
  freshLocal();
  await local.close();
  return {
    'engine-upload': engineUpload,
    'engine-download': engineDownload,
    'driver-upload': driverUpload,
    'driver-download': driverDownload,
  };
}

/** Rows for one target: each Ferry path next to each peer, per direction. */
export function rowsFor(
  target: string,
  ferry: Readonly<Record<`${FerryPath}-${Direction}`, number>>,
  peers: readonly PeerRates[],
): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const direction of ['upload', 'download'] as const) {
    for (const ferryPath of ['engine', 'driver'] as const) {
      for (const peer of peers) {
        rows.push({
          target,
          direction,
          ferryPath,
          ferry: ferry[`${ferryPath}-${direction}`],
          peerName: peer.name,
          peer: peer[direction],
        });
      }
    }
  }
  return rows;
}

/** The combined table as text, with the conditions the numbers were taken under. */
export function formatTable(rows: readonly BenchRow[], setup: Pick<BenchSetup, 'sizeMiB' | 'repeats'>): string {
  const header = ['target', 'direction', 'ferry via', 'Ferry MiB/s', 'peer MiB/s', 'peer', 'Ferry/peer'];
  const cells = rows.map((row) => [
    row.target,
    row.direction,
    row.ferryPath,
    row.ferry.toFixed(1),
    row.peer.toFixed(1),
    row.peerName,
    (row.ferry / row.peer).toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const numeric = new Set([3, 4, 6]);
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (numeric.has(i) ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ');
  return [
    `${setup.sizeMiB} MiB file, loopback, client and server on the same machine, median of ${setup.repeats} run(s).`,
    'Ferry via engine: copyFile between the local and the remote driver, verification on (as users run it);',
    'via driver: the remote driver read/write alone. Ferry runs on an open connection; every peer run is a new',
    'process and includes its start, connection and authentication. Ratio > 1: Ferry faster. Not an assertion.',
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...cells.map(line),
  ].join('\n');
}

/** A peer's upload and download rates. */
export interface PeerRates {
  readonly name: string;
  readonly upload: number;
  readonly download: number;
}

/**
 * Times a peer: `upload` sends the source file, `download(target)` fetches it back to `target`, which is removed
 * before each run and compared with the source after it (untimed), so a peer that skipped the copy is caught.
 */
export async function measurePeer(
  setup: BenchSetup,
  name: string,
  peer: {
    readonly upload: () => Promise<void>;
    readonly download: (target: string) => Promise<void>;
    readonly prepareUpload?: () => Promise<void>;
  },
): Promise<PeerRates> {
  const down = join(setup.dir, 'peer-down.bin');
  const upload = await measure(setup, peer.upload, { ...(peer.prepareUpload ? { prepare: peer.prepareUpload } : {}) });
  const download = await measure(setup, () => peer.download(down), {
    prepare: () => rmSync(down, { force: true }),
    check: () => expectSameFile(setup.source, down, name),
  });
  rmSync(down, { force: true });
  return { name, upload, download };
}

/** Debian's rclone, the peer for every target. */
export const RCLONE = '/usr/bin/rclone';

/** rclone copyto up and down between the source file and `remote` (e.g. 'sw:bench/rclone.bin'). */
export function measureRclone(
  setup: BenchSetup,
  env: Readonly<Record<string, string | undefined>>,
  remote: string,
  name = 'rclone',
): Promise<PeerRates> {
  // An identical existing target makes rclone skip the copy after comparing hashes: --ignore-times copies anyway.
  const rclone = (args: readonly string[]): Promise<void> =>
    runPeer(RCLONE, ['--retries', '1', '--ignore-times', ...args], { env });
  return measurePeer(setup, name, {
    upload: () => rclone(['copyto', setup.source, remote]),
    download: (target) => rclone(['copyto', remote, target]),
  });
}

/** The environment for rclone: its S3 backend fails at start when AWS_CA_BUNDLE is set here (TESTBED.md). */
export function rcloneEnv(config: Readonly<Record<string, string>>): Record<string, string | undefined> {
  return { ...config, AWS_CA_BUNDLE: undefined };
}

/** Runs `bench` by itself when its file is the entry point (`npx tsx tests/bench/<file>.ts [sizeMiB]`). */
export function runAlone(entryFile: string, bench: (setup: BenchSetup) => Promise<readonly BenchRow[]>): void {
  if (process.argv[1] === undefined || basename(process.argv[1]) !== basename(entryFile)) return;
  withBenchSetup(sizeFromArgs(), async (setup) => {
    console.log(formatTable(await bench(setup), setup));
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}

/** Creates the scratch folder and source file, runs `body`, and removes them. */
export async function withBenchSetup(sizeMiB: number, body: (setup: BenchSetup) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const source = join(dir, 'source.bin');
  try {
    createTestFile(source, sizeMiB);
    const repeats = Number(process.env.FERRY_BENCH_REPEATS ?? 3);
    if (!Number.isInteger(repeats) || repeats < 1) throw new Error('FERRY_BENCH_REPEATS must be a whole number >= 1');
    await body({ sizeMiB, dir, source, repeats });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An unencrypted copy of the test's passphrase-protected client key, for peers that cannot prompt. */
export function unencryptedKey(server: SshdServer, dir: string): string {
  const path = join(dir, 'peer_ed25519');
  copyFileSync(server.clientKey.path, path);
  chmodSync(path, 0o600);
  runTool('ssh-keygen', ['-q', '-p', '-P', server.clientKey.passphrase, '-N', '', '-f', path]);
  return path;
}

/** A row of the scale benchmarks: what was measured, Ferry's and the peer's figures as text, and a note (goal, ratio). */
export interface ScaleRow {
  readonly what: string;
  readonly ferry: string;
  readonly peer: string;
  readonly note: string;
}

/** A titled table of scale rows. */
export function formatScaleTable(title: string, rows: readonly ScaleRow[]): string {
  const header = ['measure', 'Ferry', 'peer', 'note'];
  const cells = rows.map((r) => [r.what, r.ferry, r.peer, r.note]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: readonly string[]): string => c.map((v, i) => v.padEnd(widths[i]!)).join('  ');
  return [title, '', line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
