// One delivery job: one offer file into one buyer connector's folder, with its receipt, exactly once.
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Driver } from '../../connectors/driver';
import { describeError } from '../../connectors/connector-error';
import { joinPath, normalizePath } from '../../connectors/path-safety';
import type { RetryPolicy } from '../../connectors/transfer/retry-policy';
import { auditSystemEvent } from '../audit/system-audit';
import type { Executor } from '../db/database';
import { acquisitions, deliveries, deliveryTargets, offerFiles, offers } from '../db/schema';
import { notify } from '../notifications/notify';
import { adminsOf } from '../notifications/notification-recipients';
import type { PlatformContext } from '../platform-context';
import { expandPattern } from '../../connectors/delivery/naming-pattern';
import { placeFile, removeStaging, stagingPathOf, type Placement } from '../../connectors/delivery/place-file';
import { writeReceipt } from '../../connectors/delivery/delivery-receipt';

/** The audit action of a file delivered to a connector target. */
export const DELIVERED_ACTION = 'deliveries.delivered';
/** The audit action of one file's delivery given up after every retry. */
export const DELIVERY_GIVEN_UP_ACTION = 'deliveries.given-up';
/** The audit action of a target paused after failures in a row. */
export const TARGET_PAUSED_ACTION = 'deliveries.target-paused';

/** Opens a buyer's organisation connector (openOrgConnector; tests may wrap it). */
export type OpenTargetConnector = (orgId: string, connectorId: string) => Promise<Driver>;

/** What a delivery needs besides its ID. */
export interface DeliveryDeps {
  readonly ctx: PlatformContext;
  readonly open: OpenTargetConnector;
  /** Failed attempts in a row (any file of the target) after which the target pauses. */
  readonly pauseAfter: number;
  /** How the copy retries passing failures within one attempt (default: the transfer engine's). */
  readonly copyRetry?: RetryPolicy;
  /** How long one attempt may take. */
  readonly attemptTimeoutMs: number;
}

/** How one run of a delivery ended. */
export type DeliveryOutcome =
  | { readonly kind: 'delivered'; readonly placement: Placement; readonly receiptPath: string }
  | { readonly kind: 'nothing-to-do'; readonly why: string }
  | { readonly kind: 'skipped'; readonly why: string }
  | { readonly kind: 'failed'; readonly error: unknown; readonly paused: boolean };

const ERROR_MAX = 1000;
// Earlier attempts whose staged copies each run removes (one that failed before reaching the storage left none).
const STAGING_SWEEP = 10;

function errorText(error: unknown): string {
  const text = describeError(error);
  return text.length > ERROR_MAX ? `${text.slice(0, ERROR_MAX - 1)}…` : text;
}

const day = (at: Date) => at.toISOString().slice(0, 10);

async function load(db: Executor, deliveryId: string) {
  const [row] = await db
    .select({
      delivery: deliveries,
      target: deliveryTargets,
      acquisition: acquisitions,
      file: offerFiles,
      offerTitle: offers.title,
    })
    .from(deliveries)
    .innerJoin(deliveryTargets, eq(deliveryTargets.id, deliveries.targetId))
    .innerJoin(acquisitions, eq(acquisitions.id, deliveries.acquisitionId))
    .innerJoin(offerFiles, eq(offerFiles.id, deliveries.fileId))
    .innerJoin(offers, eq(offers.id, offerFiles.offerId))
    .where(eq(deliveries.id, deliveryId));
  return row;
}

type Loaded = NonNullable<Awaited<ReturnType<typeof load>>>;

/**
 * Tells the buyer's admins (and the audit log) that one file's delivery was given up after every retry while its
 * target goes on (other files succeed): nothing sends it again until an editor resumes the target.
 */
async function tellGivenUp(tx: Executor, at: Date, loaded: Loaded, reason: string): Promise<void> {
  const attempts = loaded.delivery.attempts + 1;
  const subject = { type: 'delivery', id: loaded.delivery.id };
  await auditSystemEvent(tx, at, {
    orgId: loaded.target.orgId,
    action: DELIVERY_GIVEN_UP_ACTION,
    target: subject,
    reason: `"${loaded.file.name}" given up after ${attempts} attempt(s): ${reason}`,
  });
  const what = `The delivery of "${loaded.file.name}" of "${loaded.offerTitle}"`;
  await notify(
    tx,
    {
      orgId: loaded.target.orgId,
      kind: 'job.failed',
      subject,
      params: { queue: 'delivery', attempts, errorCode: null, what },
      message:
        `${what} (acquisition ${loaded.acquisition.id}) failed ${attempts} times and was given up: ${reason} ` +
        'Fix the cause, then resume its target to send it again.',
    },
    await adminsOf(tx, loaded.target.orgId),
    at,
  );
}

