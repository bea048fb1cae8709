import { create } from 'zustand';
import type { Transfer, TransferLimits } from '../../../shared/ipc/transfers-ipc';
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
  clearFinished(): Promise<void>;
  setLimits(patch: Partial<TransferLimits>): Promise<void>;
}

/** The transfers store: one per domain; every change goes through main, the store follows its answers. */
export const useTransfersStore = create<TransfersStore>((set, get) => {
  let unsubscribe: (() => void) | undefined;
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
      try {
        const { transfers, limits } = await invoke('transfers.list', {});
        set({ state: { status: 'ready', transfers, limits } });
        if (unsubscribe === undefined) {
          const offUpdate = subscribe('transfers.updated', upsert);
          const offLimits = subscribe('transfers.limitsChanged', setLimits);
          unsubscribe = () => {
            offUpdate();
            offLimits();
          };
        }
      } catch (error) {
        set({ state: { status: 'failed', error } });
      }
    },
    async pause(id) {
      upsert(await invoke('transfers.pause', { id }));
    },
    async resume(id) {
      upsert(await invoke('transfers.resume', { id }));
    },
    async cancel(id) {
      upsert(await invoke('transfers.cancel', { id }));
    },
    async retry(id) {
      upsert(await invoke('transfers.retry', { id }));
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
