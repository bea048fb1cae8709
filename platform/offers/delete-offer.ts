// Deleting an offer: only one nobody ever acquired; its files' rows go with it, their bytes are the caller's to drop.
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { acquisitions, offerFiles, offers } from '../db/schema';
import { ApiError } from '../http/api-error';

/** How many acquisitions (of any state) an offer has had. */
export async function acquisitionCount(db: Executor, offerId: string): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(acquisitions)
    .where(eq(acquisitions.offerId, offerId));
  return row?.n ?? 0;
}

/**
 * Deletes an offer with its files' rows, scans and imports in the caller's transaction (the offer row locked first),
 * and returns the storage keys of its files so the caller can remove the bytes once the transaction committed.
 * Refuses with offer_acquired when anyone ever acquired it: buyers' entitlements name its files, archive it instead.
 * Returns null when the offer does not exist in the organisation.
 */
export async function deleteOfferRows(db: Executor, orgId: string, offerId: string): Promise<string[] | null> {
  const [offer] = await db
    .select({ title: offers.title })
    .from(offers)
    .where(and(eq(offers.orgId, orgId), eq(offers.id, offerId)))
    .for('update');
  if (offer === undefined) return null;
  const acquired = await acquisitionCount(db, offerId);
  if (acquired > 0) {
    throw new ApiError(
      'offer_acquired',
      `The offer "${offer.title}" (${offerId}) was acquired ${acquired} time(s), so it cannot be deleted: archive it ` +
        `instead (out of the catalog, buyers keep the files they are entitled to).`,
    );
  }
  const files = await db
    .select({ storageKey: offerFiles.storageKey })
    .from(offerFiles)
    .where(eq(offerFiles.offerId, offerId));
  // Files, source observations and imports go by cascade.
  await db.delete(offers).where(and(eq(offers.orgId, orgId), eq(offers.id, offerId)));
  return files.map((f) => f.storageKey);
}
