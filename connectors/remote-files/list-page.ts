import { type Entry, type ListOptions, type ListPage, type RejectedEntry } from '../driver';

/** What a folder snapshot can keep: entries, or bare names where each page is described when served (local disk). */
export interface Named {
  readonly name: string;
}

/** A page of named items: the shape of a ListPage over any item. */
export interface NamedPage<T extends Named> {
  readonly entries: readonly T[];
  readonly rejected: readonly RejectedEntry[];
  readonly cursor?: string;
}

// Code-unit order, the order cursors compare in (never locale order: a cursor must find its place again).
const byName = (a: Named, b: Named): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

const DEFAULT_PAGE_SIZE = 1000;

/**
 * One page of a folder the server lists whole (SFTP, FTP): entries sorted by name, the cursor is the last name
 * of the page, and refused names are reported with the first page only.
 */
export function pageByName(
  entries: readonly Entry[],
  rejected: readonly RejectedEntry[],
  options: ListOptions,
): ListPage {
  return pageOfSorted([...entries].sort(byName), rejected, options);
}

/** Index of the first item named after `cursor` (binary search: a walk of n items in pages costs n log n, not n²). */
function firstAfter(sorted: readonly Named[], cursor: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.name > cursor) high = middle;
    else low = middle + 1;
  }
  return low;
}

function pageOfSorted<T extends Named>(
  sorted: readonly T[],
  rejected: readonly RejectedEntry[],
  options: ListOptions,
): NamedPage<T> {
  const cursor = options.cursor;
  const from = cursor === undefined ? 0 : firstAfter(sorted, cursor);
  const size = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const page = sorted.slice(from, from + size);
  const last = page.at(-1);
  const more = from + size < sorted.length;
  return {
    entries: page,
    rejected: cursor === undefined ? rejected : [],
    ...(more && last !== undefined ? { cursor: last.name } : {}),
  };
}

interface Snapshot<T extends Named> {
  readonly sorted: readonly T[];
  readonly rejected: readonly RejectedEntry[];
  readonly at: number;
}

/**
 * The whole listing of a folder kept from one page to the next of the same walk, for servers that can only list a
 * folder whole: without it every page re-reads and re-sorts the folder (a 100,000-entry folder in pages of 1,000
 * read 100 times). A first page always reads afresh; a snapshot lives `ttlMs` and any change made through the
 * driver drops them all (`clear`).
 */
export class FolderSnapshots<T extends Named = Entry> {
  private readonly kept = new Map<string, Snapshot<T>>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly max = 8,
    private readonly now: () => number = Date.now,
  ) {}

  /** One page of `folder`: from the snapshot when continuing a walk, else from `readAll`. */
  async page(
    folder: string,
    options: ListOptions,
    readAll: () => Promise<{ readonly entries: readonly T[]; readonly rejected: readonly RejectedEntry[] }>,
  ): Promise<NamedPage<T>> {
    const kept = options.cursor === undefined ? undefined : this.kept.get(folder);
    let snapshot = kept !== undefined && this.now() - kept.at <= this.ttlMs ? kept : undefined;
    if (snapshot === undefined) {
      const { entries, rejected } = await readAll();
      snapshot = { sorted: [...entries].sort(byName), rejected, at: this.now() };
    }
    const page = pageOfSorted(snapshot.sorted, snapshot.rejected, options);
    this.kept.delete(folder);
    if (page.cursor !== undefined) {
      this.kept.set(folder, snapshot);
      // Oldest first in a Map: keep the walks of a few folders at most.
      for (const name of this.kept.keys()) {
        if (this.kept.size <= this.max) break;
        this.kept.delete(name);
      }
    }
    return page;
  }

  /** Drops every snapshot (a file was written, removed or renamed through the driver). */
  clear(): void {
    this.kept.clear();
  }
}
