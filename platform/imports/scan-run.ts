// One scan of a subscription's source: list it page by page, record each file's look, take the stable ones.
import { and, count, desc, eq, inArray, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import { describeError, isConnectorError } from '../../connectors/connector-error';
import type { Driver, Entry } from '../../connectors/driver';
import { normalizePath } from '../../connectors/path-safety';
import { MAX_IMPORT_FILES } from '../../shared/platform/imports-api';
import { auditSystemEvent } from '../audit/system-audit';
import { newId } from '../auth/secret-token';
import { openOrgConnector } from '../connectors/open-org-connector';
import type { Transaction } from '../db/database';
import { memberships, offerImports, offers, sourceObservations } from '../db/schema';
import { ApiError } from '../http/api-error';
import { adminsOf } from '../notifications/notification-recipients';
import { notify } from '../notifications/notify';
import type { PlatformContext } from '../platform-context';
import { SCAN_QUEUE, SCAN_WORK_MS, type ScanJob } from './import-queues';
import { IMPORT_AUDIT_ACTION } from './import-run';
import { etagOf, lookAt, observationsOf } from './observations';
import { savedCursor, saveCursor, scanSourceItems, sourceScope } from './scan-source-items';
import { relativeTo, WalkBoundError, type WalkItem } from './source-walk';
import { takeFile, type TakeOutcome } from './take-file';

/** A scan marked running longer ago than this was interrupted (the job's expiry): another scan may start. */
export const SCAN_LEASE_MS = 30 * 60_000;
/** Failed scans in a row after which the offer's creator and the organisation's admins are told. */
export const FAILURES_BEFORE_ALERT = 3;
/** Files one scan takes at most; the rest stay waiting, stable, for the next scan. */
export const MAX_FILES_PER_SCAN = MAX_IMPORT_FILES;
/** Skipped files one scan records by path; past it they are counted in a last entry (bounded memory and rows). */
export const MAX_SKIPS_RECORDED = 1000;
// Files looked up in source_observations at once.
const BATCH = 200;

/** The offer as a scan reads it. */
export type ScanOffer = Pick<
  typeof offers.$inferSelect,
  | 'id'
  | 'orgId'
  | 'title'
  | 'kind'
  | 'status'
  | 'maxFileSize'
  | 'sourceType'
  | 'sourceConnectorId'
  | 'sourceFolder'
  | 'scanIntervalMinutes'
  | 'creatorId'
>;

/** Whether an offer has a connector source to scan (a subscription, not archived). */
export function hasConnectorSource(offer: ScanOffer): offer is ScanOffer & { sourceConnectorId: string } {
  return (
    offer.kind === 'subscription' &&
    offer.sourceType === 'connector' &&
    offer.sourceConnectorId !== null &&
    offer.status !== 'archived'
  );
}

/** The columns a scan reads of its offer. */
export const SCAN_OFFER_COLUMNS = {
  id: offers.id,
  orgId: offers.orgId,
  title: offers.title,
  kind: offers.kind,
  status: offers.status,
  maxFileSize: offers.maxFileSize,
  sourceType: offers.sourceType,
  sourceConnectorId: offers.sourceConnectorId,
  sourceFolder: offers.sourceFolder,
  scanIntervalMinutes: offers.scanIntervalMinutes,
  creatorId: offers.creatorId,
};

/** Why a scan stopped without a storage error (the source looks empty): nothing removed, tried again next time. */
class ScanStopped extends Error {
  override readonly name = 'ScanStopped';
}

/** What a scan did. */
export interface ScanOutcome {
  readonly added: number;
  readonly skipped: ReadonlyArray<{ path: string; reason: string }>;
  /** Files skipped, also those past MAX_SKIPS_RECORDED. */
  readonly skippedCount: number;
  readonly error: string | null;
}

/** How a scan job ended: scanned (succeeded or failed, recorded), busy (another scan runs), or nothing to scan. */
export type ScanResult = 'scanned' | 'busy' | 'nothing';

const minutes = (at: Date, n: number) => new Date(at.getTime() + n * 60_000);

/**
 * Runs one scan of the offer `job` names. Claims the scan under the offer row's lock: another scan of the offer
 * running (within SCAN_LEASE_MS) makes this one `busy` (a manual scan's job is sent again a minute later); one
 * older is recorded as interrupted. Then scans (see scanSource), records the outcome, moves last/next scan times,
 * audits what it did as the platform, and tells the creator and admins once FAILURES_BEFORE_ALERT scans in a row
 * failed.
 */
export async function runScan(ctx: PlatformContext, job: ScanJob): Promise<ScanResult> {
  const claim = await ctx.db.transaction(async (tx) => {
    const at = ctx.now();
    const [offer] = await tx
      .select(SCAN_OFFER_COLUMNS)
      .from(offers)
      .where(and(eq(offers.id, job.offerId), eq(offers.orgId, job.orgId)))
      .for('update');
    const scannable =
      offer !== undefined && hasConnectorSource(offer) && (job.importId !== undefined || offer.status === 'published');
    if (!scannable) {
      if (job.importId !== undefined) {
        await tx
          .update(offerImports)
          .set({ status: 'failed', error: 'This offer has no connector source to scan.', finishedAt: at })
          .where(and(eq(offerImports.id, job.importId), eq(offerImports.status, 'queued')));
      }
      return null;
    }
    const running = await tx
      .select({ id: offerImports.id, startedAt: offerImports.startedAt })
      .from(offerImports)
      .where(
        and(eq(offerImports.offerId, offer.id), eq(offerImports.kind, 'scan'), eq(offerImports.status, 'running')),
      );
    const live = (startedAt: Date | null) => startedAt !== null && at.getTime() - startedAt.getTime() < SCAN_LEASE_MS;
    if (running.some((row) => live(row.startedAt))) return 'busy' as const;
    if (running.length > 0) {
      await tx
        .update(offerImports)
        .set({
          status: 'failed',
          error: 'Interrupted: the platform stopped during this scan; the next scan continues.',
          finishedAt: at,
        })
        .where(
          inArray(
            offerImports.id,
            running.map((row) => row.id),
          ),
        );
    }
    let importId = job.importId;
    if (importId !== undefined) {
      const claimed = await tx
        .update(offerImports)
        .set({ status: 'running', startedAt: at })
        .where(and(eq(offerImports.id, importId), eq(offerImports.status, 'queued')))
        .returning({ id: offerImports.id });
      if (claimed.length === 0) return null;
    } else {
      importId = newId('imp');
      await tx.insert(offerImports).values({
        id: importId,
        offerId: offer.id,
        orgId: offer.orgId,
        kind: 'scan',
        trigger: 'schedule',
        status: 'running',
        createdAt: at,
        startedAt: at,
      });
    }
    return { offer, importId };
  });
  if (claim === null) return 'nothing';
  if (claim === 'busy') {
    if (job.importId !== undefined) {
      await ctx.jobs.send(SCAN_QUEUE, job, { singletonKey: job.offerId, startAfter: minutes(new Date(), 1) });
    }
    return 'busy';
  }
  const { offer, importId } = claim;
  const outcome = await scanSource(ctx, offer, importId);
  await ctx.db.transaction(async (tx) => {
    const at = ctx.now();
    await tx
      .update(offerImports)
      .set({
        status: outcome.error === null ? 'succeeded' : 'failed',
        skipped: [...outcome.skipped],
        error: outcome.error,
        finishedAt: at,
      })
      .where(eq(offerImports.id, importId));
    await tx
      .update(offers)
      .set({ lastScanAt: at, nextScanAt: minutes(at, offer.scanIntervalMinutes) })
      .where(eq(offers.id, offer.id));
    if (outcome.added > 0 || outcome.skippedCount > 0 || outcome.error !== null) {
      await auditSystemEvent(tx, at, {
        orgId: offer.orgId,
        action: IMPORT_AUDIT_ACTION,
        target: { type: 'offer', id: offer.id },
        reason:
          `scan ${importId}: ${outcome.added} added, ${outcome.skippedCount} skipped` +
          (outcome.error === null ? '' : `; failed: ${outcome.error}`),
      });
    }
    if (outcome.error !== null) await alertIfFailing(tx, offer, outcome.error, at);
  });
  return 'scanned';
}

/**
 * Lists the source folder recursively page by page (memory: a batch of files and the folders still to list) and
 * for each file: first look -> recorded waiting; changed since the last look -> recorded again, waiting; unchanged
 * since a waiting look (stable) -> copied in verified and added (a changed file under a path already taken
 * becomes a new offer file, the earlier version stays); taken or skipped before and unchanged -> left alone.
 * Unsafe names are skipped once. Nothing is ever removed: a source that is unreachable, missing, or lists no file
 * although it held some before stops the scan as failed with the reason. A source with a change feed (Drive) is
 * walked once; later scans look only at what changed since the saved cursor and at the waiting files
 * (scan-source-items.ts); an expired cursor walks again.
 */
export async function scanSource(
  ctx: PlatformContext,
  offer: ScanOffer & { sourceConnectorId: string },
  importId: string,
): Promise<ScanOutcome> {
  let added = 0;
  const skipped: Array<{ path: string; reason: string }> = [];
  let unlisted = 0;
  const skip = (path: string, reason: string) => {
    if (skipped.length < MAX_SKIPS_RECORDED) skipped.push({ path, reason });
    else unlisted++;
  };
  const result = (error: string | null): ScanOutcome => ({
    added,
    skipped:
      unlisted === 0 ? skipped : [...skipped, { path: '', reason: `${unlisted} more files skipped (not listed)` }],
    skippedCount: skipped.length + unlisted,
    error,
  });
  let taken = 0;
  let seen = 0;
  const deadline = Date.now() + SCAN_WORK_MS;
  const folder = normalizePath(offer.sourceFolder ?? '');
  let driver: Driver | undefined;

  const observe = async (tx: Transaction, path: string, entry: Entry | null, reason: string | null) => {
    const at = ctx.now();
    await tx
      .insert(sourceObservations)
      .values({
        offerId: offer.id,
        path,
        size: entry?.size ?? 0,
        mtimeMs: entry?.mtimeMs ?? null,
        etag: entry === null ? null : etagOf(entry),
        stableLooks: 0,
        firstSeenAt: at,
        lastSeenAt: at,
        outcome: reason === null ? 'waiting' : 'skipped',
        reason,
      })
      .onConflictDoUpdate({
        target: [sourceObservations.offerId, sourceObservations.path],
        set: {
          size: entry?.size ?? 0,
          mtimeMs: entry?.mtimeMs ?? null,
          etag: entry === null ? null : etagOf(entry),
          stableLooks: 0,
          lastSeenAt: at,
          outcome: reason === null ? 'waiting' : 'skipped',
          reason,
        },
      });
  };

  // Settles a waiting observation with the take's outcome, in the transaction that adds the file.
  const settle = async (tx: Transaction, path: string, outcome: TakeOutcome) => {
    await tx
      .update(sourceObservations)
      .set({
        outcome: outcome.kind === 'added' ? 'imported' : 'skipped',
        reason: outcome.kind === 'skipped' ? outcome.reason : null,
        ...(outcome.kind === 'added' ? { fileId: outcome.fileId } : {}),
        stableLooks: sql`${sourceObservations.stableLooks} + 1`,
        lastSeenAt: ctx.now(),
      })
      .where(
        and(
          eq(sourceObservations.offerId, offer.id),
          eq(sourceObservations.path, path),
          eq(sourceObservations.outcome, 'waiting'),
        ),
      );
    if (outcome.kind === 'added') {
      await tx
        .update(offerImports)
        .set({ added: sql`${offerImports.added} || ${JSON.stringify([{ path, fileId: outcome.fileId }])}::jsonb` })
        .where(eq(offerImports.id, importId));
    }
  };

  const processBatch = async (source: Driver, items: readonly WalkItem[]) => {
    const relative = (item: WalkItem) => relativeTo(folder, item.kind === 'file' ? item.entry.path : item.path);
    const looks = await observationsOf(ctx.db, offer.id, items.map(relative));
    for (const item of items) {
      const path = relative(item);
      const observation = looks.get(path);
      if (item.kind === 'rejected') {
        if (observation !== undefined) continue;
        await ctx.db.transaction((tx) => observe(tx, path, null, item.reason));
        skip(path, item.reason);
        continue;
      }
      const look = lookAt(observation, item.entry);
      if (look === 'first' || look === 'changed') {
        await ctx.db.transaction((tx) => observe(tx, path, item.entry, null));
      } else if (look === 'stable' && taken < MAX_FILES_PER_SCAN && Date.now() < deadline) {
        taken++;
        const originRef = `${offer.sourceConnectorId}:${item.entry.path}`;
        const outcome = await takeFile(ctx, source, offer, item.entry, path, originRef, (tx, o) => settle(tx, path, o));
        if (outcome.kind === 'added') added++;
        else skip(path, outcome.reason);
      }
    }
  };

  try {
    driver = await openOrgConnector(ctx, offer.orgId, offer.sourceConnectorId);
    const scope = sourceScope(offer.sourceConnectorId, folder);
    const source = await scanSourceItems(ctx.db, driver, offer.id, folder, await savedCursor(ctx.db, offer.id, scope));
    const batch: WalkItem[] = [];
    try {
      for await (const item of source.items) {
        seen++;
        batch.push(item);
        if (batch.length >= BATCH) await processBatch(driver, batch.splice(0));
      }
    } catch (error) {
      if (isConnectorError(error, 'NotFound') && seen === 0) {
        throw new ScanStopped(
          `The source folder "${folder === '' ? '/' : folder}" cannot be found on the connector: nothing was ` +
            'removed; the next scan looks again.',
        );
      }
      throw error;
    }
    await processBatch(driver, batch.splice(0));
    // A scan that looked only at changes knows nothing of the folder's size: no changes is not an empty source.
    if (source.mode === 'walk' && seen === 0) {
      const [held] = await ctx.db
        .select({ n: count() })
        .from(sourceObservations)
        .where(eq(sourceObservations.offerId, offer.id));
      if ((held?.n ?? 0) > 0) {
        throw new ScanStopped(
          `The source folder "${folder === '' ? '/' : folder}" lists no files although it held ${held!.n} ` +
            'before: nothing was removed; the next scan looks again.',
        );
      }
    }
    // Every file was looked at: the next scan starts from this cursor (waiting files are looked at again then).
    await saveCursor(ctx.db, offer.id, scope, source.cursor, ctx.now());
    return result(null);
  } catch (error) {
    // The platform's own failures (the database) fail the job; a storage's or the source's are a failed scan.
    if (
      !isConnectorError(error) &&
      !(error instanceof ApiError) &&
      !(error instanceof WalkBoundError) &&
      !(error instanceof ScanStopped)
    ) {
      throw error;
    }
    return result(describeError(error));
  } finally {
    await driver?.close().catch(() => undefined);
  }
}

// Tells the offer's creator (still a member) and the admins when this failure makes FAILURES_BEFORE_ALERT in a row.
async function alertIfFailing(tx: Transaction, offer: ScanOffer, error: string, at: Date): Promise<void> {
  const recent = await tx
    .select({ status: offerImports.status })
    .from(offerImports)
    .where(
      and(
        eq(offerImports.offerId, offer.id),
        eq(offerImports.kind, 'scan'),
        inArray(offerImports.status, ['succeeded', 'failed']),
        isNotNull(offerImports.finishedAt),
      ),
    )
    .orderBy(desc(offerImports.finishedAt), desc(offerImports.createdAt))
    .limit(FAILURES_BEFORE_ALERT + 1);
  const failedRun = recent.slice(0, FAILURES_BEFORE_ALERT).filter((row) => row.status === 'failed').length;
  const before = recent[FAILURES_BEFORE_ALERT];
  if (failedRun < FAILURES_BEFORE_ALERT || before?.status === 'failed') return;
  const recipients = await adminsOf(tx, offer.orgId);
  if (offer.creatorId !== null) {
    const [member] = await tx
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.orgId, offer.orgId), eq(memberships.userId, offer.creatorId)));
    if (member !== undefined) recipients.push(member.userId);
  }
  const what = `The scan of offer "${offer.title}"`;
  await notify(
    tx,
    {
      orgId: offer.orgId,
      kind: 'job.failed',
      subject: { type: 'offer', id: offer.id },
      params: { queue: SCAN_QUEUE.name, attempts: FAILURES_BEFORE_ALERT, errorCode: null, what },
      message:
        `${what} failed ${FAILURES_BEFORE_ALERT} times in a row (${error}). Nothing was removed from the offer; ` +
        'scans go on at each interval.',
    },
    recipients,
    at,
  );
}

