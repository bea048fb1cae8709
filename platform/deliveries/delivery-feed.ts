// Turns an acquisition's entitled files into delivery rows per target, and sends their jobs.
import { and, asc, eq, gt, inArray, lt, lte } from 'drizzle-orm';
import type { Database, Executor } from '../db/database';
import { acquisitions, deliveries, deliveryTargets, offerFiles } from '../db/schema';
import { newId } from '../auth/secret-token';
import { defineQueue, type JobQueue } from '../jobs/job-queue';
import type { JobsRuntime } from '../jobs/jobs-runtime';

/** What a delivery job works on. */
export interface DeliveryJob {
  readonly deliveryId: string;
}

/** Retry timing of the delivery queue (DeliveriesOptions; tests shorten it). */
export interface DeliveryRetry {
  /** Attempts after the first (default 5). */
  readonly retryLimit?: number;
  /** Seconds before the first retry, doubling (default 60). */
  readonly retryDelaySeconds?: number;
}

/** How long one delivery attempt may run before pg-boss counts it failed (and the sweep may send it again). */
export const DELIVERY_EXPIRE_SECONDS = 6 * 3600;

/**
 * The delivery queue: one job per delivery row, its singleton key the delivery's ID, so a second instance never
 * runs the same delivery at the same time. Failures retry with backoff; the target pauses after repeated failures.
 */
export function deliveryQueue(retry: DeliveryRetry = {}): JobQueue<DeliveryJob> {
  return defineQueue<DeliveryJob>({
    name: 'delivery',
    // 15 s, then doubling: a blip or a killed instance costs seconds, a dead server about half an hour of retries.
    retryLimit: retry.retryLimit ?? 7,
    retryDelay: retry.retryDelaySeconds ?? 15,
    retryBackoff: true,
    retryDelayMax: 3600,
    policy: 'singleton',
    // Large files over slow links: an attempt may take long; a run past this is retried (and finds its bytes).
    expireInSeconds: DELIVERY_EXPIRE_SECONDS,
    // A killed instance's attempt is retried within half a minute, not after the expiry.
    heartbeatSeconds: 30,
  });
}

/** The periodic sweep: walks every target (files whose walk was lost) and sends deliveries whose job was lost. */
export const DELIVERY_SWEEP_QUEUE = defineQueue<{ readonly task: 'sweep-deliveries' }>({
  name: 'deliveries-sweep',
  retryLimit: 2,
  retryDelay: 60,
  retryBackoff: true,
  policy: 'singleton',
  expireInSeconds: 30 * 60,
});

/** Every ten minutes, off the full minute's crowd. */
export const DELIVERY_SWEEP_CRON = '3-59/10 * * * *';

const BATCH = 500;

/** The acquisitions whose targets are walked: active ones, and ended ones (files entitled before the end). */
const WALKED = ['active', 'ended'] as const;

/**
 * One batch of one target's walk, in the caller's transaction under the target's row lock: the acquisition's
 * entitled files after the target's cursor get their delivery rows (unique per acquisition, file and target: a
 * second walk adds nothing), the cursor advances in the same transaction, and each new row of an active connector
 * target gets its job. Whether more files may follow.
 */
