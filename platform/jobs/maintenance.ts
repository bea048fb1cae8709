import { and, isNull, lt } from 'drizzle-orm';
import type { Database, Executor } from '../db/database';
import { downloadLinks, invitations, sessions } from '../db/schema';
import { purgeAllAudit } from '../audit/audit-log';
import { loggableError } from '../http/loggable-error';
import { defineQueue } from './job-queue';
import type { JobsLog, JobsRuntime } from './jobs-runtime';

/** The periodic clean-up (expired sessions, invitations and download links, audit retention): one run at a time across instances, retried a few times, then kept as a dead letter. */
export const MAINTENANCE_QUEUE = defineQueue<{ readonly task: 'purge-expired' }>({
  name: 'maintenance',
  retryLimit: 3,
  retryDelay: 60,
  retryBackoff: true,
  deadLetter: 'maintenance-dead',
  policy: 'singleton',
  expireInSeconds: 15 * 60,
});

/** Every hour at minute 17 (UTC), off the hour when other servers' crons pile up. */
export const MAINTENANCE_CRON = '17 * * * *';

/** How long an invitation that expired unaccepted stays listed (as expired) before it is purged. */
export const EXPIRED_INVITATION_KEPT_MS = 30 * 86_400_000;

/** What one maintenance run removed. */
export interface PurgeCounts {
  readonly sessions: number;
  readonly invitations: number;
  readonly auditEvents: number;
  readonly downloadLinks: number;
}

/**
 * Deletes sessions past their expiry (they no longer sign anyone in), invitations that expired unaccepted more than
 * `invitationKeptMs` ago (accepted ones stay, as the record of who invited whom), audit events past their
 * organisation's retention and expired download links (their key versions may then retire).
 */
export async function purgeExpired(
  db: Executor,
  now: Date,
  invitationKeptMs: number = EXPIRED_INVITATION_KEPT_MS,
): Promise<PurgeCounts> {
  const goneSessions = await db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
  const goneInvitations = await db
    .delete(invitations)
    .where(and(isNull(invitations.acceptedAt), lt(invitations.expiresAt, new Date(now.getTime() - invitationKeptMs))))
    .returning({ id: invitations.id });
  const auditEvents = await purgeAllAudit(db, now);
  const goneLinks = await db
    .delete(downloadLinks)
    .where(lt(downloadLinks.expiresAt, now))
    .returning({ id: downloadLinks.id });
  return {
    sessions: goneSessions.length,
    invitations: goneInvitations.length,
    auditEvents,
    downloadLinks: goneLinks.length,
  };
}

/** Runs the purge on this instance's worker and keeps it on its hourly cron (sent once per hour for all instances). */
export function registerMaintenance(
  jobs: JobsRuntime,
  db: Database,
  now: () => Date,
  log: JobsLog,
  cron: string = MAINTENANCE_CRON,
): void {
  jobs.work(MAINTENANCE_QUEUE, async () => {
    try {
      // One transaction: a run that fails halfway leaves nothing half purged for its retry.
      const purged = await db.transaction((tx) => purgeExpired(tx, now()));
      if (purged.sessions + purged.invitations + purged.auditEvents + purged.downloadLinks > 0) {
        log.info({ purged }, 'purged expired sessions, invitations, download links and audit events past retention');
      }
    } catch (error) {
      log.error({ err: loggableError(error) }, 'maintenance (purging expired rows) failed');
      throw error;
    }
  });
  jobs.schedule(MAINTENANCE_QUEUE, cron, { task: 'purge-expired' });
}
