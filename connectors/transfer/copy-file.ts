import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type HashAlgorithm, strongestCommonHash } from '../../shared/connectors/hash-algorithm';
import { canResumeInto, hasHash, hasServerHash, hasServerSideCopy } from '../capabilities';
import { ConnectorError, isConnectorError } from '../connector-error';
import { mapNodeError } from '../map-node-error';
import { isResumeRefused } from '../resume-refused-error';
import { type Driver, type Entry, type WriteResult } from '../driver';
import { isComputable, MultiHasher } from '../hashing';
import { baseName, normalizePath } from '../path-safety';
import { aboutDestination, legacyPartialPathOf, partialPathOf } from './partial-file';
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
  /**
   * 'hash' (default): size and the strongest hash both sides offer; 'strict': the same, and the copy fails unless the
   * server or the storage checked the bytes it holds (not only this process); 'size': size only.
   */
  readonly verify?: VerifyMode;
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

/** How much checking a copy asks for. */
export type VerifyMode = 'hash' | 'strict' | 'size';

/**
 * Who vouched for the digest of the copy: the destination's `server` hashing the stored file when asked (SFTP over
 * exec), a `store`'s own digest compared with the bytes (S3's MD5 of every part received, Drive's digest of the new
 * file, the source storage's digest against the bytes that arrived; after a resume, the stored file hashed through its
 * driver), both files `read-back` through their drivers (after a resume), or this process alone (`client`: the
 * digest of the bytes sent, nobody compared it; a local disk vouches for nothing).
 */
export type VerifiedBy = 'server' | 'store' | 'read-back' | 'client';

/** How a copy was verified. */
export type Verification =
  | { readonly kind: 'hash'; readonly algorithm: HashAlgorithm; readonly digest: string; readonly by: VerifiedBy }
  | { readonly kind: 'size' };

/** What a successful copy did. */
export interface CopyResult {
  readonly size: number;
  readonly verification: Verification;
  /** Attempts of the whole copy, counted across a restart. */
  readonly attempts: number;
  /** Offsets the copy resumed from after interruptions (since the last restart). */
  readonly resumedAt: readonly number[];
  /**
   * Why the copy started over from nothing: a resumed partial failed verification, or the destination refused to
   * resume (at most one of each).
   */
  readonly restarts: readonly string[];
  /** The storage copied the file itself. */
  readonly serverSide: boolean;
}

/** The hidden partial name of a destination (see partial-file.ts). */
export { partialPathOf } from './partial-file';

interface VerificationPlan {
  /** Common algorithm both drivers can hash stored files with. */
  readonly common?: HashAlgorithm;
  /** Algorithms to hash the source stream with. */
  readonly stream: readonly HashAlgorithm[];
  /** Algorithms the destination driver computes while writing (when there is no common algorithm). */
  readonly write: readonly HashAlgorithm[];
}

function planVerification(source: Driver, destination: Driver, entry: Entry, mode: VerifyMode): VerificationPlan {
  if (mode === 'size') return { stream: [], write: [] };
  const common =
    hasHash(source) && hasHash(destination)
      ? strongestCommonHash(source.capabilities.hashes, destination.capabilities.hashes)
      : undefined;
  if (common !== undefined) {
    // The destination hashes what it receives (the same bytes this process passes it), so the stream is not hashed
    // again: each byte is hashed once in the process. A store that checked the bytes as they arrived needs no read-back.
    return { common, stream: [], write: isComputable(common) ? [common] : [] };
  }
  // The bytes are hashed once, as they stream; the check itself comes from a server that can hash (or nobody).
  return { stream: ['sha256'], write: [] };
}

// The server's own SHA-256 of a stored file, when its driver can ask and the server answers.
async function askServer(driver: Driver, path: string, signal?: AbortSignal): Promise<string | undefined> {
  return hasServerHash(driver) ? driver.serverHash(path, 'sha256', { signal }) : undefined;
}

