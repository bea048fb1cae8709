import type { FastifyBaseLogger } from 'fastify';
import type { Executor } from '../db/database';
import type { TokenSealer } from '../auth/token-sealer';
import { defineQueue, type JobRun } from '../jobs/job-queue';
import type { JobsRuntime } from '../jobs/jobs-runtime';
import type { MailMessage, Mailer } from './mailer';

/** How the sending of one message ended. */
export type DeliveryOutcome = { readonly kind: 'sent' } | { readonly kind: 'failed'; readonly error: string };

/** Records what became of a message (e.g. the invitation's e-mail status); runs after the attempt, off the request. */
export type OutcomeHandler = (outcome: DeliveryOutcome) => Promise<void> | void;

/** A queued e-mail: the message sealed (it may carry a reset link), and what the log may say about it. */
export interface MailJob {
  readonly sealed: string;
  readonly about: Readonly<Record<string, string>>;
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

interface Job {
  readonly message: MailMessage;
  readonly onOutcome: OutcomeHandler | undefined;
  readonly settle: (outcome: DeliveryOutcome) => void;
}

/** Messages sent at once at most: a slow SMTP server holds a few connections, not one per request. */
const CONCURRENCY = 4;

/**
 * The platform's outgoing mail. `enqueue` writes a message to the `mail` job queue in the caller's transaction (any
 * instance on the database sends it, retried then dead-lettered); `deliver` sends at once from an in-process queue
 * and runs an outcome handler, for a request whose answer reports how its e-mail went (invitations).
 */
export class MailService {
  private readonly waiting: Job[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
    private readonly jobs: JobsRuntime,
    private readonly sealer: TokenSealer,
  ) {
    jobs.work(MAIL_QUEUE, (job) => this.sendQueued(job), CONCURRENCY);
  }

  /** Whether messages can leave the server (SMTP configured); without it they wait in the outbox. */
  get kind(): Mailer['kind'] {
    return this.mailer.kind;
  }

  /**
   * Queues a message; the promise settles (never rejects) once it was tried and `onOutcome` ran. Callers that need
   * not know the outcome do not wait for it.
   */
  deliver(message: MailMessage, onOutcome?: OutcomeHandler): Promise<DeliveryOutcome> {
    return new Promise((settle) => {
      this.waiting.push({ message, onOutcome, settle });
      // Started on a later turn, so the send never runs inside the caller's own step.
      setImmediate(() => this.pump());
    });
  }

  /**
   * Queues a message as a job written through `executor` (a transaction: no e-mail if it rolls back). The message is
   * sealed with the server's key, so the job table alone does not hold a usable link. `about` is what logs may name.
   */
  async enqueue(executor: Executor, message: MailMessage, about: Readonly<Record<string, string>>): Promise<void> {
    await this.jobs.send(MAIL_QUEUE, { sealed: this.sealer.seal(JSON.stringify(message)), about }, { executor });
  }

  /** Resolves when every message queued so far was tried (before closing the database, and in tests). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.running < CONCURRENCY && this.waiting.length > 0) {
      const job = this.waiting.shift() as Job;
      this.running++;
      void this.run(job).finally(() => {
        this.running--;
        this.pump();
        if (this.running === 0 && this.waiting.length === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const resolve of waiters) resolve();
        }
      });
    }
  }

  // A rejection fails the attempt: pg-boss retries it (maybe on another instance), then dead-letters it.
  private async sendQueued(job: JobRun<MailJob>): Promise<void> {
    const plain = this.sealer.open(job.data.sealed);
    if (plain === null) {
      // Another instance with the right key may take the retry; a server without it never can.
      this.log.error({ ...job.data.about, jobId: job.id }, 'queued e-mail sealed under another key; not sent');
      throw new Error('the queued e-mail was sealed under another key');
    }
    try {
      await this.mailer.send(JSON.parse(plain) as MailMessage);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.log.warn({ ...job.data.about, attempt: job.retryCount + 1, error: reason }, 'queued e-mail not sent');
      throw new Error(reason);
    }
  }

  private async run(job: Job): Promise<void> {
    let outcome: DeliveryOutcome;
    try {
      await this.mailer.send(job.message);
      outcome = { kind: 'sent' };
    } catch (error) {
      outcome = { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
    try {
      await job.onOutcome?.(outcome);
    } catch (error) {
      this.log.error({ error: String(error) }, 'recording an e-mail outcome failed');
    }
    job.settle(outcome);
  }
}
