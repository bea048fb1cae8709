// Automatic delivery on a platform: the routes, the jobs that deliver, the sweep, and what connectors it uses.
import { and, eq, inArray } from 'drizzle-orm';
import { API } from '../../shared/platform';
import type { RetryPolicy } from '../../connectors/transfer/retry-policy';
import { describeError } from '../../connectors/connector-error';
import { openOrgConnector } from '../connectors/open-org-connector';
import { acquisitions, deliveryTargets, offers } from '../db/schema';
import type { ApiRoutes } from '../http/api-route';
import type { JobsLog } from '../jobs/jobs-runtime';
import type { JobQueue } from '../jobs/job-queue';
import { OFFER_FILES_AVAILABLE } from '../offers/offer-file-ledger';
import type { PlatformContext } from '../platform-context';
import { deliverFile, type DeliveryDeps, type OpenTargetConnector } from './deliver-file';
import {
  DELIVERY_EXPIRE_SECONDS,
  DELIVERY_SWEEP_CRON,
  DELIVERY_SWEEP_QUEUE,
  deliveryQueue,
  resendWaiting,
  walkDeliveries,
  type DeliveryJob,
  type DeliveryRetry,
} from './delivery-feed';
import { DeliveryService } from './delivery-service';

/** How deliveries run (BuildAppOptions.deliveries); tests shorten the timings. */
export interface DeliveriesOptions extends DeliveryRetry {
  /** Failed deliveries in a row after which a target pauses (default 5). */
  readonly pauseAfter?: number;
  /** When the sweep runs (cron, UTC; default every ten minutes). */
  readonly sweepCron?: string;
  /** How a copy retries passing failures within one attempt (default: the transfer engine's). */
  readonly copyRetry?: RetryPolicy;
  /** How long one delivery attempt may take (default 6 hours, the queue's expiry). */
  readonly attemptTimeoutMs?: number;
  /** Deliveries run at once on this instance (default 2). */
  readonly concurrency?: number;
  /** Opens a buyer's connector (default openOrgConnector; tests count or break it). */
  readonly open?: OpenTargetConnector;
}

/** What registerDeliveries gives back: the delivery queue and the engine's dependencies (for tests and tools). */
export interface DeliveriesRuntime {
  readonly queue: JobQueue<DeliveryJob>;
  readonly deps: DeliveryDeps;
  /** Walks the targets of one offer's acquisitions (or all): rows for entitled files, their jobs sent. */
  walk(offerId: string | null): Promise<void>;
}

/**
 * Declares automatic delivery on this instance: the routes, the worker of offer-files-available (walks the
 * targets of that offer), the delivery jobs, the periodic sweep, and the connector usage (a connector a target
 * uses is not deleted). Call before the jobs runtime starts.
 */
export function registerDeliveries(
  routes: ApiRoutes,
  ctx: PlatformContext,
  log: JobsLog,
  options: DeliveriesOptions = {},
): DeliveriesRuntime {
  const queue = deliveryQueue(options);
  const deps: DeliveryDeps = {
    ctx,
    open: options.open ?? ((orgId, connectorId) => openOrgConnector(ctx, orgId, connectorId)),
    pauseAfter: options.pauseAfter ?? 5,
    attemptTimeoutMs: options.attemptTimeoutMs ?? DELIVERY_EXPIRE_SECONDS * 1000,
    ...(options.copyRetry === undefined ? {} : { copyRetry: options.copyRetry }),
  };
  const walk = (offerId: string | null) => walkDeliveries(ctx.db, ctx.jobs, queue, ctx.now, offerId);
  ctx.jobs.work(OFFER_FILES_AVAILABLE, async (job) => walk(job.data.offerId));
  ctx.jobs.work(
    queue,
    async (job) => {
      const outcome = await deliverFile(deps, job.data.deliveryId, job.retryCount >= queue.retryLimit);
      if (outcome.kind === 'failed') {
        log.warn({ deliveryId: job.data.deliveryId, error: describeError(outcome.error) }, 'delivery failed');
        // A paused target waits for its resume, which sends the delivery again: no more retries meanwhile.
        if (!outcome.paused) throw outcome.error;
      }
    },
    options.concurrency ?? 2,
  );
  ctx.jobs.work(DELIVERY_SWEEP_QUEUE, async () => {
    await walk(null);
    const staleBefore = new Date(ctx.now().getTime() - (DELIVERY_EXPIRE_SECONDS + 3600) * 1000);
    const resent = await ctx.db.transaction((tx) => resendWaiting(tx, ctx.jobs, queue, { staleBefore }));
    if (resent > 0) log.info({ resent }, 'deliveries whose job was lost sent again');
  });
  ctx.jobs.schedule(DELIVERY_SWEEP_QUEUE, options.sweepCron ?? DELIVERY_SWEEP_CRON, { task: 'sweep-deliveries' });
  ctx.connectorUsages.register(async (db, orgId, connectorIds) => {
    const rows = await db
      .select({ id: deliveryTargets.id, title: offers.title, connectorId: deliveryTargets.connectorId })
      .from(deliveryTargets)
      .innerJoin(acquisitions, eq(acquisitions.id, deliveryTargets.acquisitionId))
      .innerJoin(offers, eq(offers.id, acquisitions.offerId))
      .where(and(eq(deliveryTargets.orgId, orgId), inArray(deliveryTargets.connectorId, [...connectorIds])));
    return rows.map((r) => ({
      connectorId: r.connectorId ?? '',
      usage: { kind: 'delivery-target', id: r.id, title: r.title },
    }));
  });
  deliveryRoutes(routes, new DeliveryService(ctx, queue));
  return { queue, deps, walk };
}

function deliveryRoutes(routes: ApiRoutes, service: DeliveryService): void {
  routes.add(API.deliveries.createTarget, (request) => {
    const principal = request.auth.principal;
    const creatorId = principal?.type === 'user' ? principal.userId : null;
    const { orgId, acquisitionId } = request.params;
    return service.createTarget(request, orgId, acquisitionId, creatorId, request.body);
  });
  routes.add(API.deliveries.listTargets, (request) =>
    service.listTargets(request.params.orgId, request.params.acquisitionId),
  );
  routes.add(API.deliveries.readTarget, (request) =>
    service.readTarget(request.params.orgId, request.params.acquisitionId, request.params.targetId),
  );
  routes.add(API.deliveries.updateTarget, (request) => {
    const { orgId, acquisitionId, targetId } = request.params;
    return service.updateTarget(request, orgId, acquisitionId, targetId, request.body);
  });
  routes.add(API.deliveries.deleteTarget, async (request) => {
    const { orgId, acquisitionId, targetId } = request.params;
    await service.deleteTarget(request, orgId, acquisitionId, targetId);
    return null;
  });
  routes.add(API.deliveries.resumeTarget, (request) => {
    const { orgId, acquisitionId, targetId } = request.params;
    return service.resumeTarget(request, orgId, acquisitionId, targetId);
  });
  routes.add(API.deliveries.ackTarget, (request) => {
    const { orgId, acquisitionId, targetId } = request.params;
    return service.ackTarget(request, orgId, acquisitionId, targetId, request.body);
  });
  routes.add(API.deliveries.list, (request) =>
    service.listDeliveries(request.params.orgId, request.params.acquisitionId, request.query),
  );
  routes.add(API.deliveries.ack, (request) => {
    const { orgId, acquisitionId, deliveryId } = request.params;
    return service.ack(request, orgId, acquisitionId, deliveryId, request.body);
  });
}
