// Imports and scans: the routes (thin over ImportService) and the background jobs that do the work.
import { and, eq, inArray } from 'drizzle-orm';
import { API, type ResourceKind } from '../../shared/platform';
import { offerImports, offers } from '../db/schema';
import type { Executor } from '../db/database';
import { loggableError } from '../http/loggable-error';
import type { ApiRoutes } from '../http/api-route';
import { reportGivenUpJob, type JobOwnership } from '../jobs/job-owner';
import type { JobsLog } from '../jobs/jobs-runtime';
import type { JobQueue } from '../jobs/job-queue';
import type { PlatformContext } from '../platform-context';
import {
  IMPORT_QUEUE,
  SCAN_QUEUE,
  SCAN_SWEEP_CRON,
  SCAN_SWEEP_QUEUE,
  type ImportJob,
  type ScanJob,
} from './import-queues';
import { runImport } from './import-run';
import { ImportService } from './import-service';
import { runScan, sweepDueScans } from './scan-run';

// Offers are owned resources (issue 12); an offer nobody owns is reported to its organisation's admins.
const OFFER: ResourceKind = 'offer';

function offerOwnership<T extends { readonly orgId: string; readonly offerId: string }>(
  what: (title: string) => string,
): JobOwnership<T> {
  return {
    subjectOf: (data) => ({ orgId: data.orgId, kind: OFFER, id: data.offerId }),
    describe: async (db: Executor, data) => {
      const [row] = await db
        .select({ title: offers.title })
        .from(offers)
        .where(and(eq(offers.orgId, data.orgId), eq(offers.id, data.offerId)));
      return row === undefined ? null : what(row.title);
    },
    alsoAdmins: true,
  };
}

// Runs a queue here; a job given up marks its import failed (when it names one) and is reported to the owner.
function workImportQueue<T extends ImportJob | ScanJob>(
  ctx: PlatformContext,
  log: JobsLog,
  queue: JobQueue<T>,
  run: (data: T, retry: boolean) => Promise<unknown>,
  ownership: JobOwnership<T>,
): void {
  ctx.jobs.work(
    queue,
    async (job) => {
      try {
        const outcome = await run(job.data, job.retryCount > 0);
        log.info({ queue: queue.name, offerId: job.data.offerId, outcome }, 'offer import job done');
      } catch (error) {
        log.error(
          { err: loggableError(error), queue: queue.name, offerId: job.data.offerId },
          'offer import job failed',
        );
        throw error;
      }
    },
    2,
  );
  ctx.jobs.onDeadLetter(queue, (job) =>
    ctx.db.transaction(async (tx) => {
      const at = ctx.now();
      if (job.data.importId !== undefined) {
        await tx
          .update(offerImports)
          .set({ status: 'failed', error: 'The platform could not run it and gave up; see its log.', finishedAt: at })
          .where(and(eq(offerImports.id, job.data.importId), inArray(offerImports.status, ['queued', 'running'])));
      }
      await reportGivenUpJob(tx, at, queue, job, ownership);
    }),
  );
}

/**
 * Imports into offers from organisation connectors, and subscription scans: the routes, the import and scan
 * workers (dead letters reported to the offer's owner and the admins), the minute sweep that queues due scans, and
 * the connector usage of imports in progress.
 */
export function importRoutes(routes: ApiRoutes, ctx: PlatformContext, log: JobsLog): void {
  const imports = new ImportService(ctx);
  routes.add(API.imports.create, (request) =>
    imports.create(request, request.params.orgId, request.params.offerId, request.body),
  );
  routes.add(API.imports.list, (request) => imports.list(request.params.orgId, request.params.offerId, request.query));
  routes.add(API.imports.read, (request) =>
    imports.read(request.params.orgId, request.params.offerId, request.params.importId),
  );
  routes.add(API.imports.scan, (request) => imports.scanNow(request, request.params.orgId, request.params.offerId));
  routes.add(API.imports.preview, (request) => imports.preview(request.params.orgId, request.params.offerId));

  workImportQueue(
    ctx,
    log,
    IMPORT_QUEUE,
    (data, retry) => runImport(ctx, data, retry),
    offerOwnership((title) => `An import into offer "${title}"`),
  );
  workImportQueue(
    ctx,
    log,
    SCAN_QUEUE,
    (data) => runScan(ctx, data),
    offerOwnership((title) => `The scan of offer "${title}"`),
  );
  ctx.jobs.work(SCAN_SWEEP_QUEUE, async () => {
    const queued = await sweepDueScans(ctx);
    if (queued > 0) log.info({ queued }, 'offer scans queued');
  });
  ctx.jobs.schedule(SCAN_SWEEP_QUEUE, SCAN_SWEEP_CRON, { task: 'sweep-scans' });
  ctx.connectorUsages.register(async (db, orgId, connectorIds) =>
    (await imports.importsUsing(db, orgId, connectorIds)).map((row) => ({
      connectorId: row.connectorId,
      usage: { kind: 'import', id: row.id, title: row.title },
    })),
  );
}
