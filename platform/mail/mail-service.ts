import type { FastifyBaseLogger } from 'fastify';
import type { Executor } from '../db/database';
import type { TokenSealer } from '../auth/token-sealer';
import { defineQueue, type DeadJob, type JobRun } from '../jobs/job-queue';
import type { JobsRuntime } from '../jobs/jobs-runtime';
import type { MailMessage, Mailer } from './mailer';

/** How one attempt at sending a message ended. */
export type DeliveryOutcome = { readonly kind: 'sent' } | { readonly kind: 'failed'; readonly error: string };

/** What a message is about, for recording its outcome on that row (an invitation's e-mail status). */
export type MailSubject = { readonly kind: 'invitation'; readonly id: string };

/**
 * Records what became of a message on its subject; runs on the instance that tried it, after each attempt (a failed
 * attempt may be followed by a retry that succeeds).
 */
export type OutcomeHandler = (id: string, outcome: DeliveryOutcome) => Promise<void>;

/** Tells whoever stands for the message's subject that its retries are spent (after the last failed outcome). */
export type GivenUpHandler = (id: string, attempts: number) => Promise<void>;

/** A queued e-mail: the message sealed (it may carry a link), what the log may say, and whose outcome to record. */
export interface MailJob {
  readonly sealed: string;
  readonly about: Readonly<Record<string, string>>;
  readonly subject?: MailSubject;
}

/**
 * The queue of e-mails sent in the background: retried with backoff for about 8 minutes (a reset link lasts an hour),
 * then kept in `mail-dead`; a finished job (its sealed message) is deleted after a day.
 */
export const MAIL_QUEUE = defineQueue<MailJob>({
  name: 'mail',
  retryLimit: 4,
  retryDelay: 30,
  retryBackoff: true,
  retryDelayMax: 300,
  deadLetter: 'mail-dead',
  policy: 'standard',
  expireInSeconds: 120,
  keepDays: 1,
});

/** Messages sent at once at most per instance: a slow SMTP server holds a few connections, not one per request. */
const CONCURRENCY = 4;

/**
 * The platform's outgoing mail: `enqueue` writes a message to the `mail` job queue in the caller's transaction; any
 * instance on the database sends it (retried, then dead-lettered) and records the outcome on its subject.
 */
export class MailService {
  private readonly outcomeHandlers = new Map<MailSubject['kind'], OutcomeHandler>();
  private readonly givenUpHandlers = new Map<MailSubject['kind'], GivenUpHandler>();

  constructor(
    private readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
    private readonly jobs: JobsRuntime,
    private readonly sealer: TokenSealer,
  ) {
    jobs.work(MAIL_QUEUE, (job) => this.sendQueued(job), CONCURRENCY);
    jobs.onDeadLetter(MAIL_QUEUE, (job) => this.givenUp(job));
  }

  /** Whether messages can leave the server (SMTP configured); without it they wait in the outbox. */
  get kind(): Mailer['kind'] {
    return this.mailer.kind;
  }

  /** Sets how outcomes of messages about `kind` are recorded (every instance registers the same at build time). */
  recordOutcomes(kind: MailSubject['kind'], handler: OutcomeHandler): void {
    this.outcomeHandlers.set(kind, handler);
  }

  /** Sets who is told when a message about `kind` is given up (every instance registers the same at build time). */
  onGivenUp(kind: MailSubject['kind'], handler: GivenUpHandler): void {
    this.givenUpHandlers.set(kind, handler);
  }

  /**
   * Queues a message as a job written through `executor` (a transaction: no e-mail if it rolls back). The message is
   * sealed with the vault's keys, so the job table alone does not hold a usable link. `about` is what logs may name;
   * `subject` is the row whose outcome is recorded.
   */
  async enqueue(
    executor: Executor,
    message: MailMessage,
    about: Readonly<Record<string, string>>,
    subject?: MailSubject,
  ): Promise<void> {
    const sealed = await this.sealer.seal(JSON.stringify(message), 'mail');
    await this.jobs.send(MAIL_QUEUE, { sealed, about, ...(subject !== undefined ? { subject } : {}) }, { executor });
  }

  // A rejection fails the attempt: pg-boss retries it (maybe on another instance), then dead-letters it.
  private async sendQueued(job: JobRun<MailJob>): Promise<void> {
    const plain = await this.sealer.open(job.data.sealed, 'mail');
    if (plain === null) {
      // Another instance with the right key may take the retry; a server without it never can.
      this.log.error({ ...job.data.about, jobId: job.id }, 'queued e-mail sealed under a key not held here; not sent');
      await this.record(job.data, { kind: 'failed', error: 'sealed under a key this server does not hold' });
      throw new Error('the queued e-mail was sealed under a key not held here');
    }
    try {
      await this.mailer.send(JSON.parse(plain) as MailMessage);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.warn({ ...job.data.about, attempt: job.retryCount + 1, error: reason }, 'queued e-mail not sent');
      await this.record(job.data, { kind: 'failed', error: reason });
      throw new Error(reason);
    }
    await this.record(job.data, { kind: 'sent' });
  }

  // A failure here fails the dead letter's job, which pg-boss runs again; each report is one transaction, all or nothing.
  private async givenUp(job: DeadJob<MailJob>): Promise<void> {
    const subject = job.data.subject;
    this.log.error({ ...job.data.about, attempts: job.attempts }, 'queued e-mail given up');
    if (subject !== undefined) await this.givenUpHandlers.get(subject.kind)?.(subject.id, job.attempts);
  }

  // Recording must not turn a sent e-mail into a retry (sent twice): its own failure is only logged.
  private async record(job: MailJob, outcome: DeliveryOutcome): Promise<void> {
    if (job.subject === undefined) return;
    const handler = this.outcomeHandlers.get(job.subject.kind);
    try {
      await handler?.(job.subject.id, outcome);
    } catch (error) {
      this.log.error({ ...job.about, error: String(error) }, 'recording an e-mail outcome failed');
    }
  }
}
