import { create } from 'zustand';
import type { MethodInput, MethodOutput } from '../../../shared/ipc';
import type { ConnectorSummary } from '../../../shared/ipc/connectors-ipc';
import { invoke } from '../ipc-client';

/** A test's outcome as the screens show it. */
export type ConnectorTestResult = MethodOutput<'connectors.test'>;

/** My connectors as the renderer knows them: loaded from main, refreshed after each change. */
export type ConnectorsState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'ready'; readonly connectors: readonly ConnectorSummary[]; readonly kinds: readonly string[] };

interface ConnectorsStore {
  readonly state: ConnectorsState;
  load(): Promise<void>;
  create(input: MethodInput<'connectors.create'>): Promise<ConnectorSummary>;
  update(input: MethodInput<'connectors.update'>): Promise<ConnectorSummary>;
  remove(id: string): Promise<void>;
  test(id: string): Promise<ConnectorTestResult>;
  trust(id: string, fingerprint: string): Promise<void>;
}

/** The connectors store (one per domain). Secrets go to main in create/update and never come back. */
export const useConnectorsStore = create<ConnectorsStore>((set, get) => {
  const reload = async (): Promise<void> => {
    const [{ connectors }, { kinds }] = await Promise.all([
      invoke('connectors.list', {}),
      invoke('connectors.kinds', {}),
    ]);
    set({ state: { status: 'ready', connectors, kinds } });
  };
  return {
    state: { status: 'loading' },
    async load() {
      try {
        await reload();
      } catch (error) {
        if (get().state.status !== 'ready') set({ state: { status: 'failed', error } });
      }
    },
    async create(input) {
      const created = await invoke('connectors.create', input);
      await reload();
      return created;
    },
    async update(input) {
      const updated = await invoke('connectors.update', input);
      await reload();
      return updated;
    },
    async remove(id) {
      await invoke('connectors.delete', { id });
      await reload();
    },
    test: (id) => invoke('connectors.test', { id }),
    async trust(id, fingerprint) {
      await invoke('connectors.trustIdentity', { id, fingerprint });
      await reload();
    },
  };
});