/**
 * Counts a failed attempt on the row and its target; the `pauseAfter`-th in a row pauses the target, told. The
 * final attempt of a delivery whose target goes on marks it failed and tells the admins (see tellGivenUp). Only the
 * latest run of a delivery counts: one overtaken by a later run (a job past its expiry run again, which removed this
 * run's staged copy as left over) or finished by it counts nothing and answers 'overtaken'.
 */
async function recordFailure(
  deps: DeliveryDeps,
  loaded: Loaded,
  attempt: number,
  error: unknown,
  finalAttempt: boolean,
): Promise<boolean | 'overtaken'> {
  const { ctx } = deps;
  const reason = errorText(error);
  return ctx.db.transaction(async (tx) => {
    const at = ctx.now();
    const [counted] = await tx
      .update(deliveries)
      .set({ lastError: reason, status: finalAttempt ? 'failed' : 'pending' })
      .where(
        and(
          eq(deliveries.id, loaded.delivery.id),
          ne(deliveries.status, 'delivered'),
          eq(deliveries.attempts, attempt),
        ),
      )
      .returning({ id: deliveries.id });
    if (counted === undefined) return 'overtaken';
    // Counted in the database: a resume meanwhile (which resets it) is never overwritten.
    const [target] = await tx
      .update(deliveryTargets)
      .set({ consecutiveFailures: sql`${deliveryTargets.consecutiveFailures} + 1` })
      .where(eq(deliveryTargets.id, loaded.target.id))
      .returning();
    if (target === undefined || target.status !== 'active') return false;
    if (target.consecutiveFailures < deps.pauseAfter) {
      if (finalAttempt) await tellGivenUp(tx, at, loaded, reason);
      return false;
    }
    const failures = target.consecutiveFailures;
    const pausedReason = `${failures} failed deliveries in a row; the last: ${reason}`;
    await tx
      .update(deliveryTargets)
      .set({ status: 'paused', pausedReason, pausedAt: at, updatedAt: at })
      .where(eq(deliveryTargets.id, target.id));
    const subject = { type: 'delivery-target', id: target.id };
    await auditSystemEvent(tx, at, {
      orgId: target.orgId,
      action: TARGET_PAUSED_ACTION,
      target: subject,
      reason: pausedReason,
    });
    const what = `Deliveries of "${loaded.offerTitle}"`;
    await notify(
      tx,
      {
        orgId: target.orgId,
        kind: 'job.failed',
        subject,
        params: { queue: 'delivery', attempts: failures, errorCode: null, what },
        message:
          `${what} to a target of acquisition ${loaded.acquisition.id} failed ${failures} times in a row; the ` +
          `target is paused: ${reason} Fix the cause, then resume the target: waiting files are delivered then.`,
      },
      await adminsOf(tx, target.orgId),
      at,
    );
    return true;
  });
}

async function markDelivered(
  deps: DeliveryDeps,
  loaded: Loaded,
  placement: Placement,
  receiptPath: string,
): Promise<void> {
  const { ctx } = deps;
  await ctx.db.transaction(async (tx) => {
    const at = ctx.now();
    const updated = await tx
      .update(deliveries)
      .set({
        status: 'delivered',
        path: placement.path,
        conflict: placement.conflict,
        receiptPath,
        deliveredAt: at,
        lastError: null,
      })
      .where(and(eq(deliveries.id, loaded.delivery.id), ne(deliveries.status, 'delivered')))
      .returning({ id: deliveries.id });
    if (updated.length === 0) return;
    await tx.update(deliveryTargets).set({ consecutiveFailures: 0 }).where(eq(deliveryTargets.id, loaded.target.id));
    const conflict = placement.conflict ? ' as a conflict copy (a different file had its name)' : '';
    const found = placement.alreadyThere ? ' (the same bytes were already there)' : '';
    await auditSystemEvent(tx, at, {
      orgId: loaded.target.orgId,
      action: DELIVERED_ACTION,
      target: { type: 'delivery', id: loaded.delivery.id },
      reason: `"${loaded.file.name}" of "${loaded.offerTitle}" to ${placement.path}${conflict}${found}`,
    });
  });
}

