import { isConnectorError } from '../../connectors/connector-error';
import { type Driver, type Entry } from '../../connectors/driver';
import { baseName, joinPath } from '../../connectors/path-safety';
import { type Verification } from '../../connectors/transfer/copy-file';
import { TransferQueue } from '../../connectors/transfer/transfer-queue';
import { assertNever } from '../../shared/assert-never';
import type { ConflictChoice } from '../../shared/ipc/transfers-ipc';
import { pathFilter, relativeTo } from '../services/sync/source-scan';
import { examineDestination } from '../services/transfers/destination-conflict';
import { type ConflictDecider, copyResolving, type FoundConflict } from '../services/transfers/resolving-copy';
import { FolderCopyError, runTransfer } from '../services/transfers/transfer-run';
import { type LoggingIo } from './cli-log';
import { type CliSession } from './cli-session';
import { copyOptionsOf, type CopyFlags, positiveInteger } from './copy-flags';
import { formatBytes, progressLine } from './progress-line';
import { diffTrees } from './tree-diff';

/** Flags of `ferry cp`. */
export interface CpFlags extends CopyFlags {
  /** What to do with a different file already at the destination: refuse (default), replace, or copy beside. */
  readonly existing: 'refuse' | 'overwrite' | 'keepBoth';
}

/** Exit code of a copy that left files out because different ones were at the destination. */
export const EXIT_REFUSED = 4;

/** A copy refused (all or part) because different files exist at the destination; nothing was written over them. */
export class CpRefusedError extends Error {
  override readonly name = 'CpRefusedError';
}

// --overwrite and --keep-both answer every conflict they fit; without them every conflict is refused.
function deciderOf(existing: CpFlags['existing']): ConflictDecider {
  const choice: ConflictChoice | undefined =
    existing === 'overwrite' ? 'overwrite' : existing === 'keepBoth' ? 'keepBoth' : undefined;
  return (conflict) => (choice !== undefined && conflict.choices.includes(choice) ? choice : undefined);
}

function describeConflict(conflict: FoundConflict): string {
  if (conflict.existing.kind === 'folder') return `${conflict.path} is a folder at the destination`;
  const size = (bytes: number | null): string => (bytes === null ? 'unknown size' : formatBytes(bytes));
  return `${conflict.path} already exists and differs (${size(conflict.existing.size)} there, ${size(conflict.incoming.size)} incoming)`;
}

/**
 * `ferry cp <src> <dst>`: copies a file, or a folder's contents, verified unless --no-verify. A file already at the
 * destination with the same bytes (size and hash) is left alone; a different one is never replaced silently: the copy
 * refuses it (CpRefusedError, exit 4) unless --overwrite or --keep-both says what to do.
 */
