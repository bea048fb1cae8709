import { sql } from 'drizzle-orm';
import { fromDrizzle, PgBoss, type DrizzleTransactionLike, type JobWithMetadata, type SendOptions } from 'pg-boss';
import type { FastifyBaseLogger } from 'fastify';
import type { Executor } from '../db/database';
import { loggableError } from '../http/loggable-error';
import type { BossDatabase } from './boss-database';
import type { DeadJobHandler, JobHandler, JobQueue } from './job-queue';

/** Where the runtime reports pg-boss's errors and warnings (the app's logger; tests pass a stub). */
export type JobsLog = Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;

/** How often the runtime looks for work; the defaults suit a server, tests go lower. */
export interface JobsRuntimeOptions {
  /** Seconds between a worker's polls when no notification woke it (default 2, at least 0.5). */
  readonly pollingIntervalSeconds?: number;
  /** Seconds between cron passes, shared by every instance on the database (default 30, 1 to 45). */
  readonly cronIntervalSeconds?: number;
  /** Seconds before a worker gives up waiting for its running jobs at stop (default 30). */
  readonly stopTimeoutSeconds?: number;
}

/** How to enqueue: in the caller's transaction, once per key while one is waiting, or later. */
export interface SendJobOptions {
  /** The transaction (or database) the job is written in: rolled back with it, visible only once it commits. */
  readonly executor?: Executor;
  readonly singletonKey?: string;
  readonly startAfter?: Date;
}

interface Worker {
  readonly queue: JobQueue<object>;
  readonly handler: JobHandler<object>;
  readonly concurrency: number;
}

interface DeadLetterWorker {
  readonly queue: JobQueue<object>;
  readonly handler: DeadJobHandler<object>;
}

interface CronSchedule {
  readonly queue: JobQueue<object>;
  readonly cron: string;
  readonly data: object;
}

/** pg-boss's schema in the platform's database, beside Drizzle's tables. */
const SCHEMA = 'pgboss';

/**
 * The platform's background jobs on pg-boss, in the platform's own database (PGlite or PostgreSQL): named queues
 * with retries and dead letters, cron schedules, singleton keys, and jobs enqueued inside the caller's transaction.
 * Several instances on one PostgreSQL share the queues: each job runs once, each cron occurrence is sent once.
 * Queues, workers and schedules are declared before `start()`; `stop()` lets running jobs finish first.
 */
export class JobsRuntime {
  private readonly boss: PgBoss;
  private readonly queues = new Map<string, JobQueue<object>>();
  private readonly workers: Worker[] = [];
  private readonly deadLetterWorkers: DeadLetterWorker[] = [];
  private readonly schedules: CronSchedule[] = [];
  private state: 'new' | 'starting' | 'started' | 'stopped' = 'new';
  private stopping: Promise<void> | undefined;

  constructor(
    database: BossDatabase,
    private readonly log: JobsLog,
    private readonly options: JobsRuntimeOptions = {},
  ) {
    this.boss = new PgBoss({
      db: database.db,
      backend: database.backend,
      schema: SCHEMA,
      // PGlite delivers NOTIFY in-process, so a job queued there wakes its worker at once.
      useListenNotify: database.backend === 'pglite',
      cronMonitorIntervalSeconds: options.cronIntervalSeconds ?? 30,
      cronWorkerIntervalSeconds: Math.min(5, options.cronIntervalSeconds ?? 5),
      // How often attempts whose heartbeat stopped (a killed instance) are failed for their retry; pg-boss says 60.
      superviseIntervalSeconds: 15,
    });
    // pg-boss reports its own failures (a poll, a cron pass) as events: without a listener they would crash.
    this.boss.on('error', (error) => this.log.error({ err: loggableError(error) }, 'background jobs error'));
    this.boss.on('warning', (warning) => this.log.warn({ warning: warning.message }, 'background jobs warning'));
  }

  /** Declares a queue (without a worker here: another instance may run it, or nothing until later). */
  queue<T extends object>(queue: JobQueue<T>): void {
    this.assertNew('queue');
    this.queues.set(queue.name, queue as JobQueue<object>);
  }

  /** Runs `handler` for the queue's jobs on this instance, `concurrency` at a time (default 1). */
  work<T extends object>(queue: JobQueue<T>, handler: JobHandler<T>, concurrency = 1): void {
    this.queue(queue);
    this.workers.push({ queue: queue as JobQueue<object>, handler: handler as JobHandler<object>, concurrency });
  }

  /**
   * Runs `handler` on this instance for each job the queue's dead-letter queue receives (its retries spent), with
   * the original job's ID, attempts and error. A rejection retries the handler (the dead-letter queue's defaults).
   */
  onDeadLetter<T extends object>(queue: JobQueue<T>, handler: DeadJobHandler<T>): void {
    if (queue.deadLetter === undefined) throw new Error(`the queue ${queue.name} has no dead-letter queue`);
    this.queue(queue);
    this.deadLetterWorkers.push({ queue: queue as JobQueue<object>, handler: handler as DeadJobHandler<object> });
  }

  /** Sends a job with `data` to the queue on a cron expression (UTC; one job per minute at most, once for all). */
  schedule<T extends object>(queue: JobQueue<T>, cron: string, data: T): void {
    this.queue(queue);
    this.schedules.push({ queue: queue as JobQueue<object>, cron, data });
  }

