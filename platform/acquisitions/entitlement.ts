// The entitlement rule (issue12.md), in one place: which offer files an acquisition gives, and its state now.
import { and, asc, eq, gt, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import type { AcquisitionStatus } from '../../shared/platform';
import type { Executor } from '../db/database';
import { acquisitions, offerFiles, offers } from '../db/schema';

/** What of an acquisition decides its files: the offer, the feed window and the period's end. */
export interface Entitlement {
  readonly offerId: string;
  readonly historyAfterSeq: number;
  readonly untilSeq: number | null;
  readonly periodEnd: Date | null;
}

/** Offer files an acquisition with these values is entitled to (available, in its feed window, before its end). */
export function entitledFilesWhere(e: Entitlement): SQL {
  return and(
    eq(offerFiles.offerId, e.offerId),
    eq(offerFiles.status, 'available'),
    gt(offerFiles.seq, e.historyAfterSeq),
    e.untilSeq === null ? undefined : lte(offerFiles.seq, e.untilSeq),
    e.periodEnd === null ? undefined : lt(offerFiles.availableAt, e.periodEnd),
  )!;
}

/** The same rule against the `acquisitions` row of the outer query, for counts beside a list. */
export const entitledFilesOfRow: SQL = and(
  eq(offerFiles.offerId, acquisitions.offerId),
  eq(offerFiles.status, 'available'),
  gt(offerFiles.seq, acquisitions.historyAfterSeq),
  or(isNull(acquisitions.untilSeq), lte(offerFiles.seq, acquisitions.untilSeq)),
  or(isNull(acquisitions.periodEnd), lt(offerFiles.availableAt, acquisitions.periodEnd)),
)!;

/** How many files the outer query's acquisition is entitled to. */
export const entitledCount = sql<number>`(select count(*)::int from ${offerFiles} where ${entitledFilesOfRow})`.mapWith(
  Number,
);

/** An acquisition's state at `now`: an active one whose period is over shows as ended. */
export function statusAt(
  row: { readonly status: AcquisitionStatus; readonly periodEnd: Date | null },
  now: Date,
): AcquisitionStatus {
  if (row.status === 'active' && row.periodEnd !== null && row.periodEnd <= now) return 'ended';
  return row.status;
}

/** Acquisitions in `status` at `now` (the stored state, with active ones past their period as ended). */
export function statusWhere(status: AcquisitionStatus, now: Date): SQL {
  const over = and(eq(acquisitions.status, 'active'), lte(acquisitions.periodEnd, now))!;
  if (status === 'active') {
    return and(eq(acquisitions.status, 'active'), or(isNull(acquisitions.periodEnd), gt(acquisitions.periodEnd, now)))!;
  }
  if (status === 'ended') return or(eq(acquisitions.status, 'ended'), over)!;
  return eq(acquisitions.status, 'cancelled');
}

/**
 * Where the feed starts for a new acquisition of `offer` (its row locked by the caller): a one-shot gets all its files,
 * a subscription what its history policy says (all, the last N available, none).
 */
export async function historyAfterSeq(
  tx: Executor,
  offer: {
    readonly id: string;
    readonly kind: 'one-shot' | 'subscription';
    readonly fileSeq: number;
    readonly historyPolicy: 'all' | 'last' | 'none';
    readonly historyCount: number | null;
  },
): Promise<number> {
  if (offer.kind === 'one-shot' || offer.historyPolicy === 'all') return 0;
  if (offer.historyPolicy === 'none') return offer.fileSeq;
  // The (N+1)-th latest available file's position: exactly the N latest available files are above it.
  const count = Math.max(0, offer.historyCount ?? 0);
  const [row] = await tx
    .select({ seq: offerFiles.seq })
    .from(offerFiles)
    .where(and(eq(offerFiles.offerId, offer.id), eq(offerFiles.status, 'available')))
    .orderBy(sql`${offerFiles.seq} desc`)
    .limit(1)
    .offset(count);
  return row?.seq ?? 0;
}

/** The offer row, locked until the caller's transaction ends (makeAvailable takes the same lock). */
export async function lockOffer(tx: Executor, offerId: string) {
  const [row] = await tx.select().from(offers).where(eq(offers.id, offerId)).for('update');
  return row;
}

/** One page of entitled files after `after` in feed order (one more than `limit`, to tell whether more follow). */
export function entitledPage(db: Executor, e: Entitlement, after: number, limit: number) {
  return db
    .select()
    .from(offerFiles)
    .where(and(entitledFilesWhere(e), gt(offerFiles.seq, after)))
    .orderBy(asc(offerFiles.seq))
    .limit(limit + 1);
}