/**
 * Queues a scan of every published subscription with a connector source whose next scan is due (or never planned),
 * each under its offer's singleton key, and plans its next one an interval later, in one transaction (offers locked
 * by another instance's sweep are left to it). How many were queued.
 */
export async function sweepDueScans(ctx: PlatformContext): Promise<number> {
  return ctx.db.transaction(async (tx) => {
    const at = ctx.now();
    const due = await tx
      .select({ id: offers.id, orgId: offers.orgId, scanIntervalMinutes: offers.scanIntervalMinutes })
      .from(offers)
      .where(
        and(
          eq(offers.status, 'published'),
          eq(offers.kind, 'subscription'),
          eq(offers.sourceType, 'connector'),
          isNotNull(offers.sourceConnectorId),
          or(isNull(offers.nextScanAt), lte(offers.nextScanAt, at)),
        ),
      )
      .limit(500)
      .for('update', { skipLocked: true });
    for (const offer of due) {
      await ctx.jobs.send(
        SCAN_QUEUE,
        { orgId: offer.orgId, offerId: offer.id },
        { executor: tx, singletonKey: offer.id },
      );
      await tx
        .update(offers)
        .set({ nextScanAt: minutes(at, offer.scanIntervalMinutes) })
        .where(eq(offers.id, offer.id));
    }
    return due.length;
  });
}
