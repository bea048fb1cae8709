// The catalog: what other organisations of this platform publish, as a buyer's members browse it.
import { and, eq, ilike, ne, or, sql, type SQL } from 'drizzle-orm';
import type { CatalogOffer, CatalogPage, ListCatalogQuery } from '../../shared/platform';
import type { Executor } from '../db/database';
import { containsPattern } from '../db/like-pattern';
import { paged } from '../db/paged';
import { acquisitions, offerFiles, offers, organisations } from '../db/schema';
import { notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { statusWhere } from '../acquisitions/entitlement';

/** Offers another organisation may see: published, and not its own. */
export function listedTo(buyerOrgId: string): SQL {
  return and(eq(offers.status, 'published'), ne(offers.orgId, buyerOrgId))!;
}

// Columns of a catalog entry: the offer, its provider's name, its available files, the buyer's active acquisition.
function entryColumns(buyerOrgId: string, now: Date) {
  const available = and(eq(offerFiles.offerId, offers.id), eq(offerFiles.status, 'available'));
  return {
    offer: offers,
    providerName: organisations.name,
    fileCount: sql<number>`(select count(*)::int from ${offerFiles} where ${available})`.mapWith(Number),
    totalSize:
      sql<number>`(select coalesce(sum(${offerFiles.size}), 0)::float8 from ${offerFiles} where ${available})`.mapWith(
        Number,
      ),
    activeAcquisitionId: sql<string | null>`(select ${acquisitions.id} from ${acquisitions} where ${and(
      eq(acquisitions.offerId, offers.id),
      eq(acquisitions.buyerOrgId, buyerOrgId),
      statusWhere('active', now),
    )} limit 1)`,
  };
}

type EntryRow = {
  readonly offer: typeof offers.$inferSelect;
  readonly providerName: string;
  readonly fileCount: number;
  readonly totalSize: number;
  readonly activeAcquisitionId: string | null;
};

function toCatalogOffer(row: EntryRow): CatalogOffer {
  const { offer } = row;
  return {
    id: offer.id,
    provider: { id: offer.orgId, name: row.providerName },
    kind: offer.kind,
    title: offer.title,
    description: offer.description,
    fileCount: row.fileCount,
    totalSize: row.totalSize,
    deliverySchedule: {
      frequency: offer.deliveryFrequency,
      firstDeliveryAt: offer.firstDeliveryAt?.toISOString() ?? null,
    },
    history: { policy: offer.historyPolicy, count: offer.historyPolicy === 'last' ? (offer.historyCount ?? 0) : null },
    publishedAt: offer.publishedAt?.toISOString() ?? null,
    activeAcquisitionId: row.activeAcquisitionId,
  };
}

/** The catalog of one buyer organisation: other organisations' published offers. Any member reads it. */
export class CatalogService {
  constructor(private readonly ctx: PlatformContext) {}

  /** A page of the catalog, searched in titles and descriptions, filtered by kind. */
  async list(buyerOrgId: string, query: ListCatalogQuery): Promise<CatalogPage> {
    const { q, kind, limit, offset, sort } = query;
    const where = and(
      listedTo(buyerOrgId),
      q ? or(ilike(offers.title, containsPattern(q)), ilike(offers.description, containsPattern(q))) : undefined,
      kind !== undefined ? eq(offers.kind, kind) : undefined,
    );
    const column = { title: offers.title, publishedAt: offers.publishedAt }[sort];
    const rows = await paged(this.select(this.ctx.db, buyerOrgId).where(where).$dynamic(), column, offers.id, query);
    const [count] = await this.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(offers)
      .where(where);
    return { items: rows.map(toCatalogOffer), total: count?.n ?? 0, limit, offset };
  }

  /** One catalog offer; not_found for drafts, archived offers and the buyer's own. */
  async read(buyerOrgId: string, offerId: string): Promise<CatalogOffer> {
    const [row] = await this.select(this.ctx.db, buyerOrgId).where(and(listedTo(buyerOrgId), eq(offers.id, offerId)));
    if (row === undefined) throw notFound('Offer');
    return toCatalogOffer(row);
  }

  private select(db: Executor, buyerOrgId: string) {
    return db
      .select(entryColumns(buyerOrgId, this.ctx.now()))
      .from(offers)
      .innerJoin(organisations, eq(organisations.id, offers.orgId));
  }
}
