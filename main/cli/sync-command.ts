import { cancelledError, ConnectorError, isConnectorError } from '../../connectors/connector-error';
import { copyFile } from '../../connectors/transfer/copy-file';
import { TransferQueue } from '../../connectors/transfer/transfer-queue';
import { underFolder } from '../services/sync/source-scan';
import { type LoggingIo } from './cli-log';
import { type CliSession } from './cli-session';
import { copyOptionsOf, type CopyFlags, positiveInteger } from './copy-flags';
import { formatBytes, progressLine } from './progress-line';
import { diffTrees, type TreeDiff } from './tree-diff';

/** Flags of `ferry sync`. */
export interface SyncFlags extends CopyFlags {
  readonly deleteExtraneous: boolean;
  readonly json: boolean;
}

/** One thing a sync does (or, in a dry run, would do). */
type SyncAction = 'copy' | 'replace' | 'delete';

function planOf(diff: TreeDiff, deleteExtraneous: boolean): { action: SyncAction; path: string; size: number }[] {
  return [
    ...diff.missing.map((f) => ({ action: 'copy' as const, path: f.path, size: f.source.size ?? 0 })),
    ...diff.differ.map((f) => ({ action: 'replace' as const, path: f.path, size: f.source.size ?? 0 })),
    ...(deleteExtraneous
      ? diff.extraneous.map((f) => ({ action: 'delete' as const, path: f.path, size: f.destination.size ?? 0 }))
      : []),
  ];
}

/**
 * `ferry sync <src> <dst>`: makes the destination folder hold the source's files, one way. New files are copied and
 * changed ones replaced (verified, through hidden partials, so a file is never half-replaced); files only at the
 * destination are kept unless --delete-extraneous, and then deleted only after every copy succeeded. A source with
 * no files is refused: a mistyped path must not read as "delete everything".
 */
export async function syncCommand(
  session: CliSession,
  io: LoggingIo,
  src: string,
  dst: string,
  flags: SyncFlags,
): Promise<void> {
  const from = await session.location(src);
  const to = await session.location(dst);
  const options = copyOptionsOf(flags, io);
  const concurrency = positiveInteger(flags.concurrency, 'concurrency', 4);
  const signal = io.signal;
  const source = await from.driver.stat(from.path, signal === undefined ? {} : { signal });
  if (source.type !== 'directory') {
    throw new ConnectorError(
      'InvalidInput',
      `${from.label} is a file: sync works on folders. Use ferry cp for a file.`,
    );
  }
  const started = performance.now();
  const diff = await diffTrees(
    { driver: from.driver, root: from.path },
    { driver: to.driver, root: to.path },
    {
      include: flags.include ?? [],
      exclude: flags.exclude ?? [],
      compare: flags.compare ?? 'checksum',
      ...(signal === undefined ? {} : { signal }),
    },
  );
  for (const item of diff.rejected) io.err(`skipped unsafe name in the ${item.side}: ${item.path}: ${item.reason}`);
  const sourceFiles = diff.missing.length + diff.differ.length + diff.same.length;
  if (sourceFiles === 0) {
    const filtered = (flags.include?.length ?? 0) + (flags.exclude?.length ?? 0) > 0 ? ' matching the filters' : '';
    throw new ConnectorError(
      'InvalidInput',
      `${from.label} has no files${filtered}: refusing to sync from an empty source (${diff.extraneous.length} files ` +
        'at the destination). Check the source path.',
    );
  }
  const plan = planOf(diff, flags.deleteExtraneous);
  const kept = flags.deleteExtraneous ? 0 : diff.extraneous.length;
  const keptNote = kept > 0 ? `; ${kept} only at the destination, kept (--delete-extraneous deletes them)` : '';

  if (flags.dryRun === true) {
    for (const step of plan) {
      io.out(flags.json ? JSON.stringify(step) : `would ${step.action}: ${step.path} (${formatBytes(step.size)})`);
    }
    const count = (action: SyncAction): number => plan.filter((p) => p.action === action).length;
    if (!flags.json) {
      io.out(
        `Dry run: ${count('copy')} to copy, ${count('replace')} to replace, ${count('delete')} to delete, ` +
          `${diff.same.length} unchanged${keptNote}; nothing was changed.`,
      );
    }
    return;
  }

  const queue = new TransferQueue(concurrency);
  const inFlight = new Map<string, number>();
  let doneBytes = 0;
  const failures: { path: string; error: Error }[] = [];
  const report = (): void => {
    const bytes = doneBytes + [...inFlight.values()].reduce((a, b) => a + b, 0);
    const seconds = Math.max(0.001, (performance.now() - started) / 1000);
    io.progress(progressLine({ label: 'sync', bytes, bytesPerSecond: bytes / seconds }));
  };
  const copies = plan.filter((step) => step.action !== 'delete');
  await Promise.all(
    copies.map((step) =>
      queue
        .add(() =>
          copyFile(
            { driver: from.driver, path: underFolder(from.path, step.path) },
            { driver: to.driver, path: underFolder(to.path, step.path) },
            {
              ...options,
              onProgress: (p) => {
                inFlight.set(step.path, p.bytes);
                report();
              },
            },
          ),
        )
        .then(
          (result) => {
            inFlight.delete(step.path);
            doneBytes += result.size;
            io.info(`${step.action === 'copy' ? 'copied' : 'replaced'}: ${step.path} (${formatBytes(result.size)})`);
          },
          (error: unknown) => {
            inFlight.delete(step.path);
            failures.push({ path: step.path, error: error as Error });
            io.err(`failed: ${step.path}: ${(error as Error).message}`);
          },
        ),
    ),
  );
  io.progress(undefined);
  if (signal?.aborted === true) throw cancelledError(signal);

  let deleted = 0;
  const deletions = plan.filter((step) => step.action === 'delete');
  if (failures.length > 0 && deletions.length > 0) {
    io.err(`Deleted nothing: ${failures.length} copies failed (run the sync again to finish it first).`);
  } else {
    for (const step of deletions) {
      try {
        await to.driver.remove(underFolder(to.path, step.path), signal === undefined ? {} : { signal });
        deleted++;
        io.info(`deleted: ${step.path}`);
      } catch (error) {
        if (isConnectorError(error, 'NotFound')) continue;
        failures.push({ path: step.path, error: error as Error });
        io.err(`failed to delete: ${step.path}: ${(error as Error).message}`);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const copied = copies.length - failures.filter((f) => copies.some((c) => c.path === f.path)).length;
  io.out(
    `Synced ${from.label} to ${to.label}: ${copied} copied or replaced (${formatBytes(doneBytes)}), ` +
      `${diff.same.length} unchanged, ${deleted} deleted in ${seconds.toFixed(1)} s${keptNote}.`,
  );
  if (failures.length > 0) {
    throw new Error(`${failures.length} files failed; the first, ${failures[0]!.path}: ${failures[0]!.error.message}`);
  }
}
