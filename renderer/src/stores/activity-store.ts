import { create } from 'zustand';
import type { ActivityEntry, ActivityKind, ActivityQuery, SyncBinding, SyncStatus } from '../../../shared/ipc/sync-ipc';
import { invoke, subscribe } from '../ipc-client';

/** Entries asked for per page (the first one and each "Load older"). */
export const ACTIVITY_PAGE = 100;

/** What the list shows: kinds (none = all), one binding (null = all), words in the path, message or binding. */
export interface ActivityFilter {
  readonly kinds: readonly ActivityKind[];
  readonly bindingId: string | null;
  readonly text: string;
}

/** Whose events the screen shows: everything, the desktop sync agent's, or the platform's notifications. */
export type ActivitySource = 'all' | 'agent' | 'platform';

/** The sources, in the order the screen offers them. */
export const ACTIVITY_SOURCES: readonly ActivitySource[] = ['all', 'platform', 'agent'];

/** Whether a source choice shows the agent's entries, or the platform's notifications. */
export function showsSource(choice: ActivitySource, source: Exclude<ActivitySource, 'all'>): boolean {
  return choice === 'all' || choice === source;
}

/** The list as the renderer sees it: a page read from main, then kept current by its events. */
export type ActivityListState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | {
      readonly status: 'ready';
      /** Newest first, no two with the same id. */
      readonly entries: readonly ActivityEntry[];
      readonly hasMore: boolean;
      readonly loadingOlder: boolean;
    };

interface ActivityStore {
  /** The agent's status (null until read). */
  readonly status: SyncStatus | null;
  /** The agent's bindings (null until read). */
  readonly bindings: readonly SyncBinding[] | null;
  readonly filter: ActivityFilter;
  readonly list: ActivityListState;
  /** Whose events are shown (kept while the app runs, like the filter). */
  readonly source: ActivitySource;
  /** Whether the platform's notifications are narrowed to the unread ones. */
  readonly unreadOnly: boolean;
  setSource(source: ActivitySource): void;
  setUnreadOnly(unreadOnly: boolean): void;
  /** Reads status, bindings and the first page, and follows `sync.statusChanged` and `sync.activityAdded`. */
  load(): Promise<void>;
  /** Changes the filter and reads the first page again (a reply to an older filter is dropped). */
  setFilter(patch: Partial<ActivityFilter>): Promise<void>;
  /** Reads the page before the oldest entry shown. */
  loadOlder(): Promise<void>;
  syncNow(): Promise<void>;
  /** Pauses for some hours, or until resumed (null). */
  pause(hours: number | null): Promise<void>;
  resume(): Promise<void>;
  /** Saves the filtered activity as CSV where the user chooses; path null when cancelled. */
  exportCsv(): Promise<{ path: string | null; rows: number }>;
}

/** The empty filter: everything. */
export const NO_FILTER: ActivityFilter = { kinds: [], bindingId: null, text: '' };

/** The contract's query for a filter (empty parts left out). */
export function queryOf(filter: ActivityFilter): Omit<ActivityQuery, 'before' | 'limit'> {
  const text = filter.text.trim();
  return {
    ...(filter.kinds.length > 0 ? { kinds: [...filter.kinds] } : {}),
    ...(filter.bindingId !== null ? { bindingId: filter.bindingId } : {}),
    ...(text !== '' ? { text } : {}),
  };
}

/** Whether an entry belongs in the list under a filter (as main's query decides, words matched case-insensitively). */
export function matchesFilter(entry: ActivityEntry, filter: ActivityFilter): boolean {
  if (filter.kinds.length > 0 && !filter.kinds.includes(entry.kind)) return false;
  if (filter.bindingId !== null && entry.bindingId !== filter.bindingId) return false;
  const text = filter.text.trim().toLowerCase();
  if (text === '') return true;
  return [entry.path, entry.message, entry.bindingName].some((v) => v?.toLowerCase().includes(text));
}

/** Entries of both lists, newest first, each id once (the later copy of an entry wins: entries never change). */
export function mergeEntries(a: readonly ActivityEntry[], b: readonly ActivityEntry[]): ActivityEntry[] {
  const byId = new Map<number, ActivityEntry>();
  for (const entry of [...a, ...b]) byId.set(entry.id, entry);
  return [...byId.values()].sort((x, y) => y.id - x.id);
}

/**
 * The activity store: the agent's status and bindings, and a filtered, paged list of its activity kept current by
 * main's events. Replies and events travel apart (the harness uses HTTP and a WebSocket), so an entry may arrive
 * both as an event and in a page: the list is merged by id, never appended blindly. Each read of the first page
 * has a generation; a reply for a filter the user has since changed is dropped.
 */
