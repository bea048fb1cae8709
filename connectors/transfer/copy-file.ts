import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type HashAlgorithm, strongestCommonHash } from '../../shared/connectors/hash-algorithm';
import { canResumeInto, hasHash, hasServerSideCopy } from '../capabilities';
import { ConnectorError, isConnectorError } from '../connector-error';
import { type Driver, type Entry, type WriteResult } from '../driver';
import { isComputable, MultiHasher } from '../hashing';
import { baseName, normalizePath, parentPath } from '../path-safety';
import { type BandwidthLimiter } from './bandwidth-limiter';
import { type Clock, systemClock } from './clock';
import { ProgressMeter, type TransferProgress } from './progress-meter';
import { type RetryPolicy, withRetries } from './retry-policy';
import { TransferStream } from './transfer-stream';

/** One side of a copy: a driver and a connector path. */
export interface CopyEndpoint {
  readonly driver: Driver;
  readonly path: string;
}

/** Options of a copy. */
export interface CopyOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: TransferProgress) => void;
  /** 'hash' (default): size and the strongest hash both sides offer; 'size': size only. */
  readonly verify?: 'hash' | 'size';
  readonly retry?: RetryPolicy;
  /** Shared by all transfers for a global limit. */
  readonly limiter?: BandwidthLimiter;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Called before waiting to retry. */
  readonly onRetry?: (error: ConnectorError, attempt: number, delayMs: number) => void;
  /** Asked after a cancellation: true keeps the partial so a later copy resumes it (pause, app shutdown). */
  readonly retainPartial?: () => boolean;
}

/** How a copy was verified. */
export type Verification =
  { readonly kind: 'hash'; readonly algorithm: HashAlgorithm; readonly digest: string } | { readonly kind: 'size' };

/** What a successful copy did. */
export interface CopyResult {
  readonly size: number;
  readonly verification: Verification;
  readonly attempts: number;
  /** Offsets the copy resumed from after interruptions. */
  readonly resumedAt: readonly number[];
  /** The storage copied the file itself. */
  readonly serverSide: boolean;
}

/**
 * The hidden name a resumable copy writes to before renaming into place: stable per destination path, so a later
 * copy resumes it, and short, so long names still fit.
 */
export function partialPathOf(destination: string): string {
  const id = createHash('sha256').update(destination).digest('hex').slice(0, 16);
  const name = `.ferry-partial-${id}`;
  const parent = parentPath(destination);
  return parent === '' ? name : `${parent}/${name}`;
}

interface VerificationPlan {
  /** Common algorithm both drivers can hash stored files with. */
  readonly common?: HashAlgorithm;
  /** Algorithms to hash the source stream with. */
  readonly stream: readonly HashAlgorithm[];
  /** Algorithms the destination driver computes while writing (when there is no common algorithm). */
  readonly write: readonly HashAlgorithm[];
}

function planVerification(source: Driver, destination: Driver, entry: Entry, mode: 'hash' | 'size'): VerificationPlan {
  if (mode === 'size') return { stream: [], write: [] };
  const common =
    hasHash(source) && hasHash(destination)
      ? strongestCommonHash(source.capabilities.hashes, destination.capabilities.hashes)
      : undefined;
  if (common !== undefined) {
    const known = entry.hashes?.[common] !== undefined;
    // The destination computes it too: when its store checked the bytes as they arrived, no read-back is needed.
    const computable = isComputable(common) ? [common] : [];
    return { common, stream: known ? [] : computable, write: computable };
  }
  return { stream: ['sha256'], write: ['sha256'] };
}

/**
 * Copies one file between any two drivers (or within one): streaming with bounded memory, Retryable failures
 * retried with backoff, resumed from the partial destination where the destination appends and renames and the
 * source reads ranges, verified by size and the strongest common hash (a mismatch fails with Integrity and removes
 * what was written), written under a hidden partial name then renamed into place where the destination can rename.
 * After retries run out the partial is kept so a later copy resumes it; after a cancellation or a mismatch it is
 * removed.
 */
