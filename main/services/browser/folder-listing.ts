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
 * One folder being read page by page from its driver, kept while the user browses it. Name-ascending windows
 * (the driver's order) read only as many pages as needed, so the first page of a 100,000-entry folder comes at
 * once; other orders read the whole folder first. Calls are serialised so pages are read once, in order.
 */
export class FolderListing {
  private readonly entries: Entry[] = [];
  private readonly rejected: RejectedEntry[] = [];
  private cursor: string | undefined;
  private done = false;
  private queue: Promise<unknown> = Promise.resolve();
  private sorted: { key: string; entries: Entry[] } | undefined;

  constructor(
    private readonly driver: Driver,
    private readonly path: string,
  ) {}

  /** Entries [offset, offset + limit) of the folder sorted and filtered (case-insensitive part of the name). */
  window(offset: number, limit: number, sort: BrowserSort, filter: string): Promise<ListingWindow> {
    const run = this.queue.then(() => this.compute(offset, limit, sort, filter.trim().toLowerCase()));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async compute(offset: number, limit: number, sort: BrowserSort, filter: string): Promise<ListingWindow> {
    const matches = (e: Entry) => filter === '' || e.name.toLowerCase().includes(filter);
    const streaming = sort.by === 'name' && sort.direction === 'asc';
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
    let all: Entry[];
    if (streaming) all = filter === '' ? this.entries : this.entries.filter(matches);
    else {
      const key = `${sort.by}:${sort.direction}`;
      if (this.sorted?.key !== key) {
        const order = compare(sort.by);
        const sign = sort.direction === 'asc' ? 1 : -1;
        this.sorted = { key, entries: [...this.entries].sort((a, b) => sign * order(a, b)) };
      }
      all = filter === '' ? this.sorted.entries : this.sorted.entries.filter(matches);
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