export const useActivityStore = create<ActivityStore>((set, get) => {
  let unsubscribe: (() => void) | undefined;
  let generation = 0;
  // Counts status events: an action's reply is older than any event that arrived while it travelled.
  let statusEvents = 0;
  // Entries announced while a first page is being read: merged into its reply (they may be newer than it).
  let early: ActivityEntry[] | null = null;

  const refreshBindings = async (): Promise<void> => {
    const { bindings } = await invoke('sync.bindings', {});
    set({ bindings });
  };
  const applyStatus = (status: SyncStatus): void => {
    const known = get().bindings;
    set({ status });
    // Bindings have no event of their own: a new count means one was added, removed, enabled or disabled.
    if (known !== null && known.filter((b) => b.enabled).length !== status.bindings) {
      void refreshBindings().catch(() => undefined);
    }
  };
  const onStatus = (status: SyncStatus): void => {
    statusEvents++;
    applyStatus(status);
  };
  // Main emits every change of status as an event; a reply only fills in when no event came meanwhile.
  const act = async (call: () => Promise<SyncStatus>): Promise<void> => {
    const before = statusEvents;
    const status = await call();
    if (statusEvents === before) applyStatus(status);
  };
  const onEntry = (entry: ActivityEntry): void => {
    early?.push(entry);
    const { list, filter, bindings } = get();
    if (bindings !== null && !bindings.some((b) => b.id === entry.bindingId)) {
      void refreshBindings().catch(() => undefined);
    }
    if (list.status !== 'ready' || !matchesFilter(entry, filter)) return;
    set({ list: { ...list, entries: mergeEntries(list.entries, [entry]) } });
  };
  const readFirstPage = async (): Promise<void> => {
    const mine = ++generation;
    early = [];
    const { list } = get();
    if (list.status !== 'ready') set({ list: { status: 'loading' } });
    try {
      const filter = get().filter;
      const reply = await invoke('sync.activity', { ...queryOf(filter), limit: ACTIVITY_PAGE });
      if (mine !== generation) return;
      const announced = (early ?? []).filter((e) => matchesFilter(e, filter));
      set({
        list: {
          status: 'ready',
          entries: mergeEntries(reply.entries, announced),
          hasMore: reply.hasMore,
          loadingOlder: false,
        },
      });
    } catch (error) {
      if (mine === generation) set({ list: { status: 'failed', error } });
    } finally {
      if (mine === generation) early = null;
    }
  };

  return {
    status: null,
    bindings: null,
    filter: NO_FILTER,
    list: { status: 'loading' },
    source: 'all',
    unreadOnly: false,
    setSource(source) {
      set({ source });
    },
    setUnreadOnly(unreadOnly) {
      set({ unreadOnly });
    },
    async load() {
      // Follow the events before reading, so no entry written in between is lost.
      unsubscribe ??= (() => {
        const offStatus = subscribe('sync.statusChanged', onStatus);
        const offEntry = subscribe('sync.activityAdded', onEntry);
        return () => {
          offStatus();
          offEntry();
        };
      })();
      await Promise.all([
        act(() => invoke('sync.status', {})).catch(() => undefined),
        refreshBindings().catch(() => set({ bindings: get().bindings ?? [] })),
        readFirstPage(),
      ]);
    },
    async setFilter(patch) {
      set({ filter: { ...get().filter, ...patch } });
      await readFirstPage();
    },
    async loadOlder() {
      const { list, filter } = get();
      if (list.status !== 'ready' || !list.hasMore || list.loadingOlder) return;
      const oldest = list.entries[list.entries.length - 1];
      if (oldest === undefined) return;
      const mine = generation;
      set({ list: { ...list, loadingOlder: true } });
      try {
        const reply = await invoke('sync.activity', { ...queryOf(filter), before: oldest.id, limit: ACTIVITY_PAGE });
        const now = get().list;
        if (mine !== generation || now.status !== 'ready') return;
        set({
          list: {
            ...now,
            entries: mergeEntries(now.entries, reply.entries),
            hasMore: reply.hasMore,
            loadingOlder: false,
          },
        });
      } catch (error) {
        const now = get().list;
        if (mine === generation && now.status === 'ready') set({ list: { ...now, loadingOlder: false } });
        throw error;
      }
    },
    async syncNow() {
      await act(() => invoke('sync.now', {}));
    },
    async pause(hours) {
      await act(() => invoke('sync.pause', { hours }));
    },
    async resume() {
      await act(() => invoke('sync.resume', {}));
    },
    async exportCsv() {
      return invoke('sync.exportActivity', queryOf(get().filter));
    },
  };
});
