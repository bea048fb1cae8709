import { z } from 'zod';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';
import { OrgParamsSchema } from './organisations-api';

// Local names: the offers domain exports its own, and index.ts re-exports every domain.
const OFFER_KINDS = ['one-shot', 'subscription'] as const;
const DELIVERY_FREQUENCIES = ['as-added', 'hourly', 'daily', 'weekly', 'monthly'] as const;
const HISTORY_POLICIES = ['all', 'last', 'none'] as const;

/** An offer as another organisation's members see it in the catalog. */
export const CatalogOfferSchema = z.object({
  id: Id,
  provider: z.object({ id: Id, name: z.string() }),
  kind: z.enum(OFFER_KINDS),
  title: z.string(),
  description: z.string(),
  /** Files available now, and their total size in bytes. */
  fileCount: z.number().int(),
  totalSize: z.number().int(),
  deliverySchedule: z.object({ frequency: z.enum(DELIVERY_FREQUENCIES), firstDeliveryAt: Timestamp.nullable() }),
  /** Past files a new subscriber gets (`count` for `last`). */
  history: z.object({ policy: z.enum(HISTORY_POLICIES), count: z.number().int().nullable() }),
  publishedAt: Timestamp.nullable(),
  /** The caller's organisation's active acquisition of this offer, if it holds one. */
  activeAcquisitionId: Id.nullable(),
});
/** An offer as the catalog shows it. */
export type CatalogOffer = z.infer<typeof CatalogOfferSchema>;

/** GET catalog query: paging, sort, a search in title and description, a kind filter. */
export const ListCatalogQuerySchema = pageQuery(['title', 'publishedAt'], 'title').extend({
  q: z.string().max(200).optional(),
  kind: z.enum(OFFER_KINDS).optional(),
});
/** GET catalog query. */
export type ListCatalogQuery = z.infer<typeof ListCatalogQuerySchema>;

/** A page of the catalog. */
export const CatalogPageSchema = pageOf(CatalogOfferSchema);
/** A page of the catalog. */
export type CatalogPage = z.infer<typeof CatalogPageSchema>;

/** Path parameters of one catalog offer. */
export const CatalogOfferParamsSchema = z.object({ orgId: Id, offerId: Id });

/** The catalog routes: published offers of the other organisations of this platform. */
export const CATALOG_ROUTES = routesOf('catalog', {
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/catalog',
    status: 200,
    params: OrgParamsSchema,
    query: ListCatalogQuerySchema,
    response: CatalogPageSchema,
    access: { kind: 'org', action: 'catalog.list', minRole: 'viewer' },
    summary: "Published offers of the platform's other organisations (search in title and description, kind)",
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/catalog/:offerId',
    status: 200,
    params: CatalogOfferParamsSchema,
    response: CatalogOfferSchema,
    access: { kind: 'org', action: 'catalog.read', minRole: 'viewer' },
    summary: "One published offer of another organisation (not_found for drafts, archived and the caller's own)",
  },
});