  /** Installs or upgrades pg-boss's schema, creates the queues, starts the workers and the schedules. */
  async start(): Promise<void> {
    this.assertNew('start');
    this.state = 'starting';
    // Retried: two instances installing pg-boss's schema at once can collide on CREATE SCHEMA IF NOT EXISTS
    // (PostgreSQL answers a unique violation); the next attempt finds the schema installed.
    await this.boss.start({ attempts: 3 });
    try {
      for (const queue of this.queues.values()) {
        if (queue.deadLetter !== undefined)
          await this.boss.createQueue(queue.deadLetter, { retentionSeconds: 14 * 86_400 });
        await this.boss.createQueue(queue.name, {
          policy: queue.policy,
          retryLimit: queue.retryLimit,
          retryDelay: queue.retryDelay,
          retryBackoff: queue.retryBackoff,
          ...(queue.retryDelayMax !== undefined ? { retryDelayMax: queue.retryDelayMax } : {}),
          ...(queue.deadLetter !== undefined ? { deadLetter: queue.deadLetter } : {}),
          ...(queue.expireInSeconds !== undefined ? { expireInSeconds: queue.expireInSeconds } : {}),
          ...(queue.keepDays !== undefined ? { deleteAfterSeconds: queue.keepDays * 86_400 } : {}),
          ...(queue.heartbeatSeconds !== undefined ? { heartbeatSeconds: queue.heartbeatSeconds } : {}),
          notify: true,
        });
        // createQueue leaves an existing queue as it was: a queue made by an older version takes up the heartbeat.
        if (queue.heartbeatSeconds !== undefined) {
          await this.boss.updateQueue(queue.name, { heartbeatSeconds: queue.heartbeatSeconds });
        }
      }
      for (const { queue, handler, concurrency } of this.workers) {
        await this.boss.work<object>(
          queue.name,
          {
            pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2,
            // A notification wakes the worker at once; polling stays as the floor.
            notifyPollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 30,
            localConcurrency: concurrency,
          },
          async ([job]) => {
            if (job !== undefined) await handler({ id: job.id, data: job.data, retryCount: job.retryCount });
          },
        );
      }
      for (const { queue, handler } of this.deadLetterWorkers) {
        await this.boss.work(
          queue.deadLetter as string,
          { pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 2, includeMetadata: true },
          async ([job]: JobWithMetadata<object>[]) => {
            if (job === undefined) return;
            const output = (job.sourceOutput ?? {}) as { readonly name?: unknown; readonly code?: unknown };
            await handler({
              id: job.id,
              data: job.data,
              sourceId: job.sourceId,
              attempts: (job.sourceRetryCount ?? 0) + 1,
              // Only the error's name and code: its message and stack may quote what the job worked on.
              error: {
                name: typeof output.name === 'string' ? output.name : null,
                code: typeof output.code === 'string' ? output.code : null,
              },
            });
          },
        );
      }
      for (const { queue, cron, data } of this.schedules) {
        await this.boss.schedule(queue.name, cron, data, { tz: 'UTC' });
      }
    } catch (error) {
      await this.boss.stop({ graceful: false, close: false }).catch(() => undefined);
      this.state = 'stopped';
      throw error;
    }
    this.state = 'started';
  }

  /**
   * Enqueues a job; with `executor` a transaction, the job exists only if that transaction commits. Returns the
   * job's ID, or null when a job with the same singleton key already waits (the queue's policy allowing one).
   */
  async send<T extends object>(queue: JobQueue<T>, data: T, options: SendJobOptions = {}): Promise<string | null> {
    if (this.state !== 'started') throw new Error(`the jobs runtime is not running (${this.state})`);
    if (!this.queues.has(queue.name)) throw new Error(`the queue ${queue.name} was not declared`);
    const sendOptions: SendOptions = {
      // Both drivers' execute() answer { rows }; the platform's Database type leaves it unknown.
      ...(options.executor !== undefined
        ? { db: fromDrizzle(options.executor as unknown as DrizzleTransactionLike, sql) }
        : {}),
      ...(options.singletonKey !== undefined ? { singletonKey: options.singletonKey } : {}),
      ...(options.startAfter !== undefined ? { startAfter: options.startAfter } : {}),
    };
    return this.boss.send(queue.name, data, sendOptions);
  }

  /** The data of the jobs a queue holds in any state (dead-letter queues included), oldest first. */
  async jobsOf<T extends object>(
    queueName: string,
  ): Promise<ReadonlyArray<{ readonly id: string; readonly state: string; readonly data: T }>> {
    const jobs = await this.boss.findJobs<T>(queueName);
    return jobs.map((job) => ({ id: job.id, state: job.state, data: job.data }));
  }

  /** Stops polling and the schedules, waits for running jobs (up to the timeout); the database stays open. */
  stop(): Promise<void> {
    if (this.state === 'new' || this.state === 'stopped') {
      this.state = 'stopped';
      return Promise.resolve();
    }
    return (this.stopping ??= (async () => {
      await this.boss.stop({ graceful: true, close: false, timeout: (this.options.stopTimeoutSeconds ?? 30) * 1000 });
      this.state = 'stopped';
    })());
  }

  private assertNew(what: string): void {
    if (this.state !== 'new') throw new Error(`${what}: the jobs runtime already started`);
  }
}
