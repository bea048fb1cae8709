import { ConnectorError, isConnectorError } from '../../connectors/connector-error';
import { baseName, joinPath } from '../../connectors/path-safety';
import { BandwidthLimiter } from '../../connectors/transfer/bandwidth-limiter';
import { type CopyOptions } from '../../connectors/transfer/copy-file';
import { DEFAULT_RETRY_POLICY } from '../../connectors/transfer/retry-policy';
import { TransferQueue } from '../../connectors/transfer/transfer-queue';
import type { ConflictChoice } from '../../shared/ipc/transfers-ipc';
import { type ConflictDecider, copyResolving, type FoundConflict } from '../services/transfers/resolving-copy';
import { FolderCopyError, runTransfer } from '../services/transfers/transfer-run';
import { type CliSession } from './cli-session';
import { type CliIo } from './cli-io';
import { formatBytes, formatDuration, parseBandwidth, progressLine } from './progress-line';

/** Flags of `ferry cp`. */
export interface CpFlags {
  readonly verify: boolean;
  readonly bwlimit?: string;
  readonly concurrency?: string;
  readonly retries?: string;
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

function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new ConnectorError('InvalidInput', `--${flag} needs a whole number >= 1.`);
  return value;
}

/**
 * `ferry cp <src> <dst>`: copies a file, or a folder's contents, verified unless --no-verify. A file already at the
 * destination with the same bytes (size and hash) is left alone; a different one is never replaced silently: the copy
 * refuses it (CpRefusedError, exit 4) unless --overwrite or --keep-both says what to do.
 */
export async function cpCommand(
  session: CliSession,
  io: CliIo,
  src: string,
  dst: string,
  flags: CpFlags,
): Promise<void> {
  const from = await session.location(src);
  const to = await session.location(dst);
  let limit: number | null = null;
  if (flags.bwlimit !== undefined) {
    try {
      limit = parseBandwidth(flags.bwlimit);
    } catch (error) {
      throw new ConnectorError('InvalidInput', `--bwlimit: ${(error as Error).message}`);
    }
  }
  const options: CopyOptions = {
    verify: flags.verify ? 'hash' : 'size',
    limiter: new BandwidthLimiter(limit),
    retry: {
      ...DEFAULT_RETRY_POLICY,
      maxAttempts: positiveInteger(flags.retries, 'retries', DEFAULT_RETRY_POLICY.maxAttempts),
    },
    signal: io.signal,
    onRetry: (error, attempt, delayMs) =>
      io.err(
        `${error.message}; trying again in ${delayMs < 10_000 ? `${(delayMs / 1000).toFixed(1)}s` : formatDuration(delayMs / 1000)} (attempt ${attempt + 1})`,
      ),
  };
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
    const outcome = await copyResolving({ driver: from.driver, entry }, { driver: to.driver, path: target }, decide, {
      ...options,
      onProgress: (p) => io.progress(progressLine({ label, ...p })),
    });
    io.progress(undefined);
    switch (outcome.kind) {
      case 'identical':
        io.out(`Already there, identical (size and hash): ${target}; nothing copied.`);
        return;
      case 'asking':
      case 'skipped':
        throw new CpRefusedError(
          outcome.kind === 'asking' ? `${describeConflict(outcome.conflict)}. ${howToSolve}` : `Skipped ${target}.`,
        );
    }
    const result = outcome.result;
    const written = outcome.kind === 'keptBoth' ? outcome.path : target;
    const seconds = (performance.now() - started) / 1000;
    const check = result.verification.kind === 'hash' ? `verified ${result.verification.algorithm}` : 'size checked';
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
    onFileDone: () => undefined,
    onFileFailed: (path, error) => io.err(`failed: ${path}: ${error.message}`),
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
