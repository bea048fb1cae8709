/**
 * `npm run bench [-- sizeMiB]`: every benchmark in order, then one combined table of Ferry next to its peers.
 * Speeds and memory are reported as ratios, never asserted. FERRY_BENCH_REPEATS (default 3) sets the runs per measurement.
 */
import {
  type BenchRow,
  type BenchSetup,
  formatScaleTable,
  formatTable,
  type ScaleRow,
  sizeFromArgs,
  withBenchSetup,
} from './bench-kit';
import { benchManySmallFiles, smallFilesTitle } from './many-small-files';
import { benchScaleAndLatency } from './scale-and-latency';
import { benchFerryProcessVsRclone, formatProcessTable, type ProcessRow } from './ferry-process-vs-rclone';
import { benchS3AzureVsRclone } from './s3-azure-vs-rclone';
import { benchSftpFtpsVsPeers } from './sftp-ftps-vs-peers';

const BENCHMARKS: readonly {
  readonly name: string;
  readonly run: (setup: BenchSetup) => Promise<readonly BenchRow[]>;
}[] = [
  { name: 'SFTP and FTPS vs scp, sftp -b and rclone', run: benchSftpFtpsVsPeers },
  { name: 'S3 and Azure Blob vs rclone', run: benchS3AzureVsRclone },
];

async function main(): Promise<void> {
  const rows: BenchRow[] = [];
  let processRows: readonly ProcessRow[] = [];
  let smallRows: readonly ScaleRow[] = [];
  let scaleRows: readonly ScaleRow[] = [];
  let setupUsed: BenchSetup | undefined;
  await withBenchSetup(sizeFromArgs(), async (setup) => {
    setupUsed = setup;
    for (const bench of BENCHMARKS) {
      const started = performance.now();
      console.log(`running: ${bench.name} ...`);
      rows.push(...(await bench.run(setup)));
      console.log(`  done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    console.log('running: the ferry command as a process (start-up, memory moving large files) vs rclone ...');
    processRows = await benchFerryProcessVsRclone(setup);
    console.log('running: many small files vs rclone --transfers 4 ...');
    smallRows = await benchManySmallFiles(setup.dir);
    console.log('running: listing, rescan and event-loop delay at scale ...');
    scaleRows = await benchScaleAndLatency(setup.dir);
  });
  if (setupUsed !== undefined) {
    console.log(`\n${formatTable(rows, setupUsed)}`);
    console.log(`\n${formatProcessTable(processRows, setupUsed.repeats)}`);
    console.log(`\n${formatScaleTable(smallFilesTitle(), smallRows)}`);
    console.log(`\n${formatScaleTable('Ferry at scale (loopback). Not an assertion.', scaleRows)}`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
