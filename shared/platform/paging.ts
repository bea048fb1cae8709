import { z } from 'zod';

/** The paging part of every list query: `limit` items from `offset`, sorted by `sort` in `order`. */
export function pageQuery<const S extends readonly [string, ...string[]]>(sortFields: S, defaultSort: S[number]) {
  return z.object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).default(0),
    sort: z.enum(sortFields).default(defaultSort),
    order: z.enum(['asc', 'desc']).default('asc'),
  });
}

/** A page of a list: the items, the total matching the filters, and the window asked for. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
}

/** A page of a list. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly total: number;
  readonly limit: number;
  readonly offset: number;
}

/** An ISO 8601 timestamp with time zone, as every date crosses the API. */
export const Timestamp = z.iso.datetime({ offset: true });

/** An opaque identifier (organisation, user, invitation, key): copy it, never parse it. */
export const Id = z.string().min(1).max(64);
