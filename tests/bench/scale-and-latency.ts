/**
 * Benchmark (not part of vitest): Ferry at scale. A 100,000-entry folder listed through the local and SFTP drivers
 * (time and memory; rclone lsf beside SFTP), a subscription's rescan of 100,000 files against the sync ledger (the
 * new-file detection the agent runs at every interval), and the event loop's delay (p99) while 8 verified transfers
 * run. Sizes: FERRY_BENCH_ENTRIES (default 100000). Figures with their goals; nothing asserted.
 * Run alone: npx tsx tests/bench/scale-and-latency.ts
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { basename, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Driver } from '../../connectors/driver';
import { LocalDriver } from '../../connectors/local/local-driver';
import { SftpDriver } from '../../connectors/sftp/sftp-driver';
import { copyFile } from '../../connectors/transfer/copy-file';
import { PublishRecords } from '../../main/services/sync/publish-records';
import { SyncLedger } from '../../main/services/sync/sync-ledger';
import { SCAN_PAGE_SIZE } from '../../main/services/sync/source-scan';
import { sshdSftpOptions } from '../kit/server-options';
import { startSshd } from '../servers/sshd-server';
import {
  createTestFile,
  formatScaleTable,
  RCLONE,
  rcloneEnv,
  runPeer,
  type ScaleRow,
  unencryptedKey,
  withBenchSetup,
} from './bench-kit';

function entries(): number {
  const count = Number(process.env.FERRY_BENCH_ENTRIES ?? 100_000);
  if (!Number.isInteger(count) || count < 1) throw new Error('FERRY_BENCH_ENTRIES must be a whole number >= 1');
  return count;
}

/** Empty files f-000000 ... in `folder`. */
function fillFolder(folder: string, count: number): void {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) closeSync(openSync(join(folder, `f-${String(i).padStart(6, '0')}.csv`), 'w'));
}

/** Lists every page of a folder; seconds, entries seen and the RSS growth while listing (sampled). */
async function listAll(driver: Driver, folder: string): Promise<{ seconds: number; count: number; rssMiB: number }> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const started = performance.now();
  let count = 0;
  let cursor: string | undefined;
  try {
    do {
      const page = await driver.list(folder, cursor === undefined ? { pageSize: 1000 } : { pageSize: 1000, cursor });
      count += page.entries.length;
      cursor = page.cursor;
    } while (cursor !== undefined);
  } finally {
    clearInterval(sampler);
  }
  peak = Math.max(peak, process.memoryUsage().rss);
  return { seconds: (performance.now() - started) / 1000, count, rssMiB: (peak - before) / 1024 / 1024 };
}

async function listingRows(dir: string, count: number): Promise<ScaleRow[]> {
  const rows: ScaleRow[] = [];
  fillFolder(join(dir, 'wide'), count);
  const local = new LocalDriver({ root: dir });
  const own = await listAll(local, 'wide');
  await local.close();
  rows.push({
    what: `list ${count} entries, local folder`,
    ferry: `${own.seconds.toFixed(2)} s, +${own.rssMiB.toFixed(0)} MiB`,
    peer: '-',
    note: `${own.count} listed`,
  });

  const sshd = await startSshd();
  try {
    fillFolder(join(sshd.root, 'wide'), count);
    spawnSync('chown', ['-R', `${sshd.user.uid}:${sshd.user.gid}`, join(sshd.root, 'wide')]);
    const driver = new SftpDriver(sshdSftpOptions(sshd));
    await driver.list('');
    const sftp = await listAll(driver, 'wide');
    await driver.close();
    const key = unencryptedKey(sshd, dir);
    const started = performance.now();
    await runPeer(RCLONE, ['lsf', `sf:${sshd.root}/wide`], {
      env: rcloneEnv({
        RCLONE_CONFIG_SF_TYPE: 'sftp',
        RCLONE_CONFIG_SF_HOST: sshd.host,
        RCLONE_CONFIG_SF_PORT: `${sshd.port}`,
        RCLONE_CONFIG_SF_USER: sshd.user.name,
        RCLONE_CONFIG_SF_KEY_FILE: key,
      }),
    });
    const peer = (performance.now() - started) / 1000;
    rows.push({
      what: `list ${count} entries, SFTP (OpenSSH)`,
      ferry: `${sftp.seconds.toFixed(2)} s, +${sftp.rssMiB.toFixed(0)} MiB`,
      peer: `${peer.toFixed(2)} s (rclone lsf, whole process)`,
      note: `${sftp.count} listed; Ferry/rclone ${(peer / sftp.seconds).toFixed(2)}`,
    });
  } finally {
    await sshd.dispose();
  }
  return rows;
}

