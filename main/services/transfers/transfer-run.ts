import { type Driver } from '../../../connectors/driver';
import { cancelledError, ConnectorError } from '../../../connectors/connector-error';
import { type BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import { copyFile, type Verification } from '../../../connectors/transfer/copy-file';
import { copyTree } from '../../../connectors/transfer/copy-tree';
import { ProgressMeter } from '../../../connectors/transfer/progress-meter';
import { type RetryPolicy, withRetries } from '../../../connectors/transfer/retry-policy';
import { type TransferQueue } from '../../../connectors/transfer/transfer-queue';

/** Live progress of one transfer (a folder sums its files). */
export interface RunProgress {
  readonly bytes: number;
  readonly total: number | null;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | null;
  readonly files: { readonly done: number; readonly failed: number };
}

/** What a transfer run needs: both drivers, the paths, the shared limiter, and where to report. */
export interface RunContext {
  readonly source: Driver;
  readonly destination: Driver;
  readonly sourcePath: string;
  readonly destinationPath: string;
  readonly signal: AbortSignal;
  readonly limiter: BandwidthLimiter;
  readonly retry?: RetryPolicy;
  /** Keep partial files when the run is aborted (pause, shutdown) rather than cancelled. */
  readonly retainPartial: () => boolean;
  /** The queue a folder copies its files through (its concurrency follows the global limit). */
  readonly folderQueue: () => TransferQueue;
  /** Files of a folder finished by an earlier run (source path -> size): not copied again. */
  readonly doneFiles: ReadonlyMap<string, number>;
  readonly onKind: (kind: 'file' | 'folder', total: number | null) => void;
  readonly onProgress: (progress: RunProgress) => void;
  readonly onFileDone: (path: string, size: number) => void;
}

/** What a finished run did. */
export interface RunResult {
  readonly bytes: number;
  readonly files: { readonly done: number; readonly failed: number };
  readonly verification: string;
}

/** A folder copy that ended with some files failed: the others were copied. */
export class FolderCopyError extends ConnectorError {
  constructor(
    first: ConnectorError,
    firstPath: string,
    readonly files: { readonly done: number; readonly failed: number },
    readonly bytes: number,
  ) {
    super(
      first.code,
      `${files.failed} of ${files.done + files.failed} files failed; the first, ${firstPath}: ${first.message}`,
      { hint: first.hint, path: firstPath },
    );
  }
}

/** Copies one file or folder with the transfer engine; throws ConnectorError (Cancelled when aborted). */
export async function runTransfer(context: RunContext): Promise<RunResult> {
  const { source, signal } = context;
  const entry = await withRetries(() => source.stat(context.sourcePath, { signal }), {
    policy: context.retry,
    signal,
  });
  if (entry.type === 'file') {
    context.onKind('file', entry.size ?? null);
    const result = await copyFile(
      { driver: source, path: context.sourcePath },
      { driver: context.destination, path: context.destinationPath },
      {
        signal,
        limiter: context.limiter,
        retry: context.retry,
        retainPartial: context.retainPartial,
        onProgress: (p) =>
          context.onProgress({
            bytes: p.bytes,
            total: p.total ?? null,
            bytesPerSecond: p.bytesPerSecond,
            etaSeconds: p.etaSeconds ?? null,
            files: { done: 0, failed: 0 },
          }),
      },
    );
    return { bytes: result.size, files: { done: 1, failed: 0 }, verification: verificationName(result.verification) };
  }
  context.onKind('folder', null);
  return copyFolder(context);
}

async function copyFolder(context: RunContext): Promise<RunResult> {
  const { signal } = context;
  let doneBytes = [...context.doneFiles.values()].reduce((sum, size) => sum + size, 0);
  const files = { done: context.doneFiles.size, failed: 0 };
  const inFlight = new Map<string, number>();
  const meter = new ProgressMeter(undefined, undefined);
  meter.reset(doneBytes);
  let firstFailure: { path: string; error: ConnectorError } | undefined;
  const weakest = new Set<string>();
  const report = (): void => {
    const bytes = doneBytes + [...inFlight.values()].reduce((sum, b) => sum + b, 0);
    context.onProgress({
      bytes,
      total: null,
      bytesPerSecond: meter.snapshot().bytesPerSecond,
      etaSeconds: null,
      files: { ...files },
    });
  };
  await copyTree(
    { driver: context.source, path: context.sourcePath },
    { driver: context.destination, path: context.destinationPath },
    {
      signal,
      limiter: context.limiter,
      retry: context.retry,
      retainPartial: context.retainPartial,
      queue: context.folderQueue(),
      skip: (path) => context.doneFiles.has(path),
      onFileProgress: (path, p) => {
        const delta = p.bytes - (inFlight.get(path) ?? 0);
        inFlight.set(path, p.bytes);
        if (delta > 0) meter.add(delta);
        report();
      },
      onFileDone: (path, outcome) => {
        inFlight.delete(path);
        if ('result' in outcome) {
          doneBytes += outcome.result.size;
          files.done++;
          weakest.add(verificationName(outcome.result.verification));
          context.onFileDone(path, outcome.result.size);
        } else if (!signal.aborted) {
          files.failed++;
          firstFailure ??= { path, error: outcome.error };
        }
        report();
      },
    },
  );
  if (signal.aborted) throw cancelledError(signal);
  if (firstFailure !== undefined) throw new FolderCopyError(firstFailure.error, firstFailure.path, files, doneBytes);
  // A folder is only as verified as its least verified file.
  const verification =
    weakest.size === 1 ? [...weakest][0]! : weakest.has('size') || weakest.size === 0 ? 'size' : 'hash';
  return { bytes: doneBytes, files, verification };
}

function verificationName(verification: Verification): string {
  return verification.kind === 'hash' ? verification.algorithm : 'size';
}
