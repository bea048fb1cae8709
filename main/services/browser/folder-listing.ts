import type { Driver, Entry, RejectedEntry } from '../../../connectors/driver';
import type { BrowserEntry, BrowserSort } from '../../../shared/ipc/browser-ipc';

/** Entries asked of the driver per page. */
export const DRIVER_PAGE_SIZE = 1000;

/** A window of a listing, as `browser.list` returns it. */
export interface ListingWindow {
  readonly entries: BrowserEntry[];
  readonly offset: number;
  readonly matched: number;
  readonly complete: boolean;
  readonly rejected: RejectedEntry[];
}

/** Whether a name is a dot-file, hidden unless the user shows hidden files. */
export const isHidden = (name: string): boolean => name.startsWith('.');

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

function compare(by: BrowserSort['by']): (a: Entry, b: Entry) => number {
  switch (by) {
    case 'name':
      return (a, b) => collator.compare(a.name, b.name);
    case 'size':
      return (a, b) => (a.size ?? -1) - (b.size ?? -1) || collator.compare(a.name, b.name);
    case 'mtime':
      return (a, b) => (a.mtimeMs ?? -1) - (b.mtimeMs ?? -1) || collator.compare(a.name, b.name);
    case 'type':
      return (a, b) => (a.type === b.type ? 0 : a.type === 'directory' ? -1 : 1) || collator.compare(a.name, b.name);
  }
}

const view = (e: Entry): BrowserEntry => ({
  name: e.name,
  path: e.path,
  type: e.type,
  ...(e.size === undefined ? {} : { size: e.size }),
  ...(e.mtimeMs === undefined ? {} : { mtimeMs: e.mtimeMs }),
});

/**
 * One folder being read page by page from its driver, kept while the user browses it. Names sort naturally and
 * case-insensitively (file2 before File10). A folder read whole by the first window is sorted so; a larger one
 * streams in the driver's order for name-ascending windows (reading only as many pages as needed, so the first
 * page of a 100,000-entry folder comes at once) and keeps that order until it is listed again; other orders read
 * the whole folder first. Calls are serialised so pages are read once, in order.
 */
export class FolderListing {
  private readonly entries: Entry[] = [];
  private readonly rejected: RejectedEntry[] = [];
  private cursor: string | undefined;
  private done = false;
  private queue: Promise<unknown> = Promise.resolve();
  private sorted: { key: string; entries: Entry[] } | undefined;
  /** Decided by the first name-ascending window: stream in the driver's order (a folder too large to read first). */
  private storageOrder: boolean | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly path: string,
  ) {}

  /**
   * Entries [offset, offset + limit) of the folder sorted and filtered (case-insensitive part of the name), dot-files
   * left out unless `showHidden`.
   */
  window(offset: number, limit: number, sort: BrowserSort, filter: string, showHidden = true): Promise<ListingWindow> {
    const run = this.queue.then(() => this.compute(offset, limit, sort, filter.trim().toLowerCase(), showHidden));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compute(
    offset: number,
    limit: number,
    sort: BrowserSort,
    filter: string,
    showHidden: boolean,
  ): Promise<ListingWindow> {
    const matches = (e: Entry) =>
      (showHidden || !isHidden(e.name)) && (filter === '' || e.name.toLowerCase().includes(filter));
    const nameAscending = sort.by === 'name' && sort.direction === 'asc';
    if (nameAscending && this.storageOrder === undefined) {
      if (!this.done && this.entries.length === 0) await this.readPage();
      this.storageOrder = !this.done;
    }
    const streaming = nameAscending && this.storageOrder === true;
    if (streaming) {
      let matched = this.countMatches(matches);
      while (!this.done && matched < offset + limit) {
        const before = this.entries.length;
        await this.readPage();
        matched += this.entries.slice(before).filter(matches).length;
      }
    } else {
      while (!this.done) await this.readPage();
    }
    const everything = showHidden && filter === '';
    let all: Entry[];
    if (streaming) all = everything ? this.entries : this.entries.filter(matches);
    else {
      const key = `${sort.by}:${sort.direction}`;
      if (this.sorted?.key !== key) {
        const order = compare(sort.by);
        const sign = sort.direction === 'asc' ? 1 : -1;
        this.sorted = { key, entries: [...this.entries].sort((a, b) => sign * order(a, b)) };
      }
      all = everything ? this.sorted.entries : this.sorted.entries.filter(matches);
    }
    return {
      entries: all.slice(offset, offset + limit).map(view),
      offset,
      matched: all.length,
      complete: this.done,
      rejected: this.rejected.slice(0, 100),
    };
  }

  private countMatches(matches: (e: Entry) => boolean): number {
    let n = 0;
    for (const e of this.entries) if (matches(e)) n++;
    return n;
  }

  private async readPage(): Promise<void> {
    const page = await this.driver.list(this.path, {
      pageSize: DRIVER_PAGE_SIZE,
      ...(this.cursor === undefined ? {} : { cursor: this.cursor }),
    });
    for (const e of page.entries) this.entries.push(e);
    for (const r of page.rejected) this.rejected.push(r);
    this.cursor = page.cursor;
    this.done = page.cursor === undefined;
    this.sorted = undefined;
  }
}
