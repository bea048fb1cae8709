import { defineQueue, type JobQueue } from '../../jobs/job-queue';

/** The daily sweep: one job that enqueues a check per active connector (sent once per tick for all instances). */
export const CONNECTOR_CHECKS_QUEUE = defineQueue<{ readonly task: 'check-connectors' }>({
  name: 'connector-checks',
  retryLimit: 3,
  retryDelay: 60,
  retryBackoff: true,
  deadLetter: 'connector-checks-dead',
  policy: 'singleton',
  expireInSeconds: 15 * 60,
});

/** What a connector check works on. */
export interface ConnectorCheckJob {
  readonly orgId: string;
  readonly connectorId: string;
}

/**
 * One connector's check; its singleton key is the connector's ID, so one connector's check never runs twice at once
 * (on any instance). A job fails only when the platform could not do the check (the database, the vault's keys);
 * a storage that refuses is a failed check, recorded, not a failed job.
 */
export function connectorCheckQueue(retryDelaySeconds = 60): JobQueue<ConnectorCheckJob> {
  return defineQueue<ConnectorCheckJob>({
    name: 'connector-check',
    retryLimit: 2,
    retryDelay: retryDelaySeconds,
    retryBackoff: true,
    deadLetter: 'connector-check-dead',
    policy: 'singleton',
    expireInSeconds: 10 * 60,
  });
}

/** Every day at 04:23 UTC, a quiet hour off the full hour. */
export const CONNECTOR_CHECKS_CRON = '23 4 * * *';
