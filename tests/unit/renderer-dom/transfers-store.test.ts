import { afterEach, describe, expect, it } from 'vitest';
import type { Transfer, TransferLimits } from '../../../shared/ipc/transfers-ipc';

type Listener = (payload: unknown) => void;

const limits: TransferLimits = { concurrency: 2, bandwidthBytesPerSecond: null };
const transfer = (state: Exclude<Transfer['state'], 'waiting'>, bytes = 0): Transfer => ({
  id: 't1',
  batchId: 'b1',
  name: 'archive.bin',
  source: { connectorId: 'c1', path: 'archive.bin' },
  destination: { connectorId: 'local', path: '/downloads' },
  kind: 'file',
  state,
  conflict: null,
  bytes,
  total: 10,
  bytesPerSecond: 0,
  etaSeconds: null,
  files: { done: state === 'done' ? 1 : 0, failed: 0, skipped: 0 },
  verification: state === 'done' ? 'sha256' : null,
  outcome: state === 'done' ? { kind: 'copied' } : null,
  error: null,
  createdAt: 1,
  finishedAt: state === 'done' ? 2 : null,
});

/**
 * A stand-in for the bridge where replies and events travel apart (HTTP and WebSocket in the browser harness):
 * the test decides when each reply arrives and which events come first.
 */
function fakeBridge(replies: Record<string, () => unknown>) {
  const listeners = new Map<string, Set<Listener>>();
  const held: (() => void)[] = [];
  const calls: { method: string; input: unknown }[] = [];
  const bridge = {
    invoke: (method: string, input: unknown) => {
      calls.push({ method, input });
      return new Promise((resolve) => held.push(() => resolve({ ok: true, value: replies[method]!() })));
    },
    on: (event: string, listener: Listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
  };
  return {
    bridge,
    calls,
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload)),
    /** Lets the replies held so far arrive. */
    reply: async () => {
      for (const release of held.splice(0)) release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
}

async function storeWith(replies: Record<string, () => unknown>) {
  const fake = fakeBridge(replies);
  (globalThis as { window?: unknown }).window = { ferry: fake.bridge };
  const { useTransfersStore } = await import('../../../renderer/src/stores/transfers-store');
  const states = () => {
    const { state } = useTransfersStore.getState();
    return state.status === 'ready' ? state.transfers.map((t) => t.state) : state.status;
  };
  return { ...fake, store: useTransfersStore, states };
}

describe('transfers store: replies and events that cross', () => {
  afterEach(async () => {
    const { vi } = await import('vitest');
    vi.resetModules();
    delete (globalThis as { window?: unknown }).window;
  });

  it("keeps a retried transfer done when the retry's reply arrives after the 'done' event", async () => {
    const { store, emit, reply, states } = await storeWith({
      'transfers.list': () => ({ transfers: [transfer('cancelled')], limits }),
      'transfers.retry': () => transfer('queued'),
    });
    const loading = store.getState().load();
    await reply();
    await loading;
    expect(states()).toEqual(['cancelled']);

    const retrying = store.getState().retry('t1');
    // Main emits every change as it happens; the quick copy ends before the reply reaches the renderer.
    emit('transfers.updated', transfer('queued'));
    emit('transfers.updated', transfer('running', 5));
    emit('transfers.updated', transfer('done', 10));
    await reply();
    await retrying;
    expect(states()).toEqual(['done']);
  });

  it('loses no change made while the list is loading, and replays them over the list in order', async () => {
    const { store, emit, reply, states } = await storeWith({
      'transfers.list': () => ({ transfers: [transfer('running', 3)], limits }),
    });
    const loading = store.getState().load();
    // The list was read while the transfer ran; it ends before the list's reply arrives.
    emit('transfers.updated', transfer('running', 7));
    emit('transfers.updated', transfer('done', 10));
    await reply();
    await loading;
    expect(states()).toEqual(['done']);
  });

  it("sends an answer to a waiting transfer and keeps the transfer's later state when the reply comes last", async () => {
    const { store, emit, reply, states, calls } = await storeWith({
      'transfers.list': () => ({ transfers: [transfer('queued')], limits }),
      'transfers.resolveConflict': () => transfer('queued'),
    });
    const loading = store.getState().load();
    await reply();
    await loading;
    const answering = store.getState().resolveConflict('t1', 'keepBoth', true);
    emit('transfers.updated', transfer('running', 5));
    emit('transfers.updated', transfer('done', 10));
    await reply();
    await answering;
    expect(calls.at(-1)).toEqual({
      method: 'transfers.resolveConflict',
      input: { id: 't1', choice: 'keepBoth', applyToAll: true },
    });
    expect(states()).toEqual(['done']);
  });
});
