import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { Page } from '../../../../shared/platform';
import type { DataTableQuery } from '../../components/data-table';
import { errorMessage } from '../../notify-error';

/** The paging part of a platform list query, from the table's query (sort only on the API's sort fields). */
export function apiPaging<S extends string>(query: DataTableQuery, sortFields: readonly S[], fallback: S) {
  const sort =
    query.sort && (sortFields as readonly string[]).includes(query.sort.id) ? (query.sort.id as S) : fallback;
  return {
    limit: query.pageSize,
    offset: query.pageIndex * query.pageSize,
    sort,
    order: query.sort?.desc ? ('desc' as const) : ('asc' as const),
  };
}

const EMPTY: Page<never> = { items: [], total: 0, limit: 25, offset: 0 };

/**
 * A server-paged list on TanStack Query: the page for the table's current query, cached under `queryKey` (its
 * domain prefix first, then the filters) so a mutation invalidating the domain reloads it; errors say what to do.
 * `tableProps` spreads onto a server-mode DataTable.
 */
export function usePagedList<T>(queryKey: readonly unknown[], fetchPage: (query: DataTableQuery) => Promise<Page<T>>) {
  const [query, setQuery] = useState<DataTableQuery | null>(null);
  // New filters start at the first page here too (as the table does), so no page past their end is ever asked for.
  const filtersKey = JSON.stringify(queryKey);
  const [seenFilters, setSeenFilters] = useState(filtersKey);
  if (seenFilters !== filtersKey) {
    setSeenFilters(filtersKey);
    if (query !== null && query.pageIndex !== 0) setQuery({ ...query, pageIndex: 0 });
  }
  const result = useQuery({
    queryKey: [...queryKey, 'list', query],
    queryFn: () => fetchPage(query!),
    enabled: query !== null,
    placeholderData: keepPreviousData,
  });
  const page: Page<T> = result.data ?? EMPTY;
  const error = result.error ? errorMessage(result.error) : null;
  return {
    tableProps: {
      rows: page.items,
      mode: { kind: 'server' as const, total: page.total },
      onQueryChange: setQuery,
      // The list's filters (its key): when they change the table goes back to its first page.
      filters: queryKey,
      loading: query === null || result.isFetching,
      error,
    },
  };
}
