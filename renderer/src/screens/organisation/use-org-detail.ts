import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../../notify-error';
import { type QueryDomain, queryKeys } from '../../queries/query-keys';

/** One record of a platform domain read through main, cached under the domain so its mutations refresh it. */
export function useOrgDetail<T>(domain: QueryDomain, id: string, fetch: () => Promise<T>) {
  const result = useQuery({ queryKey: [...queryKeys[domain], 'detail', id], queryFn: fetch });
  return { data: result.data ?? null, error: result.error ? errorMessage(result.error) : null };
}
