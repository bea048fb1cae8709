import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { invoke } from '../../ipc-client';
import { orgConnectorErrorMessage } from './org-connector-error';

/** The query key prefix of organisation connectors: a change invalidates it, so lists and details reload together. */
export const ORG_CONNECTORS_KEY = ['orgConnectors'] as const;

/** One organisation connector as the platform shows the signed-in role (in detail, or brief for viewers). */
export function useOrgConnector(connectorId: string) {
  const result = useQuery({
    queryKey: [...ORG_CONNECTORS_KEY, 'detail', connectorId],
    queryFn: () => invoke('orgConnectors.get', { params: { connectorId } }),
  });
  return { data: result.data ?? null, error: result.error ? orgConnectorErrorMessage(result.error) : null };
}

/** The storage kinds this build knows (the generated forms exist for these). */
export function useConnectorKinds(): readonly string[] {
  const result = useQuery({
    queryKey: [...ORG_CONNECTORS_KEY, 'kinds'],
    queryFn: () => invoke('connectors.kinds', {}),
  });
  return result.data?.kinds ?? [];
}

/**
 * A change to organisation connectors through main: on success it runs `onDone` and reloads every connector query;
 * its error is the translated message with the platform's own detail.
 */
export function useOrgConnectorMutation<V, R>(run: (variables: V) => Promise<R>, onDone?: (result: R) => void) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: (result) => {
      onDone?.(result);
      void client.invalidateQueries({ queryKey: ORG_CONNECTORS_KEY });
    },
  });
  return {
    mutate: mutation.mutate,
    busy: mutation.isPending,
    error: mutation.error ? orgConnectorErrorMessage(mutation.error) : null,
  };
}
