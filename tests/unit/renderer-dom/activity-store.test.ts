import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ActivityEntry, SyncStatus } from '../../../shared/ipc/sync-ipc';

type Listener = (payload: unknown) => void;
type Reply = (input: Record<string, unknown>) => unknown;

const status = (state: SyncStatus['state']): SyncStatus => ({
  state,
  pausedUntil: null,
  running: state === 'syncing' ? 1 : 0,
  bindings: 1,
  lastRunAt: null,
  problem: null,
});
const entry = (id: number, patch: Partial<ActivityEntry> = {}): ActivityEntry => ({
  id,
  at: new Date(1_800_000_000_000 + id * 1000).toISOString(),
  kind: 'delivered',
  bindingId: 'b1',
  bindingName: 'Sales',
  path: `file-${id}.csv`,
  size: 10,
  ...patch,
});

/**
 * A stand-in for the bridge where replies and events travel apart (HTTP and WebSocket in the browser harness):
 * each call waits until the test releases it, so the test decides which arrives first.
 */
function fakeBridge(replies: Record<string, Reply>) {
  const listeners = new Map<string, Set<Listener>>();
  const held: { method: string; input: Record<string, unknown>; release: () => void }[] = [];
  const bridge = {
    invoke: (method: string, input: Record<string, unknown>) =>
      new Promise((resolve) =>
        held.push({ method, input, release: () => resolve({ ok: true, value: replies[method]!(input) }) }),
      ),
    on: (event: string, listener: Listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    bridge,
    held,
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload)),
    /** Lets the replies held so far arrive (or only those of one method). */
    reply: async (method?: string) => {
      for (const call of held.filter((c) => method === undefined || c.method === method)) {
        held.splice(held.indexOf(call), 1);
        call.release();
      }
      await settle();
    },
  };
}

async function storeWith(replies: Record<string, Reply>) {
  const fake = fakeBridge({
    'sync.status': () => status('idle'),
    'sync.bindings': () => ({ bindings: [] }),
    ...replies,
  });
  (globalThis as { window?: unknown }).window = { ferry: fake.bridge };
  const { useActivityStore } = await import('../../../renderer/src/stores/activity-store');
  const ids = () => {
    const { list } = useActivityStore.getState();
    return list.status === 'ready' ? list.entries.map((e) => e.id) : list.status;
  };
  return { ...fake, store: useActivityStore, ids };
}

describe('activity store: pages and live entries that cross', () => {
  afterEach(() => {
    vi.resetModules();
    delete (globalThis as { window?: unknown }).window;
  });

  it('keeps an entry announced while the first page loads, once, newest first', async () => {
    const { store, emit, reply, ids } = await storeWith({
      // The page was read after entry 3 was written, so it holds it too.
      'sync.activity': () => ({ entries: [entry(3), entry(2), entry(1)], hasMore: false }),
    });
    const loading = store.getState().load();
    emit('sync.activityAdded', entry(3));
    emit('sync.activityAdded', entry(4));
    await reply();
    await loading;
    expect(ids()).toEqual([4, 3, 2, 1]);
  });

  it('prepends live entries that match the filter, ignores others and repeats', async () => {
    const { store, emit, reply, ids } = await storeWith({
      'sync.activity': (input) =>
        input['kinds'] ? { entries: [entry(2, { kind: 'failed' })], hasMore: false } : { entries: [], hasMore: false },
    });
    const loading = store.getState().load();
    await reply();
    await loading;
    const filtering = store.getState().setFilter({ kinds: ['failed'] });
    await reply();
    await filtering;
    expect(ids()).toEqual([2]);
    emit('sync.activityAdded', entry(3, { kind: 'delivered' }));
    emit('sync.activityAdded', entry(4, { kind: 'failed', message: 'Disk full' }));
    emit('sync.activityAdded', entry(4, { kind: 'failed', message: 'Disk full' }));
    expect(ids()).toEqual([4, 2]);
  });

  it('asks for older entries before the oldest shown and appends them', async () => {
    const { store, reply, ids, held } = await storeWith({
      'sync.activity': (input) =>
        input['before'] === undefined
          ? { entries: [entry(5), entry(4)], hasMore: true }
          : { entries: [entry(3), entry(2)], hasMore: false },
    });
    const loading = store.getState().load();
    await reply();
    await loading;
    const older = store.getState().loadOlder();
    expect(held.find((c) => c.method === 'sync.activity')?.input).toMatchObject({ before: 4, limit: 100 });
    await reply();
    await older;
    expect(ids()).toEqual([5, 4, 3, 2]);
    const { list } = store.getState();
    expect(list.status === 'ready' && list.hasMore).toBe(false);
  });

  it('drops the reply to a filter the user has since changed, even when it arrives last', async () => {
    const { store, reply, ids, held } = await storeWith({
      'sync.activity': (input) => ({ entries: input['text'] === 'old' ? [entry(1)] : [entry(9)], hasMore: false }),
    });
    const loading = store.getState().load();
    await reply();
    await loading;
    const first = store.getState().setFilter({ text: 'old' });
    const second = store.getState().setFilter({ text: 'new' });
    // The second query's reply arrives first, then the first's.
    const calls = held.filter((c) => c.method === 'sync.activity');
    expect(calls.map((c) => c.input['text'])).toEqual(['old', 'new']);
    held.splice(held.indexOf(calls[1]!), 1);
    calls[1]!.release();
    await second;
    held.splice(held.indexOf(calls[0]!), 1);
    calls[0]!.release();
    await first;
    expect(ids()).toEqual([9]);
  });

  it("keeps the status of main's last event when an action's reply arrives after it", async () => {
    const { store, emit, reply } = await storeWith({
      'sync.activity': () => ({ entries: [], hasMore: false }),
      'sync.now': () => status('syncing'),
    });
    const loading = store.getState().load();
    await reply();
    await loading;
    const syncing = store.getState().syncNow();
    // The run is quick: both its events come before the reply.
    emit('sync.statusChanged', status('syncing'));
    emit('sync.statusChanged', status('idle'));
    await reply();
    await syncing;
    expect(store.getState().status?.state).toBe('idle');
  });
});
