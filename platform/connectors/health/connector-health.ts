import { and, eq } from 'drizzle-orm';
import type { Database } from '../../db/database';
import { orgConnectors } from '../../db/schema';
import { loggableError } from '../../http/loggable-error';
import type { JobsLog, JobsRuntime } from '../../jobs/jobs-runtime';
import { workOwnedQueue } from '../../jobs/job-owner';
import type { JobQueue } from '../../jobs/job-queue';
import { checkConnector, type ConnectorCheckDeps } from './check-connector';
import {
  CONNECTOR_CHECKS_CRON,
  CONNECTOR_CHECKS_QUEUE,
  connectorCheckQueue,
  type ConnectorCheckJob,
} from './connector-check-queues';

/** How the daily connector checks run (BuildAppOptions.connectorChecks). */
export interface ConnectorHealthOptions {
  /** Failed daily checks in a row after which a connector is paused (default 3). */
  readonly pauseAfter?: number;
  /** When the sweep runs (cron, UTC; default daily, CONNECTOR_CHECKS_CRON). */
  readonly cron?: string;
  /** Seconds before a check that could not run is retried (doubling; default 60). */
  readonly retryDelaySeconds?: number;
  /** How long one check may take (default 2 minutes). */
  readonly timeoutMs?: number;
}

/**
 * Enqueues one check per active connector, all in one transaction (a sweep that fails sends none, and its retry
 * sends them all), each under the connector's singleton key. How many were enqueued (a connector whose check
 * already waits is not enqueued twice).
 */
export async function sweepConnectorChecks(
  db: Database,
  jobs: JobsRuntime,
  queue: JobQueue<ConnectorCheckJob>,
): Promise<number> {
  return db.transaction(async (tx) => {
    const active = await tx
      .select({ orgId: orgConnectors.orgId, connectorId: orgConnectors.id })
      .from(orgConnectors)
      .where(eq(orgConnectors.status, 'active'));
    let sent = 0;
    for (const connector of active) {
      const id = await jobs.send(queue, connector, { executor: tx, singletonKey: connector.connectorId });
      if (id !== null) sent++;
    }
    return sent;
  });
}

/**
 * Declares the daily connector checks on this instance: the sweep on its cron (sent once per tick for all
 * instances), the per-connector checks, and their dead letters reported to each connector's owner and the admins.
 */
export function registerConnectorHealth(
  jobs: JobsRuntime,
  deps: Omit<ConnectorCheckDeps, 'pauseAfter' | 'timeoutMs'>,
  log: JobsLog,
  options: ConnectorHealthOptions = {},
): JobQueue<ConnectorCheckJob> {
  const checkDeps: ConnectorCheckDeps = {
    ...deps,
    pauseAfter: options.pauseAfter ?? 3,
    timeoutMs: options.timeoutMs ?? 120_000,
  };
  const db = deps.ctx.db;
  const checkQueue = connectorCheckQueue(options.retryDelaySeconds);
  jobs.work(CONNECTOR_CHECKS_QUEUE, async () => {
    const sent = await sweepConnectorChecks(db, jobs, checkQueue);
    log.info({ sent }, 'connector checks enqueued');
  });
  jobs.schedule(CONNECTOR_CHECKS_QUEUE, options.cron ?? CONNECTOR_CHECKS_CRON, { task: 'check-connectors' });
  workOwnedQueue(
    jobs,
    db,
    deps.ctx.now,
    checkQueue,
    async (job) => {
      try {
        const outcome = await checkConnector(checkDeps, job.data.orgId, job.data.connectorId);
        log.info({ connectorId: job.data.connectorId, outcome }, 'connector checked');
      } catch (error) {
        log.error({ err: loggableError(error), connectorId: job.data.connectorId }, 'connector check could not run');
        throw error;
      }
    },
    {
      subjectOf: (data) => ({ orgId: data.orgId, kind: 'connector', id: data.connectorId }),
      describe: async (tx, data) => {
        const [row] = await tx
          .select({ name: orgConnectors.name })
          .from(orgConnectors)
          .where(and(eq(orgConnectors.orgId, data.orgId), eq(orgConnectors.id, data.connectorId)));
        return row === undefined ? null : `The daily check of connector "${row.name}"`;
      },
      alsoAdmins: true,
    },
    2,
  );
  return checkQueue;
}
