import { createHash } from 'node:crypto';
import { canResumeInto, hasHash } from '../../../connectors/capabilities';
import { ConnectorError } from '../../../connectors/connector-error';
import { type Driver, type Entry } from '../../../connectors/driver';
import { splitName } from '../../../connectors/delivery/naming-pattern';
import { parentPath } from '../../../connectors/path-safety';
import { statOrNull, storedSha256 } from '../../../connectors/stored-file';
import { partialPathOf } from '../../../connectors/transfer/partial-file';
import { strongestCommonHash } from '../../../shared/connectors/hash-algorithm';
import type { ConflictChoice, TransferConflict } from '../../../shared/ipc/transfers-ipc';

/**
 * How an existing file of equal size is judged the same: by hash (`checksum`, the default), by size alone
 * (`size-only`), or by modification time within a second (`mtime`, as rclone's default; hashes where a time is unknown).
 */
export type CompareMode = 'checksum' | 'size-only' | 'mtime';

const MODIFY_WINDOW_MS = 1000;

/** Whether a pair is the same without reading a byte: true or false when size (and the mode) settle it, else undefined. */
export function judgedWithoutReading(incoming: Entry, existing: Entry, compare: CompareMode): boolean | undefined {
  if (incoming.size === undefined || incoming.size !== existing.size) return false;
  switch (compare) {
    case 'size-only':
      return true;
    case 'mtime':
      if (incoming.mtimeMs === undefined || existing.mtimeMs === undefined) return undefined;
      return Math.abs(incoming.mtimeMs - existing.mtimeMs) < MODIFY_WINDOW_MS;
    case 'checksum':
      return undefined;
  }
}

/** One incoming file and where it would go. */
export interface ConflictSite {
  readonly source: Driver;
  /** The source file's stat. */
  readonly incoming: Entry;
  readonly destination: Driver;
  readonly path: string;
  readonly signal?: AbortSignal;
  /** How an existing file of the same size is judged identical (default: checksum). */
  readonly compare?: CompareMode;
}

/** What is at a file's destination, as far as a copy cares. */
export type Examination =
  | { readonly kind: 'free' }
  /** The same bytes (size and hash) are already there: nothing to write, nothing to ask. */
  | { readonly kind: 'identical' }
  | { readonly kind: 'conflict'; readonly conflict: Omit<TransferConflict, 'more'> };

/**
 * Looks at the destination of one file before anything is written: free, identical (size and the strongest hash both
 * sides offer, or SHA-256 read back), or a conflict with the answers that make sense (resume only when the existing
 * file is a verified shorter prefix and the pair can continue it; overwrite never over a folder).
 */
export async function examineDestination(site: ConflictSite, known?: Entry | null): Promise<Examination> {
  const existing = known === undefined ? await statOrNull(site.destination, site.path, site.signal) : known;
  if (existing === null) return { kind: 'free' };
  const size = site.incoming.size;
  const conflict = (choices: ConflictChoice[]): Examination => ({
    kind: 'conflict',
    conflict: {
      sourcePath: site.incoming.path,
      path: site.path,
      existing: {
        kind: existing.type === 'directory' ? 'folder' : 'file',
        size: existing.size ?? null,
        modifiedAt: existing.mtimeMs ?? null,
      },
      incoming: { size: size ?? null, modifiedAt: site.incoming.mtimeMs ?? null },
      choices,
    },
  });
  if (existing.type === 'directory') return conflict(['skip', 'keepBoth']);
  const there = existing.size;
  if (judgedWithoutReading(site.incoming, existing, site.compare ?? 'checksum') ?? (await sameBytes(site))) {
    return { kind: 'identical' };
  }
  const choices: ConflictChoice[] = ['overwrite', 'skip', 'keepBoth'];
  if (size !== undefined && there !== undefined && there > 0 && there < size && (await isPrefix(site, there))) {
    choices.push('resume');
  }
  return conflict(choices);
}

/** Whether two files of equal size hold equal bytes: the strongest hash both storages compute, else SHA-256 of both. */
export async function sameBytes({ source, incoming, destination, path, signal }: ConflictSite): Promise<boolean> {
  const options = signal === undefined ? {} : { signal };
  const common =
    hasHash(source) && hasHash(destination)
      ? strongestCommonHash(source.capabilities.hashes, destination.capabilities.hashes)
      : undefined;
  if (common !== undefined && hasHash(source) && hasHash(destination)) {
    const [a, b] = await Promise.all([
      source.hash(incoming.path, common, options),
      destination.hash(path, common, options),
    ]);
    return a === b;
  }
  const [a, b] = await Promise.all([
    storedSha256(source, incoming.path, signal),
    storedSha256(destination, path, signal),
  ]);
  return a === b;
}

// Resume makes sense only where the pair can continue a file and the existing bytes are the source's first ones.
async function isPrefix(site: ConflictSite, length: number): Promise<boolean> {
  const { source, destination, incoming, path, signal } = site;
  if (!source.capabilities.rangedRead || !canResumeInto(destination)) return false;
  const hash = createHash('sha256');
  for await (const chunk of await source.read(incoming.path, { range: { offset: 0, length }, signal })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex') === (await storedSha256(destination, path, signal));
}

const MAX_KEPT_COPIES = 999;

/** `report (2).csv` beside `report.csv`: the n-th "keep both" name of a path. */
export function keptName(path: string, n: number): string {
  const parent = parentPath(path);
  const { stem, ext } = splitName(path.slice(parent === '' ? 0 : parent.length + 1));
  const name = `${stem} (${n})${ext}`;
  return parent === '' ? name : `${parent}/${name}`;
}

/** The first free "keep both" name beside `path` (`report (2).csv`, `report (3).csv`...). */
export async function freeKeptPath(driver: Driver, path: string, signal?: AbortSignal): Promise<string> {
  for (let n = 2; n <= MAX_KEPT_COPIES; n++) {
    const candidate = keptName(path, n);
    if ((await statOrNull(driver, candidate, signal)) === null) return candidate;
  }
  throw new ConnectorError('Conflict', `${path} and ${MAX_KEPT_COPIES - 1} copies of it already exist.`, {
    path,
    hint: 'Tidy the destination folder, then retry.',
  });
}

/**
 * Makes the existing shorter file the copy's partial so the copy continues it (the copy verifies the whole file at
 * the end and starts over when the beginning turns out different). Only after the user chose resume.
 */
export async function adoptAsPartial(destination: Driver, path: string, signal?: AbortSignal): Promise<void> {
  if (!canResumeInto(destination)) return;
  if ((await statOrNull(destination, path, signal)) === null) return;
  await destination.rename(path, partialPathOf(path), { signal });
}
