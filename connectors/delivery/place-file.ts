// Puts one offer file into a buyer's storage without ever replacing or removing a file someone else wrote there.
//
// What holds, since no driver offers an exclusive create (O_EXCL, SFTP's plain RENAME, S3's If-None-Match: *):
// - Ferry never replaces or removes a file it found: a different file gets a conflict copy beside it, and the only
//   files Ferry removes are its own hidden staging and partial files (`.ferry-delivery-*`, `.ferry-partial-*`).
// - Between Ferry runs there is no race: one delivery row per (acquisition, file, target), one active job per
//   delivery (pg-boss singleton key), and each run stages under its own attempt's name, so even two runs at once
//   (a job past its expiry) leave one file with the right bytes.
// - Against a third party writing the very same name at the same moment, the window is one request: the last look
//   (stat) right before the staged copy is moved into place (rename on local, SFTP, FTPS; server-side copy on S3).
//   Renames and copies replace on those stores, so a file created inside that window could be replaced. Azure Blob
//   and GCS have neither: the copy is written under its name right after the look (all-or-nothing), so there the
//   window is the whole upload.
// - Nothing partial ever appears under the file's name: the bytes are verified under the staging name first (or
//   written all-or-nothing), and a run killed at any point leaves at most hidden staging files, removed by the next
//   run of the same delivery.
import { Readable } from 'node:stream';
import { hasRename, hasServerSideCopy } from '../capabilities';
import { ConnectorError } from '../connector-error';
import { statOrNull, storedSha256 } from '../stored-file';
import type { Driver, Entry } from '../driver';
import { parentPath } from '../path-safety';
import { copyFile } from '../transfer/copy-file';
import { partialPathOf } from '../transfer/partial-file';
import type { RetryPolicy } from '../transfer/retry-policy';
import type { BandwidthLimiter } from '../transfer/bandwidth-limiter';
import { splitName } from './naming-pattern';

/** The bytes to deliver: where they are in the offer storage and what they must be. */
export interface SourceFile {
  readonly driver: Driver;
  readonly key: string;
  readonly size: number;
  readonly sha256: string;
}

/** Where a file was placed: the path, whether beside a different file (conflict copy), whether it was already there. */
export interface Placement {
  readonly path: string;
  readonly conflict: boolean;
  /** The same bytes were found there (an earlier run, or someone else): nothing was written. */
  readonly alreadyThere: boolean;
}

async function sameBytes(driver: Driver, entry: Entry, file: SourceFile, signal?: AbortSignal): Promise<boolean> {
  if (entry.type !== 'file' || entry.size !== file.size) return false;
  return (await storedSha256(driver, entry.path, signal)) === file.sha256;
}

/** `name (conflict from Ferry 2026-12-06).ext`, then `… 2026-12-06 2).ext` and so on beside `wanted`. */
export function conflictPath(wanted: string, day: string, n: number): string {
  const parent = parentPath(wanted);
  const { stem, ext } = splitName(wanted.slice(parent === '' ? 0 : parent.length + 1));
  const name = `${stem} (conflict from Ferry ${day}${n > 1 ? ` ${n}` : ''})${ext}`;
  return parent === '' ? name : `${parent}/${name}`;
}

const MAX_CONFLICT_COPIES = 50;

/**
 * The first free name among `wanted` and its conflict names, or the one already holding exactly these bytes (so a
 * re-run after a crash finishes instead of writing a second copy).
 */
export async function choosePlace(
  driver: Driver,
  wanted: string,
  file: SourceFile,
  day: string,
  signal?: AbortSignal,
): Promise<Placement> {
  for (let n = 0; n <= MAX_CONFLICT_COPIES; n++) {
    const candidate = n === 0 ? wanted : conflictPath(wanted, day, n);
    const entry = await statOrNull(driver, candidate, signal);
    if (entry === null) return { path: candidate, conflict: n > 0, alreadyThere: false };
    if (await sameBytes(driver, entry, file, signal)) return { path: candidate, conflict: n > 0, alreadyThere: true };
  }
  throw new ConnectorError('Conflict', `${wanted} and ${MAX_CONFLICT_COPIES} conflict copies of it already exist.`, {
    path: wanted,
    hint: 'Tidy the target folder, or change the naming pattern, then resume the target.',
  });
}