/** Writes the receipt of this delivery beside the file placed. */
async function receiptOf(
  destination: Driver,
  loaded: Loaded,
  placement: Placement,
  at: Date,
  signal: AbortSignal,
): Promise<string> {
  return writeReceipt(
    destination,
    {
      ferryDeliveryReceipt: 1,
      file: { id: loaded.file.id, name: loaded.file.name, pathInOffer: loaded.file.path },
      path: placement.path,
      conflict: placement.conflict,
      size: loaded.file.size,
      sha256: loaded.file.sha256,
      offer: { id: loaded.file.offerId, title: loaded.offerTitle },
      acquisition: { id: loaded.acquisition.id },
      providerOrgId: loaded.acquisition.providerOrgId,
      buyerOrgId: loaded.acquisition.buyerOrgId,
      deliveryId: loaded.delivery.id,
      deliveredAt: at.toISOString(),
    },
    signal,
  );
}

/**
 * Runs one delivery to a connector target: copies the offer file into the target folder under the naming
 * pattern's path (a conflict copy beside a different file, never an overwrite or a delete), writes its receipt,
 * then marks the row delivered. Each step finds what an earlier, interrupted run did, so re-running after a crash
 * finishes without a second copy. A failure is counted on the target (paused after `pauseAfter` in a row, its
 * admins told); `finalAttempt` marks the row failed and tells the admins (a resume of its target sends it again).
 */
export async function deliverFile(
  deps: DeliveryDeps,
  deliveryId: string,
  finalAttempt = false,
): Promise<DeliveryOutcome> {
  const { ctx } = deps;
  const loaded = await load(ctx.db, deliveryId);
  if (loaded === undefined) return { kind: 'nothing-to-do', why: 'gone' };
  const { delivery, target, acquisition, file } = loaded;
  if (delivery.status === 'delivered' || delivery.status === 'skipped') {
    return { kind: 'nothing-to-do', why: delivery.status };
  }
  if (target.type !== 'connector' || target.connectorId === null) return { kind: 'nothing-to-do', why: 'agent' };
  if (target.status !== 'active') return { kind: 'nothing-to-do', why: 'target paused' };
  if (file.status !== 'available' || acquisition.status === 'cancelled') {
    const why = file.status !== 'available' ? 'file removed from the offer' : 'acquisition cancelled';
    await ctx.db
      .update(deliveries)
      .set({ status: 'skipped', lastError: why })
      .where(and(eq(deliveries.id, deliveryId), inArray(deliveries.status, ['pending', 'failed'])));
    return { kind: 'skipped', why };
  }
  // Each run takes its own attempt number: its staging name, so two runs at once never write the same file.
  const [claimed] = await ctx.db
    .update(deliveries)
    .set({ attempts: sql`${deliveries.attempts} + 1` })
    .where(and(eq(deliveries.id, deliveryId), inArray(deliveries.status, ['pending', 'failed'])))
    .returning({ attempts: deliveries.attempts });
  if (claimed === undefined) return { kind: 'nothing-to-do', why: 'delivered meanwhile' };
  const signal = AbortSignal.timeout(deps.attemptTimeoutMs);
  let destination: Driver | undefined;
  try {
    destination = await deps.open(target.orgId, target.connectorId);
    const relative = expandPattern(target.namingPattern, {
      offerTitle: loaded.offerTitle,
      filePath: file.path,
      acquisitionId: acquisition.id,
      availableAt: file.availableAt ?? file.addedAt,
    });
    const wanted = joinPath(normalizePath(target.folder), relative);
    const staging = stagingPathOf(wanted, deliveryId, claimed.attempts);
    // Earlier attempts killed midway left their staged copies: removed, never shown under the file's name.
    for (let earlier = claimed.attempts - 1; earlier >= Math.max(1, claimed.attempts - STAGING_SWEEP); earlier--) {
      await removeStaging(destination, stagingPathOf(wanted, deliveryId, earlier));
    }
    const placement = await placeFile(
      { driver: ctx.offerStorage.driver, key: file.storageKey, size: file.size, sha256: file.sha256 },
      { destination, wanted, staging, day: day(delivery.createdAt), signal, retry: deps.copyRetry },
    );
    const receiptPath = await receiptOf(destination, loaded, placement, ctx.now(), signal);
    await markDelivered(deps, loaded, placement, receiptPath);
    return { kind: 'delivered', placement, receiptPath };
  } catch (error) {
    const paused = await recordFailure(deps, loaded, claimed.attempts, error, finalAttempt);
    if (paused === 'overtaken') return { kind: 'nothing-to-do', why: 'overtaken by a later run' };
    return { kind: 'failed', error, paused };
  } finally {
    await destination?.close().catch(() => undefined);
  }
}
