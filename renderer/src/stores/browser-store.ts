import { create } from 'zustand';
import type { BrowserEntry, BrowserSort } from '../../../shared/ipc/browser-ipc';
import { invoke } from '../ipc-client';

/** Entries asked of main per call; pages load as the user scrolls. */
export const BROWSER_PAGE = 200;

/** What the browser shows: where, how sorted and filtered, the pages loaded, the selection. */
interface BrowserState {
  readonly connectorId: string | null;
  readonly path: string;
  readonly sort: BrowserSort;
  readonly filter: string;
  /** Bumped on every new listing: answers for an older one are ignored. */
  readonly generation: number;
  readonly pages: Readonly<Record<number, readonly BrowserEntry[]>>;
  readonly matched: number;
  readonly complete: boolean;
  readonly error: unknown;
  /** Selected entries' paths. */
  readonly selected: ReadonlySet<string>;
  /** Index of the row with keyboard focus (and the anchor of shift-selection). */
  readonly focus: number;
  readonly anchor: number;
  /** First paint of this listing: ms from the request to the first page. */
  readonly firstPageMs: number | null;
}

interface BrowserActions {
  open(connectorId: string, path: string): void;
  setSort(sort: BrowserSort): void;
  setFilter(filter: string): void;
  refresh(): void;
  /** Loads the pages covering rows [start, end] that are not loaded yet. */
  ensureRange(start: number, end: number): void;
  /** The entry at a row, when its page is loaded. */
  entryAt(index: number): BrowserEntry | undefined;
  /** Click (or Space) on a row: plain selects it alone, toggle adds or removes it, range extends from the anchor. */
  select(index: number, how: 'only' | 'toggle' | 'range'): void;
  setFocus(index: number): void;
  selectAllLoaded(): void;
  clearSelection(): void;
}

const loading = new Set<string>();

/** The file browser's store: a virtual list's pages, fetched from main as rows come into view. */
export const useBrowserStore = create<BrowserState & BrowserActions>((set, get) => {
  const reset = (patch: Partial<BrowserState>): void => {
    const generation = get().generation + 1;
    set({
      ...patch,
      generation,
      pages: {},
      matched: 0,
      complete: false,
      error: undefined,
      selected: new Set(),
      focus: 0,
      anchor: 0,
      firstPageMs: null,
    });
    get().ensureRange(0, BROWSER_PAGE - 1);
  };
  const fetchPage = (page: number, refresh = false): void => {
    const { connectorId, path, sort, filter, generation } = get();
    if (connectorId === null) return;
    const key = `${generation}:${page}`;
    if (loading.has(key)) return;
    loading.add(key);
    const started = performance.now();
    invoke('browser.list', {
      connectorId,
      path,
      offset: page * BROWSER_PAGE,
      limit: BROWSER_PAGE,
      sort,
      filter,
      ...(refresh ? { refresh: true } : {}),
    })
      .then((window) => {
        if (get().generation !== generation) return;
        set((s) => ({
          pages: { ...s.pages, [page]: window.entries },
          matched: window.matched,
          complete: window.complete,
          firstPageMs: s.firstPageMs ?? Math.round(performance.now() - started),
        }));
      })
      .catch((error: unknown) => {
        if (get().generation === generation) set({ error });
      })
      .finally(() => loading.delete(key));
  };
  return {
    connectorId: null,
    path: '',
    sort: { by: 'name', direction: 'asc' },
    filter: '',
    generation: 0,
    pages: {},
    matched: 0,
    complete: false,
    error: undefined,
    selected: new Set(),
    focus: 0,
    anchor: 0,
    firstPageMs: null,
    open(connectorId, path) {
      reset({ connectorId, path, filter: '' });
    },
    setSort(sort) {
      reset({ sort });
    },
    setFilter(filter) {
      reset({ filter });
    },
    refresh() {
      const generation = get().generation + 1;
      set({ generation, pages: {}, matched: 0, complete: false, error: undefined, firstPageMs: null });
      fetchPage(0, true);
    },
    ensureRange(start, end) {
      const first = Math.max(0, Math.floor(start / BROWSER_PAGE));
      const last = Math.max(first, Math.floor(Math.max(0, end) / BROWSER_PAGE));
      const { pages, complete, matched } = get();
      for (let page = first; page <= last; page++) {
        if (complete && page * BROWSER_PAGE >= matched && page > 0) break;
        if (pages[page] === undefined) fetchPage(page);
      }
    },
    entryAt(index) {
      return get().pages[Math.floor(index / BROWSER_PAGE)]?.[index % BROWSER_PAGE];
    },
    select(index, how) {
      const { selected, anchor, entryAt } = get();
      const entry = entryAt(index);
      if (entry === undefined) return;
      if (how === 'only') {
        set({ selected: new Set([entry.path]), focus: index, anchor: index });
      } else if (how === 'toggle') {
        const next = new Set(selected);
        if (next.has(entry.path)) next.delete(entry.path);
        else next.add(entry.path);
        set({ selected: next, focus: index, anchor: index });
      } else {
        const next = new Set<string>();
        for (let i = Math.min(anchor, index); i <= Math.max(anchor, index); i++) {
          const e = entryAt(i);
          if (e !== undefined) next.add(e.path);
        }
        set({ selected: next, focus: index });
      }
    },
    setFocus(index) {
      set({ focus: index });
    },
    selectAllLoaded() {
      const all = Object.values(get().pages).flatMap((p) => p.map((e) => e.path));
      set({ selected: new Set(all) });
    },
    clearSelection() {
      set({ selected: new Set() });
    },
  };
});
