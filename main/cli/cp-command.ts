import { ConnectorError, isConnectorError } from '../../connectors/connector-error';
import { baseName, joinPath } from '../../connectors/path-safety';
import { BandwidthLimiter } from '../../connectors/transfer/bandwidth-limiter';
import { copyFile, type CopyOptions } from '../../connectors/transfer/copy-file';
import { copyTree } from '../../connectors/transfer/copy-tree';
import { DEFAULT_RETRY_POLICY } from '../../connectors/transfer/retry-policy';
import { type CliSession } from './cli-session';
import { type CliIo } from './cli-io';
import { formatBytes, formatDuration, parseBandwidth, progressLine } from './progress-line';

/** Flags of `ferry cp`. */
export interface CpFlags {
  readonly verify: boolean;
  readonly bwlimit?: string;
  readonly concurrency?: string;
  readonly retries?: string;
}

function positiveInteger(text: string | undefined, flag: string, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new ConnectorError('InvalidInput', `--${flag} needs a whole number >= 1.`);
  return value;
}

/** `ferry cp <src> <dst>`: copies a file, or a folder's contents, verified unless --no-verify. */
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
  const entry = await from.driver.stat(from.path, { signal: io.signal });

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
    const result = await copyFile(
      { driver: from.driver, path: from.path },
      { driver: to.driver, path: target },
      {
        ...options,
        onProgress: (p) => io.progress(progressLine({ label, ...p })),
      },
    );
    io.progress(undefined);
    const seconds = (performance.now() - started) / 1000;
    const check = result.verification.kind === 'hash' ? `verified ${result.verification.algorithm}` : 'size checked';
    const resumed = result.resumedAt.length > 0 ? `, resumed ${result.resumedAt.length}x` : '';
    // A partial that failed verification was dropped: say so, it cost a whole copy.
    for (const restart of result.restarts) io.err(`Started over from the beginning (${restart}).`);
    io.out(
      `Copied ${from.label} to ${target}: ${formatBytes(result.size)} in ${seconds.toFixed(1)} s (${formatBytes(result.size / Math.max(seconds, 0.001))}/s), ${check}${resumed}.`,
    );
    return;
  }

  // A folder: its contents go into the destination folder (rclone's `copy`).
  const transferred = new Map<string, number>();
  let filesDone = 0;
  const tree = await copyTree(
    { driver: from.driver, path: from.path },
    { driver: to.driver, path: to.path },
    {
      ...options,
      concurrency: positiveInteger(flags.concurrency, 'concurrency', 4),
      onFileProgress: (path, p) => {
        transferred.set(path, p.bytes);
        let bytes = 0;
        for (const b of transferred.values()) bytes += b;
        const seconds = Math.max(0.001, (performance.now() - started) / 1000);
        io.progress(progressLine({ label: `${filesDone} files`, bytes, bytesPerSecond: bytes / seconds }));
      },
      onFileDone: (path, outcome) => {
        filesDone++;
        if ('error' in outcome) io.err(`failed: ${path}: ${outcome.error.message}`);
      },
    },
  );
  io.progress(undefined);
  const seconds = (performance.now() - started) / 1000;
  io.out(
    `Copied ${tree.copied.length} files (${formatBytes(tree.bytes)}) from ${from.label} to ${to.label} in ${seconds.toFixed(1)} s.`,
  );
  if (tree.failed.length > 0) {
    const first = tree.failed[0]!;
    throw new ConnectorError(
      first.error.code,
      `${tree.failed.length} of ${tree.failed.length + tree.copied.length} failed; first: ${first.error.message}`,
      {
        hint: first.error.hint,
      },
    );
  }
}
