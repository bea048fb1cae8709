import { isConnectorError } from '../../connectors/connector-error';
import { type Driver, type Entry } from '../../connectors/driver';
import { scanFolder, underFolder } from '../services/sync/source-scan';
import { type CompareMode, judgedWithoutReading, sameBytes } from '../services/transfers/destination-conflict';

/** One side of a comparison: a folder of a connector. */
export interface TreeSide {
  readonly driver: Driver;
  /** Normalised folder path ('' is the connector's root). */
  readonly root: string;
}

/** A file present on both sides, by its path relative to the folders. */
export interface FilePair {
  readonly path: string;
  readonly source: Entry;
  readonly destination: Entry;
}

/** Two folders compared file by file (paths relative to the folders, sorted). */
export interface TreeDiff {
  /** In the source only. */
  readonly missing: readonly { readonly path: string; readonly source: Entry }[];
  /** In the destination only. */
  readonly extraneous: readonly { readonly path: string; readonly destination: Entry }[];
  readonly differ: readonly FilePair[];
  readonly same: readonly FilePair[];
  /** Names path safety refused on either side (never followed, never copied or deleted). */
  readonly rejected: readonly {
    readonly side: 'source' | 'destination';
    readonly path: string;
    readonly reason: string;
  }[];
  /** Files the include/exclude globs left out, both sides together. */
  readonly excluded: number;
}

/** What to compare and how. */
export interface DiffOptions {
  readonly include?: readonly string[];
  readonly exclude?: readonly string[];
  readonly compare: CompareMode;
  readonly signal?: AbortSignal;
  /** Hash comparisons in flight at once (default 4). */
  readonly concurrency?: number;
}

type Rejected = TreeDiff['rejected'][number];

// Every file under a folder, by relative path; a folder that does not exist yet holds nothing.
async function filesOf(
  side: TreeSide,
  name: Rejected['side'],
  options: DiffOptions,
  rejected: Rejected[],
): Promise<{ readonly files: Map<string, Entry>; readonly excluded: number }> {
  const files = new Map<string, Entry>();
  let excluded = 0;
  try {
    for await (const item of scanFolder(side.driver, side.root, options)) {
      if (item.kind === 'file') files.set(item.path, item.entry);
      else if (item.kind === 'excluded') excluded++;
      else rejected.push({ side: name, path: item.path, reason: item.reason });
    }
  } catch (error) {
    if (!(name === 'destination' && isConnectorError(error, 'NotFound') && files.size === 0)) throw error;
  }
  return { files, excluded };
}

/**
 * Lists both folders recursively (with the same globs; Ferry's own partial and receipt files left out) and sorts every
 * file into missing, extraneous, differing or the same. Hashes are read only for pairs of equal size that the mode
 * cannot settle otherwise, through the strongest hash both storages offer.
 */
export async function diffTrees(source: TreeSide, destination: TreeSide, options: DiffOptions): Promise<TreeDiff> {
  const rejected: Rejected[] = [];
  const from = await filesOf(source, 'source', options, rejected);
  const to = await filesOf(destination, 'destination', options, rejected);
  const missing: { path: string; source: Entry }[] = [];
  const pairs: FilePair[] = [];
  for (const [path, entry] of from.files) {
    const there = to.files.get(path);
    if (there === undefined) missing.push({ path, source: entry });
    else pairs.push({ path, source: entry, destination: there });
  }
  const extraneous = [...to.files]
    .filter(([path]) => !from.files.has(path))
    .map(([path, entry]) => ({ path, destination: entry }));

  const same: FilePair[] = [];
  const differ: FilePair[] = [];
  const toHash: FilePair[] = [];
  for (const pair of pairs) {
    const settled = judgedWithoutReading(pair.source, pair.destination, options.compare);
    if (settled === undefined) toHash.push(pair);
    else (settled ? same : differ).push(pair);
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toHash.length) {
      const pair = toHash[next++]!;
      const equal = await sameBytes({
        source: source.driver,
        incoming: pair.source,
        destination: destination.driver,
        path: underFolder(destination.root, pair.path),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      });
      (equal ? same : differ).push(pair);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 4, toHash.length) }, worker));

  const byPath = <T extends { readonly path: string }>(list: T[]): T[] =>
    list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    missing: byPath(missing),
    extraneous: byPath(extraneous),
    differ: byPath(differ),
    same: byPath(same),
    rejected,
    excluded: from.excluded + to.excluded,
  };
}
