import { type Driver } from '../../../connectors/driver';
import { cancelledError, ConnectorError, isConnectorError } from '../../../connectors/connector-error';
import { mapNodeError } from '../../../connectors/map-node-error';
import { baseName, joinPath, normalizePath } from '../../../connectors/path-safety';
import { type BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import {
  type CopyOptions,
  type CopyResult,
  type Verification,
  type VerifyMode,
} from '../../../connectors/transfer/copy-file';
import { copyTree } from '../../../connectors/transfer/copy-tree';
import { ProgressMeter, type TransferProgress } from '../../../connectors/transfer/progress-meter';
import { type RetryPolicy, withRetries } from '../../../connectors/transfer/retry-policy';
import { type TransferQueue } from '../../../connectors/transfer/transfer-queue';
import type { TransferOutcome } from '../../../shared/ipc/transfers-ipc';
import { type CompareMode } from './destination-conflict';
import { destinationIndex } from './destination-index';
import { type ConflictDecider, copyResolving, type FileOutcome, type FoundConflict } from './resolving-copy';

/** Live progress of one transfer (a folder sums its files). */
export interface RunProgress {
  readonly bytes: number;
  readonly total: number | null;
  readonly bytesPerSecond: number;
  readonly etaSeconds: number | null;
  readonly files: { readonly done: number; readonly failed: number; readonly skipped: number };
}

/** A file a folder copy already handled in an earlier run: its size, and whether it was left as it was. */
export interface DoneFile {
  readonly size: number;
  readonly skipped: boolean;
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
  /** Files of a folder handled by an earlier run (by source path): not looked at again. */
  readonly doneFiles: ReadonlyMap<string, DoneFile>;
  /** Answers to conflicts known so far; a conflict without one is returned as a question, nothing written. */
  readonly decide: ConflictDecider;
  readonly onKind: (kind: 'file' | 'folder', total: number | null) => void;
  readonly onProgress: (progress: RunProgress) => void;
  readonly onFileDone: (path: string, file: DoneFile) => void;
  /** 'hash' (default), 'strict' (a server or storage check required) or 'size' only (the CLI's --no-verify). */
  readonly verify?: VerifyMode;
  readonly onRetry?: CopyOptions['onRetry'];
  /** Called for each file of a folder that failed (the CLI names every one). */
  readonly onFileFailed?: (path: string, error: ConnectorError) => void;
  /** How a file already at the destination is judged identical (default: checksum). */
  readonly compare?: CompareMode;
  /** Which files of a folder to copy, by path relative to it (the CLI's --include/--exclude); all when absent. */
  readonly filter?: (relativePath: string) => boolean;
}

/** What a finished run did; with questions, the files they are about were not written and wait for answers. */
export interface RunResult {
  readonly bytes: number;
  readonly files: { readonly done: number; readonly failed: number; readonly skipped: number };
  readonly verification: string | null;
  /** What a file transfer did (null for a folder). */
  readonly outcome: TransferOutcome | null;
  readonly questions: readonly FoundConflict[];
}

/** A folder copy that ended with some files failed: the others were copied. */
export class FolderCopyError extends ConnectorError {
  constructor(
    first: ConnectorError,
    firstPath: string,
    readonly files: { readonly done: number; readonly failed: number; readonly skipped: number },
    readonly bytes: number,
  ) {
    super(
      first.code,
      `${files.failed} of ${files.done + files.failed + files.skipped} files failed; the first, ${firstPath}: ${first.message}`,
      { hint: first.hint, path: firstPath },
    );
  }
}

/**
 * Copies one file or folder with the transfer engine, never writing over something at the destination without an
 * answer (see copyResolving); throws ConnectorError (Cancelled when aborted).
 */
export async function runTransfer(context: RunContext): Promise<RunResult> {
  const { source, signal } = context;
  const entry = await withRetries(() => source.stat(context.sourcePath, { signal }), {
    policy: context.retry,
    signal,
  });
  if (entry.type === 'file') {
    context.onKind('file', entry.size ?? null);
    const outcome = await copyResolving(
      { driver: source, entry },
      { driver: context.destination, path: context.destinationPath },
      context.decide,
      {
        ...copyOptions(context),
        ...(context.compare === undefined ? {} : { compare: context.compare }),
        onProgress: (p) =>
          context.onProgress({
            bytes: p.bytes,
            total: p.total ?? null,
            bytesPerSecond: p.bytesPerSecond,
            etaSeconds: p.etaSeconds ?? null,
            files: { done: 0, failed: 0, skipped: 0 },
          }),
      },
    );
    return fileResult(outcome, entry.size ?? 0);
  }
  context.onKind('folder', null);
  return copyFolder(context);
}

function fileResult(outcome: FileOutcome, size: number): RunResult {
  const none = { done: 0, failed: 0, skipped: 0 };
  switch (outcome.kind) {
    case 'asking':
      return { bytes: 0, files: none, verification: null, outcome: null, questions: [outcome.conflict] };
    case 'identical':
    case 'skipped': {
      // Identical bytes are at the destination (verified by hash); a skipped file left a different one there.
      const bytes = outcome.kind === 'identical' ? size : 0;
      return {
        bytes,
        files: { ...none, skipped: 1 },
        verification: null,
        outcome: { kind: outcome.kind },
        questions: [],
      };
    }
    case 'keptBoth':
    case 'copied':
    case 'overwritten':
    case 'resumed':
      return {
        bytes: outcome.result.size,
        files: { ...none, done: 1 },
        verification: verificationName(outcome.result.verification),
        outcome:
          outcome.kind === 'keptBoth' ? { kind: 'keptBoth', name: baseName(outcome.path) } : { kind: outcome.kind },
        questions: [],
      };
  }
}

function copyOptions(context: RunContext): CopyOptions {
  return {
    signal: context.signal,
    limiter: context.limiter,
    retry: context.retry,
    retainPartial: context.retainPartial,
    ...(context.verify === undefined ? {} : { verify: context.verify }),
    ...(context.onRetry === undefined ? {} : { onRetry: context.onRetry }),
  };
}

async function copyFolder(context: RunContext): Promise<RunResult> {
  const { signal } = context;
  const sourceRoot = normalizePath(context.sourcePath);
  const destinationRoot = normalizePath(context.destinationPath);
  let doneBytes = 0;
  const files = { done: 0, failed: 0, skipped: 0 };
  for (const file of context.doneFiles.values()) {
    doneBytes += file.size;
    if (file.skipped) files.skipped++;
    else files.done++;
  }
  const inFlight = new Map<string, number>();
  const meter = new ProgressMeter(undefined, undefined);
  meter.reset(doneBytes);
  let firstFailure: { path: string; error: ConnectorError } | undefined;
  const weakest = new Set<string>();
  const questions: FoundConflict[] = [];
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
  const onFileProgress = (path: string, p: TransferProgress): void => {
    const delta = p.bytes - (inFlight.get(path) ?? 0);
    inFlight.set(path, p.bytes);
    if (delta > 0) meter.add(delta);
    report();
  };
  const copied = (path: string, result: CopyResult): void => {
    inFlight.delete(path);
    doneBytes += result.size;
    files.done++;
    weakest.add(verificationName(result.verification));
    context.onFileDone(path, { size: result.size, skipped: false });
    report();
  };
  const failed = (path: string, error: ConnectorError): void => {
    inFlight.delete(path);
    if (!signal.aborted) {
      files.failed++;
      firstFailure ??= { path, error };
      context.onFileFailed?.(path, error);
    }
    report();
  };
  // Files with something already at their destination: handled after the others, each through copyResolving.
  const index = await destinationIndex(context.destination, destinationRoot, signal);
  const relative = (path: string): string => (sourceRoot === '' ? path : path.slice(sourceRoot.length + 1));
  const conflicted: string[] = [];
  const queue = context.folderQueue();
  await copyTree(
    { driver: context.source, path: sourceRoot },
    { driver: context.destination, path: destinationRoot },
    {
      ...copyOptions(context),
      queue,
      skip: (path) => {
        if (context.doneFiles.has(path)) return true;
        if (context.filter !== undefined && !context.filter(relative(path))) return true;
        if (!index.has(relative(path))) return false;
        conflicted.push(path);
        return true;
      },
      onFileProgress,
      onFileDone: (path, outcome) => ('result' in outcome ? copied(path, outcome.result) : failed(path, outcome.error)),
    },
  );
  await Promise.all(
    conflicted.map((path) =>
      queue
        .add(async () => {
          if (signal.aborted) throw cancelledError(signal);
          const entry = await withRetries(() => context.source.stat(path, { signal }), {
            policy: context.retry,
            signal,
          });
          const target = joinPath(destinationRoot, relative(path));
          return copyResolving(
            { driver: context.source, entry },
            { driver: context.destination, path: target },
            context.decide,
            {
              ...copyOptions(context),
              ...(context.compare === undefined ? {} : { compare: context.compare }),
              onProgress: (p) => onFileProgress(path, p),
            },
            index.get(relative(path)),
          );
        })
        .then(
          (outcome) => {
            if (outcome.kind === 'asking') questions.push(outcome.conflict);
            else if ('result' in outcome) copied(path, outcome.result);
            else {
              const size = outcome.kind === 'identical' ? (index.get(relative(path))?.size ?? 0) : 0;
              doneBytes += size;
              files.skipped++;
              context.onFileDone(path, { size, skipped: true });
              report();
            }
          },
          (error: unknown) => failed(path, isConnectorError(error) ? error : mapNodeError(error, path)),
        ),
    ),
  );
  if (signal.aborted) throw cancelledError(signal);
  // Questions first: once answered the folder runs again, and files that failed are tried again then too.
  if (questions.length > 0) {
    questions.sort((a, b) => a.sourcePath.localeCompare(b.sourcePath));
    return { bytes: doneBytes, files, verification: null, outcome: null, questions };
  }
  if (firstFailure !== undefined) throw new FolderCopyError(firstFailure.error, firstFailure.path, files, doneBytes);
  // A folder is only as verified as its least verified file.
  const verification = weakestVerification(weakest);
  return { bytes: doneBytes, files, verification, outcome: null, questions: [] };
}

/** How a copy was verified, as the journal and the Transfers screen keep it: 'size', or '<by>:<algorithm>'. */
export function verificationName(verification: Verification): string {
  return verification.kind === 'hash' ? `${verification.by}:${verification.algorithm}` : 'size';
}

// Size only < this computer only < checked by a second party (server, storage, read-back): the folder gets the
// weakest; several different strong ways read 'mixed'.
function weakestVerification(names: ReadonlySet<string>): string {
  if (names.size === 0 || names.has('size')) return 'size';
  const client = [...names].filter((name) => name.startsWith('client:'));
  if (client.length > 0) return client.length === 1 ? client[0]! : 'client:sha256';
  return names.size === 1 ? [...names][0]! : 'mixed';
}
