import { create } from 'zustand';
import type { ConflictChoice, Transfer, TransferLimits } from '../../../shared/ipc/transfers-ipc';
import { invoke, subscribe } from '../ipc-client';

/** The queue as the renderer sees it: loaded from main, then kept current by its events. */
export type TransfersState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'ready'; readonly transfers: readonly Transfer[]; readonly limits: TransferLimits };

interface TransfersStore {
  readonly state: TransfersState;
  /** Loads the queue and follows main's `transfers.updated` and `transfers.limitsChanged` events. */
  load(): Promise<void>;
  pause(id: string): Promise<void>;
  resume(id: string): Promise<void>;
  cancel(id: string): Promise<void>;
  retry(id: string): Promise<void>;
  /** Answers a waiting transfer's question; `applyToAll` answers the same for the rest of its batch. */
  resolveConflict(id: string, choice: ConflictChoice, applyToAll: boolean): Promise<void>;
  clearFinished(): Promise<void>;
  setLimits(patch: Partial<TransferLimits>): Promise<void>;
}

/**
 * The transfers store: one per domain; every change goes through main and the store follows main's events only.
 * An action's reply may arrive after the events it caused (the reply to a retry after the 'done' event of a quick
 * copy), so replies never overwrite the queue: main emits every change as an event, in order.
 */
export const useTransfersStore = create<TransfersStore>((set, get) => {
  let unsubscribe: (() => void) | undefined;
  // Events that arrived while the list was loading (null when not loading).
  let early: Transfer[] | null = null;
  const upsert = (transfer: Transfer): void => {
    const { state } = get();
    if (state.status !== 'ready') return;
    const index = state.transfers.findIndex((t) => t.id === transfer.id);
    const transfers =
      index < 0 ? [...state.transfers, transfer] : state.transfers.map((t, i) => (i === index ? transfer : t));
    set({ state: { ...state, transfers } });
  };
  const setLimits = (limits: TransferLimits): void => {
    const { state } = get();
    if (state.status === 'ready') set({ state: { ...state, limits } });
  };
  return {
    state: { status: 'loading' },
    async load() {
      // Follow the events before asking for the list, so no change made in between is lost; the events that
      // arrive meanwhile are replayed over the list in their order (each carries the whole transfer).
      early = [];
      if (unsubscribe === undefined) {
        const offUpdate = subscribe('transfers.updated', (transfer) =>
          early === null ? upsert(transfer) : early.push(transfer),
        );
        const offLimits = subscribe('transfers.limitsChanged', setLimits);
        unsubscribe = () => {
          offUpdate();
          offLimits();
        };
      }
      try {
        const { transfers, limits } = await invoke('transfers.list', {});
        set({ state: { status: 'ready', transfers, limits } });
        for (const transfer of early) upsert(transfer);
      } catch (error) {
        set({ state: { status: 'failed', error } });
      } finally {
        early = null;
      }
    },
    async pause(id) {
      await invoke('transfers.pause', { id });
    },
    async resume(id) {
      await invoke('transfers.resume', { id });
    },
    async cancel(id) {
      await invoke('transfers.cancel', { id });
    },
    async retry(id) {
      await invoke('transfers.retry', { id });
    },
    async resolveConflict(id, choice, applyToAll) {
      await invoke('transfers.resolveConflict', { id, choice, applyToAll });
    },
    async clearFinished() {
      const { removed } = await invoke('transfers.clearFinished', {});
      const { state } = get();
      if (state.status !== 'ready') return;
      const gone = new Set(removed);
      set({ state: { ...state, transfers: state.transfers.filter((t) => !gone.has(t.id)) } });
    },
    async setLimits(patch) {
      setLimits(await invoke('transfers.setLimits', patch));
    },
  };
});
