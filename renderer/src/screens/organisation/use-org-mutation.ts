import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../../notify-error';
import { type QueryDomain, queryKeys } from '../../queries/query-keys';

/**
 * A platform change through main on TanStack Query: on success it invalidates the given domains (their lists and
 * details reload) and then runs `onDone`; its error is the translated message that says what to do.
 */
export function useOrgMutation<V, R>(
  run: (variables: V) => Promise<R>,
  domains: readonly QueryDomain[],
  onDone?: (result: R, variables: V) => void,
) {
  const client = useQueryClient();
  const mutation = useMutation({
    mutationFn: run,
    onSuccess: (result, variables) => {
      onDone?.(result, variables);
      for (const domain of domains) void client.invalidateQueries({ queryKey: queryKeys[domain] });
    },
  });
  return {
    mutate: mutation.mutate,
    busy: mutation.isPending,
    error: mutation.error ? errorMessage(mutation.error) : null,
    reset: mutation.reset,
  };
}
