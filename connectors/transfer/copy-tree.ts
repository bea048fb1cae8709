import { hasMkdir } from '../capabilities';
import { ConnectorError } from '../connector-error';
import { type Entry } from '../driver';
import { mapNodeError } from '../map-node-error';
import { isWithin, joinPath, normalizePath } from '../path-safety';
import { copyFile, type CopyEndpoint, type CopyOptions, type CopyResult } from './copy-file';
import { type TransferProgress } from './progress-meter';
import { withRetries } from './retry-policy';
import { TransferQueue } from './transfer-queue';

/** Options of a folder copy: those of each file copy, plus the queue and per-file events. */
export interface TreeCopyOptions extends Omit<CopyOptions, 'onProgress'> {
  /** Shared queue (for a global concurrency limit); a private one with `concurrency` slots otherwise. */
  readonly queue?: TransferQueue;
  readonly concurrency?: number;
  readonly pageSize?: number;
  readonly onFileProgress?: (path: string, progress: TransferProgress) => void;
  /** Files to leave out (source path), e.g. those a resumed folder copy already finished. */
  readonly skip?: (path: string) => boolean;
  /** Called when a file is copied or failed (source path). */
  readonly onFileDone?: (
    path: string,
    outcome: { readonly result: CopyResult } | { readonly error: ConnectorError },
  ) => void;
}

/** Outcome of a folder copy: every file copied, and every file or entry that was not, with why. */
export interface TreeCopyResult {
  readonly copied: readonly { readonly path: string; readonly result: CopyResult }[];
  readonly failed: readonly { readonly path: string; readonly error: ConnectorError }[];
  readonly bytes: number;
}

/**
 * Copies a folder: walks the source page by page, creates folders where the destination has them, and queues
 * every file. Names refused by path safety and files that fail are reported in `failed` (naming the entry); the
 * other files still copy. Cancellation stops the walk and the queued copies.
 */
export async function copyTree(
  from: CopyEndpoint,
  to: CopyEndpoint,
  options: TreeCopyOptions = {},
): Promise<TreeCopyResult> {
  const srcRoot = normalizePath(from.path);
  const dstRoot = normalizePath(to.path);
  const queue = options.queue ?? new TransferQueue(options.concurrency ?? 4);
  const copied: { path: string; result: CopyResult }[] = [];
  const failed: { path: string; error: ConnectorError }[] = [];
  const jobs: Promise<void>[] = [];
  const { signal } = options;
  const retry = <T>(operation: () => Promise<T>): Promise<T> =>
    withRetries(operation, { policy: options.retry, clock: options.clock, random: options.random, signal });

  const fail = (path: string, error: unknown): void => {
    const mapped = mapNodeError(error, path);
    failed.push({ path, error: mapped });
    options.onFileDone?.(path, { error: mapped });
  };

  const enqueue = (entry: Entry, destination: string): void => {
    jobs.push(
      queue
        .add(() =>
          copyFile(
            { driver: from.driver, path: entry.path },
            { driver: to.driver, path: destination },
            {
              ...options,
              onProgress: options.onFileProgress && ((progress) => options.onFileProgress!(entry.path, progress)),
            },
          ),
        )
        .then(
          (result) => {
            copied.push({ path: entry.path, result });
            options.onFileDone?.(entry.path, { result });
          },
          (error: unknown) => fail(entry.path, error),
        ),
    );
  };

  const walk = async (folder: string, destination: string): Promise<void> => {
    const target = to.driver;
    if (hasMkdir(target) && destination !== '') await retry(() => target.mkdir(destination, { signal }));
    let cursor: string | undefined;
    do {
      if (signal?.aborted) return;
      const page = await retry(() => from.driver.list(folder, { cursor, pageSize: options.pageSize, signal }));
      for (const rejected of page.rejected) {
        const where = folder === '' ? 'the root' : folder;
        fail(
          folder,
          new ConnectorError('InvalidInput', `Refused entry ${rejected.rawName} in ${where}: ${rejected.reason}.`, {
            hint: 'The source returned an unsafe name; it was skipped and nothing was written for it.',
            path: folder,
          }),
        );
      }
      for (const entry of page.entries) {
        let destinationPath: string;
        try {
          const relative = srcRoot === '' ? entry.path : entry.path.slice(srcRoot.length + 1);
          // Re-checked here too: a driver's entry paths are never trusted blindly.
          if (normalizePath(entry.path) !== entry.path || entry.path === srcRoot || !isWithin(entry.path, srcRoot)) {
            throw new ConnectorError(
              'InvalidInput',
              `Refused entry ${JSON.stringify(entry.path)} outside ${srcRoot || 'the root'}.`,
            );
          }
          destinationPath = joinPath(dstRoot, relative);
        } catch (error) {
          fail(entry.path, error);
          continue;
        }
        if (entry.type === 'directory') {
          try {
            await walk(entry.path, destinationPath);
          } catch (error) {
            fail(entry.path, error);
          }
        } else if (options.skip?.(entry.path) !== true) enqueue(entry, destinationPath);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  };

  try {
    await walk(srcRoot, dstRoot);
  } finally {
    await Promise.all(jobs);
  }
  return { copied, failed, bytes: copied.reduce((sum, c) => sum + c.result.size, 0) };
}