export async function cpCommand(
  session: CliSession,
  io: LoggingIo,
  src: string,
  dst: string,
  flags: CpFlags,
  hooks: { readonly onDone?: (sourcePath: string) => void } = {},
): Promise<void> {
  const from = await session.location(src);
  const to = await session.location(dst);
  const options = copyOptionsOf(flags, io);
  const started = performance.now();
  const decide = deciderOf(flags.existing);
  const entry = await from.driver.stat(from.path, { signal: io.signal });
  const howToSolve = 'Nothing was written over it. Use --overwrite to replace it, or --keep-both to copy beside it.';

  if (entry.type === 'file') {
    let target = to.path;
    if (to.trailingSlash || to.path === '') target = joinPath(to.path, baseName(from.path));
    else {
      const existing = await to.driver.stat(to.path, { signal: io.signal }).catch((error: unknown) => {
        if (isConnectorError(error, 'NotFound')) return undefined;
        throw error;
      });
      if (existing?.type === 'directory') target = joinPath(to.path, baseName(from.path));
    }
    const label = baseName(from.path);
    if (flags.dryRun === true) {
      await previewFile(io, entry, { driver: to.driver, path: target }, flags, from.driver);
      return;
    }
    const outcome = await copyResolving({ driver: from.driver, entry }, { driver: to.driver, path: target }, decide, {
      ...options,
      ...(flags.compare === undefined ? {} : { compare: flags.compare }),
      onProgress: (p) => io.progress(progressLine({ label, ...p })),
    });
    io.progress(undefined);
    switch (outcome.kind) {
      case 'identical':
        io.out(`Already there, identical (${sameBy(flags)}): ${target}; nothing copied.`);
        hooks.onDone?.(from.path);
        return;
      case 'asking':
      case 'skipped':
        throw new CpRefusedError(
          outcome.kind === 'asking' ? `${describeConflict(outcome.conflict)}. ${howToSolve}` : `Skipped ${target}.`,
        );
    }
    hooks.onDone?.(from.path);
    const result = outcome.result;
    const written = outcome.kind === 'keptBoth' ? outcome.path : target;
    const seconds = (performance.now() - started) / 1000;
    const check = verificationText(result.verification);
    const resumed = result.resumedAt.length > 0 ? `, resumed ${result.resumedAt.length}x` : '';
    const how =
      outcome.kind === 'overwritten'
        ? ' (replaced the existing file)'
        : outcome.kind === 'keptBoth'
          ? ` (beside the existing ${baseName(target)})`
          : '';
    // A partial that failed verification was dropped: say so, it cost a whole copy.
    for (const restart of result.restarts) io.err(`Started over from the beginning (${restart}).`);
    io.out(
      `Copied ${from.label} to ${written}${how}: ${formatBytes(result.size)} in ${seconds.toFixed(1)} s (${formatBytes(result.size / Math.max(seconds, 0.001))}/s), ${check}${resumed}.`,
    );
    return;
  }

  // A folder: its contents go into the destination folder (rclone's `copy`).
  const concurrency = positiveInteger(flags.concurrency, 'concurrency', 4);
  if (flags.dryRun === true) {
    await previewFolder(io, { driver: from.driver, root: from.path }, { driver: to.driver, root: to.path }, flags);
    return;
  }
  const queue = new TransferQueue(concurrency);
  const summary = (files: number, bytes: number, identical: number): void => {
    const seconds = (performance.now() - started) / 1000;
    const same = identical > 0 ? `; ${identical} already there, identical` : '';
    io.out(
      `Copied ${files} files (${formatBytes(bytes)}) from ${from.label} to ${to.label} in ${seconds.toFixed(1)} s${same}.`,
    );
  };
  const result = await runTransfer({
    source: from.driver,
    destination: to.driver,
    sourcePath: from.path,
    destinationPath: to.path,
    signal: io.signal ?? new AbortController().signal,
    limiter: options.limiter!,
    retry: options.retry,
    verify: options.verify,
    onRetry: options.onRetry,
    retainPartial: () => false,
    folderQueue: () => queue,
    doneFiles: new Map(),
    decide,
    onKind: () => undefined,
    onProgress: (p) => {
      const seconds = Math.max(0.001, (performance.now() - started) / 1000);
      io.progress(progressLine({ label: `${p.files.done} files`, bytes: p.bytes, bytesPerSecond: p.bytes / seconds }));
    },
    onFileDone: (path, file) => {
      io.info(`${file.skipped ? 'unchanged' : 'copied'}: ${relativeTo(from.path, path)} (${formatBytes(file.size)})`);
      hooks.onDone?.(path);
    },
    onFileFailed: (path, error) => io.err(`failed: ${path}: ${error.message}`),
    ...(flags.compare === undefined ? {} : { compare: flags.compare }),
    ...(flags.include?.length || flags.exclude?.length ? { filter: pathFilter(flags.include, flags.exclude) } : {}),
  }).catch((error: unknown) => {
    io.progress(undefined);
    if (error instanceof FolderCopyError) summary(error.files.done, error.bytes, error.files.skipped);
    throw error;
  });
  io.progress(undefined);
  summary(result.files.done, result.bytes, result.files.skipped);
  if (result.questions.length > 0) {
    for (const conflict of result.questions) io.err(`not copied: ${describeConflict(conflict)}`);
    // Files that failed outweigh refused ones: exit 1, as for any failed copy.
    if (result.files.failed > 0) {
      throw new Error(
        `${result.files.failed} files failed and ${result.questions.length} were not copied (see above).`,
      );
    }
    throw new CpRefusedError(
      `${result.questions.length} file${result.questions.length === 1 ? '' : 's'} not copied: a different file is at the destination (the first, ${result.questions[0]!.path}). ${howToSolve}`,
    );
  }
}