/**
 * Copies one file between any two drivers (or within one): streaming with bounded memory, Retryable failures
 * retried with backoff, resumed from the partial destination where the destination appends and renames and the
 * source reads ranges, verified by size and the strongest common hash, or SHA-256 read back from both sides after a
 * resume into storage without hashes (a mismatch fails with Integrity and removes
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
  const partialName = partialPathOf(dstPath);
  const forUser = (error: ConnectorError): ConnectorError => aboutDestination(error, partialName, dstPath);
  const onRetry = options.onRetry;
  const retry = <T>(operation: (attempt: number) => Promise<T>): Promise<T> =>
    withRetries(operation, {
      policy: options.retry,
      clock,
      random: options.random,
      signal,
      ...(onRetry === undefined ? {} : { onRetry: (e, attempt, delay) => onRetry(forUser(e), attempt, delay) }),
    });
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
    const size = copied.size ?? 0;
    return { size, verification: { kind: 'size' }, attempts: 1, resumedAt: [], restarts: [], serverSide: true };
  }

  const plan = planVerification(source, destination, entry, options.verify ?? 'hash');
  const renamer = canResumeInto(destination) ? destination : undefined;
  const resumable = renamer !== undefined;
  const target = resumable ? partialName : dstPath;
  const meter = new ProgressMeter(entry.size, options.onProgress, clock);
  const resumedAt: number[] = [];
  const restarts: string[] = [];
  const mtimeMs = destination.capabilities.mtimePrecisionMs !== null ? entry.mtimeMs : undefined;
  let hasher: MultiHasher | undefined;
  let attempts = 0;
  // Strict verification refused a copy only this process checked: it must not stay, even where written in place.
  let refusedUnverified = false;
  // The destination refused to continue from an offset once: this copy writes from zero from then on.
  let resumeRefused = false;

  // A partial left by an earlier version (no .part suffix) is renamed to the current name and resumed.
  const adoptLegacyPartial = async (): Promise<Entry | undefined> => {
    if (renamer === undefined) return undefined;
    const legacy = legacyPartialPathOf(dstPath);
    const found = await destination.stat(legacy, { signal }).catch(() => undefined);
    if (found?.type !== 'file') return undefined;
    await renamer.rename(legacy, target, { signal });
    return destination.stat(target, { signal });
  };

  // The offset to continue from: the partial's size when the pair can resume, else 0 with an empty partial.
  const prepareTarget = async (): Promise<number> => {
    if (!resumable) return 0;
    let partial: Entry | undefined;
    try {
      partial = await destination.stat(target, { signal });
    } catch (error) {
      if (!isConnectorError(error, 'NotFound')) throw error;
      partial = await adoptLegacyPartial();
    }
    const size = partial?.size ?? 0;
    const usable =
      partial?.type === 'file' &&
      source.capabilities.rangedRead &&
      (entry.size === undefined || size <= entry.size) &&
      (size === 0 || !resumeRefused);
    // A usable partial is continued (from 0 when empty); with none there, the offset-0 write creates it. Only an
    // unusable one is emptied first: a separate write a cut connection could leave half-done.
    if (partial === undefined || usable) return size;
    await destination.write(target, Readable.from([]), { size: 0, signal });
    return 0;
  };

  // One attempt; a refusal to resume (the server forbids appending) empties the partial and starts over once.
  const attemptOnce = async (): Promise<WriteResult> => {
    try {
      return await writeOnce();
    } catch (error) {
      if (!isResumeRefused(error) || resumeRefused || resumedAt.length === 0) throw error;
      resumeRefused = true;
      restarts.push(`resumed at ${resumedAt.join(', ')}: ${forUser(error).message}`);
      resumedAt.length = 0;
      await removeTarget();
      return writeOnce();
    }
  };

  const writeOnce = async (): Promise<WriteResult> => {
    attempts += 1;
    meter.attempt = attempts;
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
      // What the source's storage says it holds, what the destination's storage checked it received, and the digest
      // of the bytes this process handed the destination (the whole file when the write started at zero).
      const held = entry.hashes?.[algorithm];
      const checked = result.stored?.[algorithm];
      const received = resumedAt.length === 0 ? result.hashes[algorithm] : undefined;
      if (held === undefined && checked === undefined && received !== undefined) {
        // Nobody but this process looked at the bytes: said as such, never compared with itself.
        return { kind: 'hash', algorithm, digest: received, by: 'client' };
      }
      const expected = held ?? received ?? (await retry(() => hashOf(source, srcPath, algorithm, signal)));
      const actual =
        checked ??
        (held !== undefined ? received : undefined) ??
        (await retry(() => hashOf(destination, target, algorithm, signal)));
      if (expected !== actual) throw mismatch(dstPath, algorithm, expected, actual);
      // Without a storage's digest, both sides were hashed through their drivers (a resumed copy).
      return { kind: 'hash', algorithm, digest: actual, by: (held ?? checked) ? 'store' : 'read-back' };
    }
    if (resumedAt.length > 0 && plan.stream.length > 0) {
      // The partial's first bytes came from an earlier attempt nobody could hash: ask the servers, else read back.
      const expected =
        entry.hashes?.sha256 ??
        (await retry(async () => (await askServer(source, srcPath, signal)) ?? sha256Of(source, srcPath, signal)));
      const fromServer = await retry(() => askServer(destination, target, signal));
      const actual = fromServer ?? (await retry(() => sha256Of(destination, target, signal)));
      if (expected !== actual) throw mismatch(dstPath, 'sha256', expected, actual);
      return {
        kind: 'hash',
        algorithm: 'sha256',
        digest: actual,
        by: fromServer === undefined ? 'read-back' : 'server',
      };
    }
    const expected = streamed?.sha256;
    if (expected !== undefined) {
      // Upload: the destination's server hashes what it stored. Download: the source's server hashes what it holds,
      // which must be what arrived here. Either way a second party looked at the bytes.
      const stored = await retry(() => askServer(destination, target, signal));
      if (stored !== undefined) {
        if (stored !== expected) throw mismatch(dstPath, 'sha256', expected, stored);
        return { kind: 'hash', algorithm: 'sha256', digest: stored, by: 'server' };
      }
      const held = await retry(() => askServer(source, srcPath, signal));
      if (held !== undefined) {
        if (held !== expected) throw mismatch(dstPath, 'sha256', held, expected);
        return { kind: 'hash', algorithm: 'sha256', digest: held, by: 'server' };
      }
      return { kind: 'hash', algorithm: 'sha256', digest: expected, by: 'client' };
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
      restarts.push(`resumed at ${resumedAt.join(', ')}: ${error.message}`);
      await removeTarget();
      resumedAt.length = 0;
      verification = await transferAndVerify();
    }
    if (options.verify === 'strict' && (verification.kind === 'size' || verification.by === 'client')) {
      refusedUnverified = true;
      throw new ConnectorError(
        'Unsupported',
        `${dstPath}: neither the server nor the storage can check the copy between ${source.kind} and ` +
          `${destination.kind} (only this computer hashed it), and strict verification asks for one; the copy was removed.`,
        { path: dstPath, hint: 'Copy without strict verification to accept a check made on this computer only.' },
      );
    }
    if (renamer !== undefined) await retry(() => renamer.rename(target, dstPath, { signal }));
    meter.flush();
    const size = entry.size ?? meter.snapshot().bytes;
    return { size, verification, attempts, resumedAt, restarts, serverSide: false };
  } catch (raw) {
    const error = forUser(isConnectorError(raw) ? raw : mapNodeError(raw));
    // Keep a partial after transient failures or a pause (a later copy resumes it); drop it otherwise, and also
    // when this source cannot be resumed from an offset (the next copy would start over anyway).
    const retained =
      (isConnectorError(error, 'Cancelled') && options.retainPartial?.() === true) ||
      (isConnectorError(error, 'Retryable') && source.capabilities.rangedRead);
    if (!retained) {
      if (resumable || isConnectorError(error, 'Integrity') || refusedUnverified) await removeTarget();
    }
    if (isConnectorError(error, 'Retryable')) throw gaveUp(error, dstPath, attempts, resumable && retained);
    throw error;
  }
}

// Retries ran out: say so, and that the same copy continues where it stopped.
function gaveUp(error: ConnectorError, path: string, attempts: number, resumable: boolean): ConnectorError {
  const tries = attempts > 1 ? ` after ${attempts} attempts` : '';
  const next = resumable
    ? 'Run the same copy again when the storage is reachable: it resumes where it stopped.'
    : 'Run the same copy again when the storage is reachable.';
  return new ConnectorError('Retryable', `Copying to ${path} failed${tries}: ${error.message}`, {
    path,
    hint: error.hint === undefined ? next : `${error.hint.replace(/\.?$/, '.')} ${next}`,
    cause: error,
    retryAfterMs: error.retryAfterMs,
  });
}

// SHA-256 of a stored file, read through its driver (for storage that offers no hash of its own).
async function sha256Of(driver: Driver, path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await driver.read(path, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
