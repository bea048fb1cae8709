import type { FastifyBaseLogger } from 'fastify';
import type { MailMessage, Mailer } from './mailer';

/** How the sending of one message ended. */
export type DeliveryOutcome = { readonly kind: 'sent' } | { readonly kind: 'failed'; readonly error: string };

/** Records what became of a message (e.g. the invitation's e-mail status); runs after the attempt, off the request. */
export type OutcomeHandler = (outcome: DeliveryOutcome) => Promise<void> | void;

interface Job {
  readonly message: MailMessage;
  readonly onOutcome: OutcomeHandler | undefined;
  readonly settle: (outcome: DeliveryOutcome) => void;
}

/** Messages sent at once at most: a slow SMTP server holds a few connections, not one per request. */
const CONCURRENCY = 4;

/**
 * The platform's outgoing mail: callers hand a message over and go on; it is sent from an in-process queue, and its
 * outcome handler then runs. (The jobs issue moves this queue onto pg-boss; callers keep this interface.)
 */
export class MailService {
  private readonly waiting: Job[] = [];
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly mailer: Mailer,
    private readonly log: FastifyBaseLogger,
  ) {}

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
