import { type Entry, type ListOptions, type ListPage, type RejectedEntry } from '../driver';
import { byName } from '../guarded-driver';

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

function pageOfSorted(sorted: readonly Entry[], rejected: readonly RejectedEntry[], options: ListOptions): ListPage {
  const cursor = options.cursor;
  const from = cursor === undefined ? 0 : sorted.findIndex((e) => e.name > cursor);
  const size = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const page = from < 0 ? [] : sorted.slice(from, from + size);
  const last = page.at(-1);
  const more = from >= 0 && from + size < sorted.length;
  return {
    entries: page,
    rejected: cursor === undefined ? rejected : [],
    ...(more && last !== undefined ? { cursor: last.name } : {}),
  };
}

interface Snapshot {
  readonly sorted: readonly Entry[];
  readonly rejected: readonly RejectedEntry[];
  readonly at: number;
}

/**
 * The whole listing of a folder kept from one page to the next of the same walk, for servers that can only list a
 * folder whole: without it every page re-reads and re-sorts the folder (a 100,000-entry folder in pages of 1,000
 * read 100 times). A first page always reads afresh; a snapshot lives `ttlMs` and any change made through the
 * driver drops them all (`clear`).
 */
export class FolderSnapshots {
  private readonly kept = new Map<string, Snapshot>();

  constructor(
    private readonly ttlMs = 30_000,
    private readonly max = 8,
    private readonly now: () => number = Date.now,
  ) {}

  /** One page of `folder`: from the snapshot when continuing a walk, else from `readAll`. */
  async page(
    folder: string,
    options: ListOptions,
    readAll: () => Promise<{ readonly entries: readonly Entry[]; readonly rejected: readonly RejectedEntry[] }>,
  ): Promise<ListPage> {
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