/** A first scan of `count` files into the sync ledger, then a rescan with 100 new files, page by page as the agent. */
function rescanRows(dir: string, count: number): ScaleRow[] {
  const ledger = new SyncLedger(join(dir, 'ledger.sqlite'));
  const records = new PublishRecords(ledger);
  const scan = (files: number, at: number): number => {
    const started = performance.now();
    for (let from = 0; from < files; from += SCAN_PAGE_SIZE) {
      const page = [];
      for (let i = from; i < Math.min(files, from + SCAN_PAGE_SIZE); i++) {
        page.push({
          path: `folder/f-${String(i).padStart(6, '0')}.csv`,
          look: { size: i, mtimeMs: 1_700_000_000_000, etag: null },
        });
      }
      records.recordLooks('binding', page, at);
    }
    return performance.now() - started;
  };
  try {
    const first = scan(count, 1);
    const again = scan(count + 100, 2);
    const fresh = records.candidates('binding', 2, '', 1000).filter((o) => o.stableLooks === 0).length;
    return [
      {
        what: `first scan of ${count} files into the ledger`,
        ferry: `${first.toFixed(0)} ms`,
        peer: '-',
        note: 'once per folder',
      },
      {
        what: `rescan: ${count} unchanged + 100 new`,
        ferry: `${again.toFixed(0)} ms`,
        peer: '-',
        note: `goal <= 300 ms; ${fresh} found new`,
      },
    ];
  } finally {
    ledger.close();
  }
}

/** The event loop's delay while 8 files of 32 MiB copy at once, verified, from the local disk to SFTP. */
async function latencyRows(dir: string): Promise<ScaleRow[]> {
  for (let i = 0; i < 8; i++) createTestFile(join(dir, `lag-${i}.bin`), 32);
  const sshd = await startSshd();
  const local = new LocalDriver({ root: dir });
  const remote = new SftpDriver(sshdSftpOptions(sshd));
  try {
    await remote.list('');
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        copyFile({ driver: local, path: `lag-${i}.bin` }, { driver: remote, path: `lag-${i}.bin` }),
      ),
    );
    delay.disable();
    const seconds = (performance.now() - started) / 1000;
    return [
      {
        what: 'event loop delay, 8 transfers at once (p99 / max)',
        ferry: `${(delay.percentile(99) / 1e6).toFixed(1)} ms / ${(delay.max / 1e6).toFixed(1)} ms`,
        peer: '-',
        note: `goal p99 <= 16 ms; 256 MiB in ${seconds.toFixed(1)} s`,
      },
    ];
  } finally {
    await remote.close();
    await local.close();
    await sshd.dispose();
  }
}

/** Every scale measurement. */
export async function benchScaleAndLatency(dir: string): Promise<readonly ScaleRow[]> {
  const count = entries();
  return [...(await listingRows(dir, count)), ...rescanRows(dir, count), ...(await latencyRows(dir))];
}

if (process.argv[1] !== undefined && basename(process.argv[1]) === basename(__filename)) {
  withBenchSetup(1, async (setup) => {
    console.log(
      formatScaleTable('Ferry at scale (loopback). Not an assertion.', await benchScaleAndLatency(setup.dir)),
    );
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