/** The hidden name one delivery attempt stages its copy under, beside the final file. */
export function stagingPathOf(wanted: string, deliveryId: string, attempt: number): string {
  const parent = parentPath(wanted);
  const name = `.ferry-delivery-${deliveryId}-${attempt}.part`;
  return parent === '' ? name : `${parent}/${name}`;
}

async function removeQuietly(driver: Driver, path: string): Promise<void> {
  await driver.remove(path).catch(() => undefined);
}

/** Removes what an earlier attempt of the same delivery may have left (its staged copy and that copy's partial). */
export async function removeStaging(driver: Driver, staging: string): Promise<void> {
  await removeQuietly(driver, partialPathOf(staging));
  await removeQuietly(driver, staging);
}

/** What placing needs: the destination, the wanted path, this attempt's staging name, the conflict day. */
export interface PlaceRequest {
  readonly destination: Driver;
  readonly wanted: string;
  readonly staging: string;
  /** The day conflict copies are named after (YYYY-MM-DD, stable across retries). */
  readonly day: string;
  readonly signal?: AbortSignal;
  /** How the copy retries passing failures (default: the transfer engine's). */
  readonly retry?: RetryPolicy;
  /** The bandwidth limit the copy shares with other transfers (the desktop's global limit; none on the platform). */
  readonly limiter?: BandwidthLimiter;
  /** Asked after a cancellation: true keeps the copy's partial for a later run to resume (see copyFile). */
  readonly retainPartial?: () => boolean;
}

/**
 * Places the file at `wanted`, or beside it as a conflict copy when a different file is there, never replacing a
 * file: the copy (verified, partial name then rename) goes to a hidden staging name first, and the destination is
 * looked at again right before the staged copy is moved into place (rename, or server-side copy where the store has
 * no rename). Stores with neither get the copy written directly after the look, atomically where they can. See the
 * file's header for what holds without an exclusive create.
 */
export async function placeFile(file: SourceFile, request: PlaceRequest): Promise<Placement> {
  const { destination, wanted, staging, day, signal } = request;
  const options = {
    signal,
    ...(request.retry === undefined ? {} : { retry: request.retry }),
    ...(request.limiter === undefined ? {} : { limiter: request.limiter }),
    ...(request.retainPartial === undefined ? {} : { retainPartial: request.retainPartial }),
  };
  const first = await choosePlace(destination, wanted, file, day, signal);
  if (first.alreadyThere) return first;
  const source = { driver: file.driver, path: file.key };
  const canRename = hasRename(destination);
  if (!canRename && !hasServerSideCopy(destination)) {
    await copyFile(source, { driver: destination, path: first.path }, options);
    return first;
  }
  await copyFile(source, { driver: destination, path: staging }, options);
  const staged = await destination.stat(staging, { signal });
  if (staged.size !== file.size) {
    throw new ConnectorError('Integrity', `The staged copy has ${staged.size} bytes, expected ${file.size}.`);
  }
  // Looked at again: the copy took a while, and somebody may have written the name meanwhile.
  const place = await choosePlace(destination, wanted, file, day, signal);
  if (place.alreadyThere) {
    await removeStaging(destination, staging);
    return place;
  }
  if (canRename) {
    await destination.rename(staging, place.path, { signal });
  } else if (hasServerSideCopy(destination)) {
    await destination.copy(staging, place.path, { signal });
    await removeQuietly(destination, staging);
  }
  return place;
}

/** Writes a small file (a receipt) whole; all-or-nothing where the store can. */
export async function writeSmallFile(driver: Driver, path: string, text: string, signal?: AbortSignal): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  await driver.write(path, Readable.from([bytes]), { size: bytes.length, signal });
}

/** Reads a small file as text (a receipt found at the target). */
export async function readSmallFile(driver: Driver, path: string, signal?: AbortSignal): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of await driver.read(path, { signal })) {
    const buffer = chunk as Buffer;
    total += buffer.length;
    if (total > 1024 * 1024) throw new ConnectorError('InvalidInput', `${path} is too large to be a receipt.`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
