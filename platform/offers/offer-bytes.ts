// Removing offer files' stored bytes once nothing may read them any more (after the change's transaction committed).
import { and, eq, inArray } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { offerFiles } from '../db/schema';
import type { PlatformContext } from '../platform-context';

/**
 * Removes the stored bytes of each key that no pending or available file of the offer names (keys are per upload or
 * per imported file, never shared between offers; a removed file that was available keeps its bytes because this is
 * only called for files deleted, rejected or never offered). A failure is logged and left: a stray object costs
 * space only, while a missing one would break a delivery.
 */
export async function removeStoredFiles(
  ctx: Pick<PlatformContext, 'db' | 'offerStorage'>,
  log: FastifyBaseLogger,
  offerId: string,
  keys: readonly string[],
): Promise<void> {
  for (const key of new Set(keys)) {
    try {
      const [still] = await ctx.db
        .select({ id: offerFiles.id })
        .from(offerFiles)
        .where(
          and(
            eq(offerFiles.offerId, offerId),
            eq(offerFiles.storageKey, key),
            inArray(offerFiles.status, ['pending', 'available']),
          ),
        )
        .limit(1);
      if (still !== undefined) continue;
      await ctx.offerStorage.driver.remove(key);
    } catch (error) {
      log.warn({ err: error, storageKey: key }, 'could not remove an offer file from the offer storage');
    }
  }
}
