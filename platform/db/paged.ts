import { asc, desc, type AnyColumn } from 'drizzle-orm';
import type { PgSelect } from 'drizzle-orm/pg-core';

/** A page request: sort direction, size and start. */
export interface PageWindow {
  readonly order: 'asc' | 'desc';
  readonly limit: number;
  readonly offset: number;
}

/** Sorts a dynamic select by `column` (ties by `id`, so pages never overlap) and cuts out the requested page. */
export function paged<Q extends PgSelect>(query: Q, column: AnyColumn, id: AnyColumn, page: PageWindow): Q {
  return query
    .orderBy((page.order === 'desc' ? desc : asc)(column), asc(id))
    .limit(page.limit)
    .offset(page.offset);
}