async function walkBatch(tx: Executor, jobs: JobsRuntime, queue: JobQueue<DeliveryJob>, targetId: string, at: Date) {
  const [target] = await tx.select().from(deliveryTargets).where(eq(deliveryTargets.id, targetId)).for('update');
  if (target === undefined) return false;
  const [acquisition] = await tx.select().from(acquisitions).where(eq(acquisitions.id, target.acquisitionId));
  if (acquisition === undefined || !(WALKED as readonly string[]).includes(acquisition.status)) return false;
  const after = Math.max(target.cursorSeq, acquisition.historyAfterSeq);
  const files = await tx
    .select({
      id: offerFiles.id,
      seq: offerFiles.seq,
      status: offerFiles.status,
      availableAt: offerFiles.availableAt,
    })
    .from(offerFiles)
    .where(
      and(
        eq(offerFiles.offerId, acquisition.offerId),
        gt(offerFiles.seq, after),
        acquisition.untilSeq === null ? undefined : lte(offerFiles.seq, acquisition.untilSeq),
      ),
    )
    .orderBy(asc(offerFiles.seq))
    .limit(BATCH);
  if (files.length === 0) return false;
  const end = acquisition.periodEnd;
  // Removed files and files after the period are passed by the cursor: never delivered to this target.
  const entitled = files.filter(
    (f) => f.status === 'available' && (end === null || (f.availableAt !== null && f.availableAt < end)),
  );
  if (entitled.length > 0) {
    const created = await tx
      .insert(deliveries)
      .values(
        entitled.map((f) => ({
          id: newId('dlv'),
          acquisitionId: acquisition.id,
          targetId: target.id,
          fileId: f.id,
          orgId: target.orgId,
          status: 'pending' as const,
          createdAt: at,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: deliveries.id });
    if (target.type === 'connector' && target.status === 'active') {
      for (const row of created) await sendDelivery(tx, jobs, queue, row.id);
    }
  }
  const last = files[files.length - 1]!.seq!;
  await tx.update(deliveryTargets).set({ cursorSeq: last }).where(eq(deliveryTargets.id, target.id));
  return files.length === BATCH;
}

/** Sends one delivery's job in the caller's transaction (its singleton key the delivery's ID). */
export async function sendDelivery(
  tx: Executor,
  jobs: JobsRuntime,
  queue: JobQueue<DeliveryJob>,
  deliveryId: string,
): Promise<void> {
  await jobs.send(queue, { deliveryId }, { executor: tx, singletonKey: deliveryId });
}

/**
 * Walks the targets of the acquisitions of one offer (or of every offer): see walkBatch. Idempotent, so the
 * offer-files-available job, the sweep, a new target and two instances at once may all run it. Rows created.
 */
export async function walkDeliveries(
  db: Database,
  jobs: JobsRuntime,
  queue: JobQueue<DeliveryJob>,
  now: () => Date,
  offerId: string | null,
): Promise<void> {
  const targets = await db
    .select({ id: deliveryTargets.id })
    .from(deliveryTargets)
    .innerJoin(acquisitions, eq(acquisitions.id, deliveryTargets.acquisitionId))
    .where(
      and(inArray(acquisitions.status, [...WALKED]), offerId === null ? undefined : eq(acquisitions.offerId, offerId)),
    );
  for (const { id } of targets) {
    while (await db.transaction((tx) => walkBatch(tx, jobs, queue, id, now()))) {
      // Another batch of the same target: each in its own transaction, so a long backlog holds no lock for long.
    }
  }
}

/**
 * Sends again the deliveries of active connector targets that wait without a job: every waiting or given-up one of
 * one target (at its resume), or for the sweep those waiting since before `staleBefore` (a job lost with a killed
 * instance past its expiry; given-up ones wait for a resume, their admins told). A delivery whose job still runs
 * gets a second job that waits for it (one active per delivery) and then finds it delivered. In the caller's
 * transaction; how many were sent.
 */
export async function resendWaiting(
  tx: Executor,
  jobs: JobsRuntime,
  queue: JobQueue<DeliveryJob>,
  scope: { readonly targetId: string } | { readonly staleBefore: Date },
): Promise<number> {
  const which =
    'targetId' in scope
      ? and(eq(deliveries.targetId, scope.targetId), inArray(deliveries.status, ['pending', 'failed']))
      : and(eq(deliveries.status, 'pending'), lt(deliveries.createdAt, scope.staleBefore));
  const rows = await tx
    .update(deliveries)
    .set({ status: 'pending' })
    .where(
      and(
        which,
        inArray(
          deliveries.targetId,
          tx
            .select({ id: deliveryTargets.id })
            .from(deliveryTargets)
            .where(and(eq(deliveryTargets.type, 'connector'), eq(deliveryTargets.status, 'active'))),
        ),
      ),
    )
    .returning({ id: deliveries.id });
  for (const row of rows) await sendDelivery(tx, jobs, queue, row.id);
  return rows.length;
}