export async function copyFile(from: CopyEndpoint, to: CopyEndpoint, options: CopyOptions = {}): Promise<CopyResult> {
  const srcPath = normalizePath(from.path);
  const dstPath = normalizePath(to.path);
  if (dstPath === '' || baseName(dstPath) === '')
    throw new ConnectorError('InvalidInput', 'The destination needs a file name.');
  const { signal } = options;
  const clock = options.clock ?? systemClock;
  const retry = <T>(operation: (attempt: number) => Promise<T>): Promise<T> =>
    withRetries(operation, { policy: options.retry, clock, random: options.random, signal, onRetry: options.onRetry });
  const source = from.driver;
  const destination = to.driver;

  const entry = await retry(() => source.stat(srcPath, { signal }));
  if (entry.type !== 'file') throw new ConnectorError('InvalidInput', `Not a file: ${srcPath}`, { path: srcPath });
  const max = destination.capabilities.maxObjectSize;
  if (max !== null && entry.size !== undefined && entry.size > max) {
    throw new ConnectorError(
      'QuotaExceeded',
      `${srcPath} (${entry.size} bytes) is larger than the destination accepts (${max}).`,
    );
  }

  if (source === destination && hasServerSideCopy(destination)) {
    await retry(() => destination.copy(srcPath, dstPath, { signal }));
    const copied = await retry(() => destination.stat(dstPath, { signal }));
    if (entry.size !== undefined && copied.size !== entry.size) {
      throw new ConnectorError(
        'Integrity',
        `Server-side copy of ${srcPath} has ${copied.size} bytes, expected ${entry.size}.`,
      );
    }
    return { size: copied.size ?? 0, verification: { kind: 'size' }, attempts: 1, resumedAt: [], serverSide: true };
  }

  const plan = planVerification(source, destination, entry, options.verify ?? 'hash');
  const renamer = canResumeInto(destination) ? destination : undefined;
  const resumable = renamer !== undefined;
  const target = resumable ? partialPathOf(dstPath) : dstPath;
  const meter = new ProgressMeter(entry.size, options.onProgress, clock);
  const resumedAt: number[] = [];
  const mtimeMs = destination.capabilities.mtimePrecisionMs !== null ? entry.mtimeMs : undefined;
  let hasher: MultiHasher | undefined;
  let attempts = 0;

  // The offset to continue from: the partial's size when the pair can resume, else 0 with an empty partial.
  const prepareTarget = async (): Promise<number> => {
    if (!resumable) return 0;
    let partial: Entry | undefined;
    try {
      partial = await destination.stat(target, { signal });
    } catch (error) {
      if (!isConnectorError(error, 'NotFound')) throw error;
    }
    const size = partial?.size ?? 0;
    const usable =
      partial?.type === 'file' && source.capabilities.rangedRead && (entry.size === undefined || size <= entry.size);
    if (partial !== undefined && usable && size > 0) return size;
    await destination.write(target, Readable.from([]), { size: 0, signal });
    return 0;
  };

  const attemptOnce = async (attempt: number): Promise<WriteResult> => {
    attempts = attempt;
    meter.attempt = attempt;
    const offset = await prepareTarget();
    if (offset > 0) resumedAt.push(offset);
    meter.reset(offset);
    hasher = offset === 0 && plan.stream.length > 0 ? new MultiHasher(plan.stream) : undefined;
    const input = await source.read(srcPath, offset > 0 ? { range: { offset }, signal } : { signal });
    const stage = new TransferStream(hasher, options.limiter, meter, signal);
    input.on('error', (error) => stage.destroy(error));
    // The stage's errors reach us through the rejected write; this keeps late ones from crashing the process.
    stage.on('error', () => undefined);
    input.pipe(stage);
    try {
      const result = await destination.write(target, stage, {
        ...(entry.size === undefined ? {} : { size: entry.size - offset }),
        ...(resumable ? { offset } : {}),
        ...(mtimeMs === undefined ? {} : { mtimeMs }),
        hashes: offset === 0 ? plan.write : [],
        signal,
      });
      if (offset > 0) hasher = undefined;
      return result;
    } finally {
      input.destroy();
    }
  };

  const removeTarget = async (): Promise<void> => {
    await destination.remove(target).catch(() => undefined);
  };

  const transferAndVerify = async (): Promise<Verification> => {
    const result = await retry(attemptOnce);
    if (entry.size !== undefined && result.size !== entry.size) {
      throw new ConnectorError(
        'Integrity',
        `${dstPath} has ${result.size} bytes after the copy, expected ${entry.size}.`,
      );
    }
    const streamed = hasher?.digest();
    if (plan.common !== undefined) {
      const algorithm = plan.common;
      const expected =
        entry.hashes?.[algorithm] ??
        streamed?.[algorithm] ??
        (await retry(() => hashOf(source, srcPath, algorithm, signal)));
      const actual = result.stored?.[algorithm] ?? (await retry(() => hashOf(destination, target, algorithm, signal)));
      if (expected !== actual) throw mismatch(dstPath, algorithm, expected, actual);
      return { kind: 'hash', algorithm, digest: actual };
    }
    const expected = streamed?.sha256;
    const actual = result.hashes.sha256;
    if (expected !== undefined && actual !== undefined) {
      if (expected !== actual) throw mismatch(dstPath, 'sha256', expected, actual);
      return { kind: 'hash', algorithm: 'sha256', digest: actual };
    }
    return { kind: 'size' };
  };

  try {
    let verification: Verification;
    try {
      verification = await transferAndVerify();
    } catch (error) {
      // A resumed partial may be stale (another version of the source): start over once from nothing.
      if (!isConnectorError(error, 'Integrity') || resumedAt.length === 0) throw error;
      await removeTarget();
      resumedAt.length = 0;
      verification = await transferAndVerify();
    }
    if (renamer !== undefined) await retry(() => renamer.rename(target, dstPath, { signal }));
    meter.flush();
    return { size: entry.size ?? meter.snapshot().bytes, verification, attempts, resumedAt, serverSide: false };
  } catch (error) {
    // Keep a partial after transient failures or a pause (a later copy resumes it); drop it otherwise.
    const retained = isConnectorError(error, 'Cancelled') && options.retainPartial?.() === true;
    if (!isConnectorError(error, 'Retryable') && !retained) {
      if (resumable || isConnectorError(error, 'Integrity')) await removeTarget();
    }
    throw error;
  }
}

async function hashOf(driver: Driver, path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
  if (!hasHash(driver)) throw new ConnectorError('Unsupported', `${driver.kind} cannot hash stored files.`);
  return driver.hash(path, algorithm, { signal });
}

function mismatch(path: string, algorithm: HashAlgorithm, expected: string, actual: string): ConnectorError {
  return new ConnectorError(
    'Integrity',
    `${path}: ${algorithm} after the copy is ${actual.slice(0, 16)}…, the source has ${expected.slice(0, 16)}…; the copy was removed.`,
    { path, hint: 'Copy again; if it keeps failing, the storage or the network corrupts data.' },
  );
}
