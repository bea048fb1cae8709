// Removing offer files' stored bytes once the rows that named them are gone (after their transaction committed).
import { and, eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { offerFiles } from '../db/schema';
import type { PlatformContext } from '../platform-context';

/**
 * Removes the stored bytes of each key of the offer's files that no row of the offer names any more (keys are per
 * upload or per imported file, never shared between offers). A failure is logged and left: a stray object costs
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
        .where(and(eq(offerFiles.offerId, offerId), eq(offerFiles.storageKey, key)))
        .limit(1);
      if (still !== undefined) continue;
      await ctx.offerStorage.driver.remove(key);
    } catch (error) {
      log.warn({ err: error, storageKey: key }, 'could not remove an offer file from the offer storage');
    }
  }
}