function sameBy(flags: CpFlags): string {
  return flags.compare === 'size-only' ? 'size' : flags.compare === 'mtime' ? 'size and time' : 'size and hash';
}

function plannedFor(existing: CpFlags['existing']): string {
  return existing === 'overwrite' ? 'would replace' : existing === 'keepBoth' ? 'would copy beside' : 'would refuse';
}

// --dry-run of one file: what the copy would do with its destination, writing nothing.
async function previewFile(
  io: LoggingIo,
  entry: Entry,
  to: { readonly driver: Driver; readonly path: string },
  flags: CpFlags,
  source: Driver,
): Promise<void> {
  const examination = await examineDestination({
    source,
    incoming: entry,
    destination: to.driver,
    path: to.path,
    ...(io.signal === undefined ? {} : { signal: io.signal }),
    ...(flags.compare === undefined ? {} : { compare: flags.compare }),
  });
  const size = formatBytes(entry.size ?? 0);
  switch (examination.kind) {
    case 'free':
      io.out(`would copy: ${to.path} (${size})`);
      break;
    case 'identical':
      io.out(`unchanged: ${to.path} (${sameBy(flags)})`);
      break;
    case 'conflict':
      io.out(`${plannedFor(flags.existing)}: ${describeConflict(examination.conflict)}`);
      break;
  }
  io.out('Dry run: nothing was copied.');
}

// --dry-run of a folder: every file the copy would send, leave or refuse, with the same globs and comparison.
async function previewFolder(
  io: LoggingIo,
  from: { readonly driver: Driver; readonly root: string },
  to: { readonly driver: Driver; readonly root: string },
  flags: CpFlags,
): Promise<void> {
  const diff = await diffTrees(from, to, {
    include: flags.include ?? [],
    exclude: flags.exclude ?? [],
    compare: flags.compare ?? 'checksum',
    ...(io.signal === undefined ? {} : { signal: io.signal }),
  });
  for (const item of diff.rejected) io.err(`skipped unsafe name: ${item.path}: ${item.reason}`);
  let bytes = 0;
  for (const { path, source } of diff.missing) {
    bytes += source.size ?? 0;
    io.out(`would copy: ${path} (${formatBytes(source.size ?? 0)})`);
  }
  for (const pair of diff.differ) io.out(`${plannedFor(flags.existing)}: ${pair.path} (differs)`);
  for (const pair of diff.same) io.info(`unchanged: ${pair.path}`);
  io.out(
    `Dry run: ${diff.missing.length} files (${formatBytes(bytes)}) would be copied, ${diff.differ.length} differ, ` +
      `${diff.same.length} unchanged; nothing was copied.`,
  );
}

/** How a copy was checked, in the words the CLI prints after it. */
export function verificationText(verification: Verification): string {
  if (verification.kind === 'size') return 'size checked';
  const { algorithm, by } = verification;
  switch (by) {
    case 'server':
      return `verified ${algorithm} by the server`;
    case 'store':
      return `verified ${algorithm} by the storage`;
    case 'read-back':
      return `verified ${algorithm}, both files read back`;
    case 'client':
      return `${algorithm} computed on this computer only (neither storage could check the bytes)`;
    default:
      return assertNever(by);
  }
}
