// The queues of imports and subscription scans, and what their jobs carry.
import { defineQueue } from '../jobs/job-queue';

/** An import's job: the offer_imports row it works through (recorded with the request, in the same transaction). */
export interface ImportJob {
  readonly orgId: string;
  readonly offerId: string;
  readonly importId: string;
}

/** A scan's job: the offer, and the queued offer_imports row of a manual scan (a scheduled one records its own). */
export interface ScanJob {
  readonly orgId: string;
  readonly offerId: string;
  readonly importId?: string;
}

/**
 * Imports picked by a person: singleton per import, so a retry never runs beside the attempt it replaces. A storage
 * that fails is recorded in the import (failed, with the error), not retried: its files already added are skipped
 * as "already in the offer" by the next import. A job fails only when the platform could not work (the database).
 */
export const IMPORT_QUEUE = defineQueue<ImportJob>({
  name: 'offer-import',
  retryLimit: 2,
  retryDelay: 30,
  retryBackoff: true,
  deadLetter: 'offer-import-dead',
  policy: 'singleton',
  expireInSeconds: 6 * 3600,
  // A killed instance's attempt is retried within half a minute, not after the expiry.
  heartbeatSeconds: 30,
});

/** How long one scan may copy files before it leaves the rest to the next one (inside the job's expiry). */
export const SCAN_WORK_MS = 20 * 60_000;

/**
 * One subscription's scan; the singleton key is the offer's ID, so one offer is scanned by one job at a time on all
 * instances. A source that fails is a failed scan (recorded, retried at the next interval), not a failed job.
 */
export const SCAN_QUEUE = defineQueue<ScanJob>({
  name: 'offer-scan',
  retryLimit: 2,
  retryDelay: 60,
  retryBackoff: true,
  deadLetter: 'offer-scan-dead',
  policy: 'singleton',
  expireInSeconds: 30 * 60,
  // A killed instance's attempt is retried within half a minute, not after the expiry.
  heartbeatSeconds: 30,
});

/** The minute sweep: queues a scan for each subscription whose next scan is due (sent once per tick for all). */
export const SCAN_SWEEP_QUEUE = defineQueue<{ readonly task: 'sweep-scans' }>({
  name: 'offer-scan-sweep',
  retryLimit: 1,
  retryDelay: 30,
  retryBackoff: false,
  policy: 'singleton',
  expireInSeconds: 5 * 60,
});

/** Every minute: a subscription's own interval (scanIntervalMinutes) decides whether it is due. */
export const SCAN_SWEEP_CRON = '* * * * *';
