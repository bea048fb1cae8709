import { useCallback, useRef, useState } from 'react';
import type { Page } from '../../../../shared/platform';
import type { DataTableQuery } from '../../components/data-table';
import { errorMessage } from '../../notify-error';
import { usePlatformStore } from '../../stores/platform-store';
import { IpcError } from '../../ipc-client';

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

/** A server-paged list: the page for the table's current query, reloaded on demand; errors say what to do. */
export function usePagedList<T>(fetchPage: (query: DataTableQuery) => Promise<Page<T>>) {
  const [page, setPage] = useState<Page<T>>({ items: [], total: 0, limit: 25, offset: 0 });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const last = useRef<DataTableQuery | null>(null);
  const ticket = useRef(0);

  const load = useCallback(
    (query: DataTableQuery) => {
      last.current = query;
      const mine = ++ticket.current;
      setLoading(true);
      fetchPage(query)
        .then((next) => {
          if (mine !== ticket.current) return;
          setPage(next);
          setError(null);
        })
        .catch((e: unknown) => {
          if (mine !== ticket.current) return;
          setError(errorMessage(e));
          // A session the platform no longer accepts: the app shows the sign-in screen.
          if (e instanceof IpcError && e.code === 'NotSignedIn') void usePlatformStore.getState().load();
        })
        .finally(() => mine === ticket.current && setLoading(false));
    },
    [fetchPage],
  );
  const reload = useCallback(() => {
    if (last.current) load(last.current);
  }, [load]);
  return { page, loading, error, onQueryChange: load, reload };
}
