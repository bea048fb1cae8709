import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useRef } from 'react';
import { errorMessage } from '../../notify-error';
import { type QueryDomain, queryKeys } from '../../queries/query-keys';

/**
 * One record of a platform domain read through main, cached under the domain so its mutations refresh it. `forget`
 * is for after its deletion: the record is dropped from the cache and never read again (a read the platform would
 * refuse, and audit as a refusal, when the domain's lists reload).
 */
export function useOrgDetail<T>(domain: QueryDomain, id: string, fetch: () => Promise<T>) {
  const client = useQueryClient();
  const queryKey = [...queryKeys[domain], 'detail', id];
  // A ref, not state: the domain's invalidation right after the deletion must already see the record as gone.
  const gone = useRef(false);
  const result = useQuery({ queryKey, queryFn: fetch, enabled: () => !gone.current });
  const forget = useCallback(() => {
    gone.current = true;
    client.removeQueries({ queryKey: [...queryKeys[domain], 'detail', id], exact: true });
  }, [client, domain, id]);
  return { data: result.data ?? null, error: result.error ? errorMessage(result.error) : null, forget };
}
