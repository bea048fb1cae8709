import type { ResourceKind } from '../../shared/platform';
import type { Database, Executor } from '../db/database';
import { auditSystemEvent } from '../audit/system-audit';
import { notify } from '../notifications/notify';
import { adminsOf, ownerPersonOf } from '../notifications/notification-recipients';
import type { DeadJob, JobHandler, JobQueue } from './job-queue';
import type { JobsRuntime } from './jobs-runtime';

/** The owned resource a job works for: its organisation, and its kind and ID in owned_resources. */
export interface JobSubject {
  readonly orgId: string;
  readonly kind: ResourceKind;
  readonly id: string;
}

/**
 * Who a queue's jobs belong to, read from a job's data when it is given up. Connector checks name their connector;
 * imports and deliveries name their offer or subscription the same way.
 */
export interface JobOwnership<T extends object> {
  /** The organisation and the owned resource the job works for. */
  subjectOf(data: T): JobSubject;
  /**
   * What the job was doing, in English and without any secret, e.g. `The daily check of connector "Partner SFTP"`;
   * null when its subject is gone (nothing left to tell anyone about).
   */
  describe(db: Executor, data: T): Promise<string | null>;
  /** Also tell the organisation's admins (default: the owner only, or the admins when nobody owns the subject). */
  readonly alsoAdmins?: boolean;
}

/** The audit action of a job given up. */
export const JOB_FAILED_ACTION = 'jobs.failed';

// An error code as drivers and the API spell them; anything else is left out rather than risk quoting data.
const SAFE_CODE = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * Reports a job whose retries are spent, in one transaction: a `jobs.failed` audit entry in its organisation (target:
 * its subject) and a `job.failed` notification to the subject's owner (a member, or the member who created the
 * owning API key), to the admins too when asked or when nobody owns it.
 */
export async function reportGivenUpJob<T extends object>(
  db: Executor,
  at: Date,
  queue: JobQueue<T>,
  job: DeadJob<T>,
  ownership: JobOwnership<T>,
): Promise<void> {
  const what = await ownership.describe(db, job.data);
  if (what === null) return;
  const subject = ownership.subjectOf(job.data);
  const owner = await ownerPersonOf(db, subject.orgId, subject.kind, subject.id);
  const admins = owner === null || ownership.alsoAdmins === true ? await adminsOf(db, subject.orgId) : [];
  const code = job.error.code !== null && SAFE_CODE.test(job.error.code) ? job.error.code : null;
  const target = { type: subject.kind, id: subject.id };
  await auditSystemEvent(db, at, {
    orgId: subject.orgId,
    action: JOB_FAILED_ACTION,
    target,
    reason: `${queue.name}: given up after ${job.attempts} attempt(s)${code === null ? '' : ` (${code})`}`,
  });
  await notify(
    db,
    {
      orgId: subject.orgId,
      kind: 'job.failed',
      subject: target,
      params: { queue: queue.name, attempts: job.attempts, errorCode: code, what },
      message: `${what} failed ${job.attempts} time(s) in a row and was given up; the platform's log has the details.`,
    },
    owner === null ? admins : [owner, ...admins],
    at,
  );
}

/**
 * Runs a queue's jobs on this instance and reports each one whose retries are spent to its owner (see
 * reportGivenUpJob). The queue needs a dead-letter queue; every instance declaring it also watches that queue.
 */
export function workOwnedQueue<T extends object>(
  jobs: JobsRuntime,
  db: Database,
  now: () => Date,
  queue: JobQueue<T>,
  handler: JobHandler<T>,
  ownership: JobOwnership<T>,
  concurrency = 1,
): void {
  jobs.work(queue, handler, concurrency);
  jobs.onDeadLetter(queue, (job) => db.transaction((tx) => reportGivenUpJob(tx, now(), queue, job, ownership)));
}
