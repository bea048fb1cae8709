// Offer and offer-file rows as the API shows them, with the counts an offer's page needs.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Offer, OfferFile } from '../../shared/platform';
import type { Executor } from '../db/database';
import { acquisitions, offerFiles, ownedResources, type offers } from '../db/schema';
import { iso } from '../db/to-api';
import type { Owner } from '../resources/owned-resources';
import { toSubscriptionSettings } from './offer-settings';

/** An offer row. */
export type OfferRow = typeof offers.$inferSelect;

/** An offer file row. */
export type OfferFileRow = typeof offerFiles.$inferSelect;

interface OfferCounts {
  fileCount: number;
  totalSize: number;
  pendingFileCount: number;
  subscriberCount: number;
  owner: Owner | null;
}

/** The files, sizes, active acquisitions and owner of each offer, in three queries whatever the count. */
async function countsOf(db: Executor, offerIds: readonly string[]): Promise<Map<string, OfferCounts>> {
  const counts = new Map<string, OfferCounts>();
  if (offerIds.length === 0) return counts;
  for (const id of offerIds) {
    counts.set(id, { fileCount: 0, totalSize: 0, pendingFileCount: 0, subscriberCount: 0, owner: null });
  }
  const files = await db
    .select({
      offerId: offerFiles.offerId,
      available: sql<number>`count(*) filter (where ${offerFiles.status} = 'available')::int`,
      // float8: bigint sums come back as strings from node-postgres; sizes stay far below 2^53.
      size: sql<number>`coalesce(sum(${offerFiles.size}) filter (where ${offerFiles.status} = 'available'), 0)::float8`,
      pending: sql<number>`count(*) filter (where ${offerFiles.status} = 'pending')::int`,
    })
    .from(offerFiles)
    .where(inArray(offerFiles.offerId, [...offerIds]))
    .groupBy(offerFiles.offerId);
  for (const row of files) {
    const c = counts.get(row.offerId)!;
    c.fileCount = Number(row.available);
    c.totalSize = Number(row.size);
    c.pendingFileCount = Number(row.pending);
  }
  const active = await db
    .select({ offerId: acquisitions.offerId, n: sql<number>`count(*)::int` })
    .from(acquisitions)
    .where(and(inArray(acquisitions.offerId, [...offerIds]), eq(acquisitions.status, 'active')))
    .groupBy(acquisitions.offerId);
  for (const row of active) counts.get(row.offerId)!.subscriberCount = Number(row.n);
  const owners = await db
    .select({ id: ownedResources.resourceId, type: ownedResources.ownerType, ownerId: ownedResources.ownerId })
    .from(ownedResources)
    .where(and(eq(ownedResources.kind, 'offer'), inArray(ownedResources.resourceId, [...offerIds])));
  for (const row of owners) counts.get(row.id)!.owner = { type: row.type, id: row.ownerId };
  return counts;
}

function toOffer(row: OfferRow, counts: OfferCounts): Offer {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    kind: row.kind,
    status: row.status,
    maxFileSize: row.maxFileSize,
    subscription: toSubscriptionSettings(row),
    fileCount: counts.fileCount,
    totalSize: counts.totalSize,
    pendingFileCount: counts.pendingFileCount,
    lastScanAt: iso(row.lastScanAt),
    nextScanAt: iso(row.nextScanAt),
    subscriberCount: counts.subscriberCount,
    owner: counts.owner,
    creatorId: row.creatorId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    publishedAt: iso(row.publishedAt),
    archivedAt: iso(row.archivedAt),
  };
}

/** Offer rows as the API shows them, in the same order. */
export async function toOffers(db: Executor, rows: readonly OfferRow[]): Promise<Offer[]> {
  const counts = await countsOf(
    db,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toOffer(row, counts.get(row.id)!));
}

/** An offer file row as the API shows it (never its storage key). */
export function toOfferFile(row: OfferFileRow): OfferFile {
  return {
    id: row.id,
    path: row.path,
    name: row.name,
    size: row.size,
    sha256: row.sha256,
    origin: row.origin,
    originRef: row.originRef,
    status: row.status,
    seq: row.seq,
    addedAt: row.addedAt.toISOString(),
    availableAt: iso(row.availableAt),
    removedAt: iso(row.removedAt),
  };
}
