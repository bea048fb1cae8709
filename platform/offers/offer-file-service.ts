// An offer's files as its provider manages them: list, remove, approve or reject pending ones.
import { and, asc, eq, ilike, inArray } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { ListOfferFilesQuery, OfferFilePage, OfferFilesChanged } from '../../shared/platform';
import { auditSuccess } from '../audit/audit-request';
import { countRows } from '../db/count-rows';
import type { Executor } from '../db/database';
import { containsPattern } from '../db/like-pattern';
import { paged } from '../db/paged';
import { offerFiles } from '../db/schema';
import { notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { removeStoredFiles } from './offer-bytes';
import { makeAvailable } from './offer-file-ledger';
import { wrongState, type OfferService } from './offer-service';
import { toOfferFile, type OfferFileRow } from './offer-views';

/**
 * The files of an offer. Removing one from a draft deletes it (nobody ever got it); from a published or archived
 * offer it is marked removed: out of every future delivery and entitlement, never taken back from where buyers got it.
 */
export class OfferFileService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly offers: OfferService,
  ) {}

  /** A page of the offer's files, filtered by status and path. */
  async list(orgId: string, offerId: string, query: ListOfferFilesQuery): Promise<OfferFilePage> {
    await this.offers.find(orgId, offerId);
    const { status, q, limit, offset, sort } = query;
    const where = and(
      eq(offerFiles.offerId, offerId),
      status !== undefined ? eq(offerFiles.status, status) : undefined,
      q ? ilike(offerFiles.path, containsPattern(q)) : undefined,
    );
    const column = { addedAt: offerFiles.addedAt, path: offerFiles.path, seq: offerFiles.seq }[sort];
    const rows = await paged(
      this.ctx.db.select().from(offerFiles).where(where).$dynamic(),
      column,
      offerFiles.id,
      query,
    );
    const total = await countRows(this.ctx.db, offerFiles, where);
    return { items: rows.map(toOfferFile), total, limit, offset };
  }

  /**
   * Removes a file: from a draft its row and stored bytes go; otherwise it becomes `removed` (kept: deliveries and
   * receipts name it), its bytes kept if it was ever available, gone if it was still pending. Removing a removed
   * file again changes nothing.
   */
  async remove(request: FastifyRequest, orgId: string, offerId: string, fileId: string): Promise<void> {
    const now = this.ctx.now();
    const deletedKey = await this.ctx.db.transaction(async (tx) => {
      // The offer's row lock orders this with approvals handing out feed positions.
      const offer = await this.offers.find(orgId, offerId, tx, true);
      const [file] = await tx
        .select()
        .from(offerFiles)
        .where(and(eq(offerFiles.offerId, offerId), eq(offerFiles.id, fileId)));
      if (file === undefined) throw notFound('File');
      let key: string | null = null;
      if (offer.status === 'draft') {
        await tx.delete(offerFiles).where(eq(offerFiles.id, fileId));
        key = file.storageKey;
      } else if (file.status !== 'removed') {
        await tx.update(offerFiles).set({ status: 'removed', removedAt: now }).where(eq(offerFiles.id, fileId));
        // Never offered: nobody may read it any more, as when it is rejected.
        if (file.status === 'pending') key = file.storageKey;
      }
      await auditSuccess(tx, request, now);
      return key;
    });
    if (deletedKey !== null) await removeStoredFiles(this.ctx, request.log, offerId, [deletedKey]);
  }

  /**
   * Makes pending files available (not in an archived offer): they get feed positions in the order they were added
   * (then by path), whatever order the request lists them in. Files no longer pending are left as they are; an ID
   * that is not a file of this offer is not_found and nothing changes.
   */
  async approve(request: FastifyRequest, orgId: string, offerId: string, ids: readonly string[]) {
    const now = this.ctx.now();
    const changed = await this.ctx.db.transaction(async (tx) => {
      const offer = await this.offers.find(orgId, offerId, tx, true);
      if (offer.status === 'archived') throw wrongState(offer.status, 'Files of an archived offer cannot be approved');
      const pending = (await this.filesOf(tx, offerId, ids)).filter((f) => f.status === 'pending');
      const made = await makeAvailable(
        tx,
        this.ctx,
        offerId,
        pending.map((f) => f.id),
      );
      await auditSuccess(tx, request, now);
      return made;
    });
    return this.changed(offerId, changed);
  }

  /**
   * Rejects pending files: they become `removed` without ever being offered, and their stored bytes go once that
   * committed. Files no longer pending are left as they are; an unknown ID is not_found and nothing changes.
   */
  async reject(request: FastifyRequest, orgId: string, offerId: string, ids: readonly string[]) {
    const now = this.ctx.now();
    const rejected = await this.ctx.db.transaction(async (tx) => {
      await this.offers.find(orgId, offerId, tx, true);
      const pending = (await this.filesOf(tx, offerId, ids)).filter((f) => f.status === 'pending');
      if (pending.length > 0) {
        await tx
          .update(offerFiles)
          .set({ status: 'removed', removedAt: now })
          .where(
            and(
              eq(offerFiles.offerId, offerId),
              eq(offerFiles.status, 'pending'),
              inArray(
                offerFiles.id,
                pending.map((f) => f.id),
              ),
            ),
          );
      }
      await auditSuccess(tx, request, now);
      return pending;
    });
    await removeStoredFiles(
      this.ctx,
      request.log,
      offerId,
      rejected.map((f) => f.storageKey),
    );
    return this.changed(
      offerId,
      rejected.map((f) => f.id),
    );
  }

  /** The offer's files with these IDs, sorted by time added then path; not_found when any is missing. */
  private async filesOf(db: Executor, offerId: string, ids: readonly string[]): Promise<OfferFileRow[]> {
    const unique = [...new Set(ids)];
    const rows = await db
      .select()
      .from(offerFiles)
      .where(and(eq(offerFiles.offerId, offerId), inArray(offerFiles.id, unique)))
      .orderBy(asc(offerFiles.addedAt), asc(offerFiles.path), asc(offerFiles.id));
    if (rows.length !== unique.length) throw notFound('File');
    return rows;
  }

  private async changed(offerId: string, ids: readonly string[]): Promise<OfferFilesChanged> {
    if (ids.length === 0) return { files: [] };
    const rows = await this.ctx.db
      .select()
      .from(offerFiles)
      .where(and(eq(offerFiles.offerId, offerId), inArray(offerFiles.id, [...ids])))
      .orderBy(asc(offerFiles.seq), asc(offerFiles.addedAt), asc(offerFiles.id));
    return { files: rows.map(toOfferFile) };
  }
}
