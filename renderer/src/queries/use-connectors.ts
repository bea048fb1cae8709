import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { MethodInput, MethodOutput } from '../../../shared/ipc';
import type { ConnectorSummary } from '../../../shared/ipc/connectors-ipc';
import { invoke } from '../ipc-client';
import { queryKeys } from './query-keys';

/** A test's outcome as the screens show it. */
export type ConnectorTestResult = MethodOutput<'connectors.test'>;

/** My connectors as the renderer knows them: loaded from main, refreshed after each change. */
export type ConnectorsState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'ready'; readonly connectors: readonly ConnectorSummary[]; readonly kinds: readonly string[] };

async function fetchConnectors() {
  const [{ connectors }, { kinds }] = await Promise.all([
    invoke('connectors.list', {}),
    invoke('connectors.kinds', {}),
  ]);
  return { connectors, kinds };
}

/** My connectors and the kinds main offers, read on mount; a failed reload keeps the list already shown. */
export function useConnectors(): ConnectorsState {
  const query = useQuery({ queryKey: queryKeys.connectors, queryFn: fetchConnectors });
  if (query.data) return { status: 'ready', ...query.data };
  return query.isError ? { status: 'failed', error: query.error } : { status: 'loading' };
}

/** Tests a connector step by step in main (nothing to cache: each test is run afresh). */
function testConnector(id: string): Promise<ConnectorTestResult> {
  return invoke('connectors.test', { id });
}

/**
 * Changes to my connectors through main; each resolves once the list is reloaded, so the screen shows the change.
 * Secrets go to main in create/update and never come back.
 */
export function useConnectorActions() {
  const client = useQueryClient();
  const reload = () => client.invalidateQueries({ queryKey: queryKeys.connectors });
  const change = <V, R>(run: (variables: V) => Promise<R>) => ({
    mutationFn: async (variables: V) => {
      const result = await run(variables);
      await reload();
      return result;
    },
  });
  const create = useMutation(change((input: MethodInput<'connectors.create'>) => invoke('connectors.create', input)));
  const update = useMutation(change((input: MethodInput<'connectors.update'>) => invoke('connectors.update', input)));
  const remove = useMutation(change((id: string) => invoke('connectors.delete', { id }).then(() => undefined)));
  const trust = useMutation(
    change(({ id, fingerprint }: { readonly id: string; readonly fingerprint: string }) =>
      invoke('connectors.trustIdentity', { id, fingerprint }).then(() => undefined),
    ),
  );
  return {
    create: create.mutateAsync,
    update: update.mutateAsync,
    remove: remove.mutateAsync,
    trust: (id: string, fingerprint: string) => trust.mutateAsync({ id, fingerprint }),
    test: testConnector,
  };
}
