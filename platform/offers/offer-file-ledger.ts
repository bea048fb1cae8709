// The one place files join an offer and become available to its buyers: feed positions in commit order, jobs told.
import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { offerFiles, offers } from '../db/schema';
import { newId } from '../auth/secret-token';
import { defineQueue } from '../jobs/job-queue';
import type { JobsRuntime } from '../jobs/jobs-runtime';

/** How a file came into an offer. */
export type OfferFileOrigin = 'upload' | 'import' | 'agent';

/** A verified file to add to an offer: already stored under `storageKey` in the offer storage. */
export interface NewOfferFile {
  readonly offerId: string;
  readonly orgId: string;
  /** Normalised path in the offer (e.g. `2026/12/prices.csv`); its last segment is the file's name. */
  readonly path: string;
  readonly size: number;
  /** Lower-case hex SHA-256 of the stored bytes, checked by whoever stored them. */
  readonly sha256: string;
  readonly storageKey: string;
  readonly origin: OfferFileOrigin;
  /** Where it came from, for the history (upload ID, `connectorId:path`, agent name). */
  readonly originRef?: string;
  /** Staging: the file waits as pending for the provider's approval. */
  readonly pending: boolean;
}

/** Data of the job sent whenever files of an offer become available (deliveries follow it). */
export interface OfferFilesAvailable {
  readonly offerId: string;
}

/** Sent in the transaction that makes files available; its worker is idempotent, so extra jobs cost a look only. */
export const OFFER_FILES_AVAILABLE = defineQueue<OfferFilesAvailable>({
  name: 'offer-files-available',
  retryLimit: 5,
  retryDelay: 30,
  retryBackoff: true,
  policy: 'standard',
});

/** What the ledger needs: the clock and the jobs runtime (to tell deliveries). */
export interface OfferFileLedgerContext {
  now(): Date;
  readonly jobs: JobsRuntime;
}

/**
 * Adds a stored, verified file to an offer in the caller's transaction and returns its ID; unless pending, it becomes
 * available at once (see makeAvailable).
 */
export async function addOfferFile(tx: Executor, ctx: OfferFileLedgerContext, file: NewOfferFile): Promise<string> {
  const id = newId('ofl');
  const name = file.path.slice(file.path.lastIndexOf('/') + 1);
  await tx.insert(offerFiles).values({
    id,
    offerId: file.offerId,
    orgId: file.orgId,
    path: file.path,
    name,
    size: file.size,
    sha256: file.sha256,
    storageKey: file.storageKey,
    origin: file.origin,
    originRef: file.originRef ?? null,
    status: 'pending',
    addedAt: ctx.now(),
  });
  if (!file.pending) await makeAvailable(tx, ctx, file.offerId, [id]);
  return id;
}

/**
 * Makes pending files of an offer available (an upload, an approval): each gets the offer's next feed position, taken
 * under the offer row's lock so positions commit in order, and the deliveries job is queued in the same transaction.
 * Files not pending are left as they are. Returns the IDs it changed.
 */
export async function makeAvailable(
  tx: Executor,
  ctx: OfferFileLedgerContext,
  offerId: string,
  fileIds: readonly string[],
): Promise<readonly string[]> {
  if (fileIds.length === 0) return [];
  // The lock serialises every transaction that hands out positions of this offer until it commits.
  const [offer] = await tx.select({ fileSeq: offers.fileSeq }).from(offers).where(eq(offers.id, offerId)).for('update');
  if (offer === undefined) return [];
  let seq = offer.fileSeq;
  const changed: string[] = [];
  const at = ctx.now();
  for (const fileId of fileIds) {
    const updated = await tx
      .update(offerFiles)
      .set({ status: 'available', seq: seq + 1, availableAt: at })
      .where(and(eq(offerFiles.id, fileId), eq(offerFiles.offerId, offerId), eq(offerFiles.status, 'pending')))
      .returning({ id: offerFiles.id });
    if (updated.length === 0) continue;
    seq += 1;
    changed.push(fileId);
  }
  if (changed.length === 0) return [];
  await tx
    .update(offers)
    .set({ fileSeq: sql`${seq}` })
    .where(eq(offers.id, offerId));
  await ctx.jobs.send(OFFER_FILES_AVAILABLE, { offerId }, { executor: tx });
  return changed;
}
