/** What a job's handler receives: its ID, its data and how many times it was retried before this attempt. */
export interface JobRun<T> {
  readonly id: string;
  readonly data: T;
  readonly retryCount: number;
}

/** Runs one job; a rejection fails the attempt (retried per the queue's policy, then dead-lettered). */
export type JobHandler<T> = (job: JobRun<T>) => Promise<void>;

/** A job whose retries are spent, as its queue's dead-letter queue received it. */
export interface DeadJob<T> {
  /** The dead-letter copy's ID. */
  readonly id: string;
  readonly data: T;
  /** The failed job's ID in its own queue. */
  readonly sourceId: string | null;
  /** How many times it ran before it was given up. */
  readonly attempts: number;
  /** The last attempt's error: its class name and code only (a message may quote what the job worked on). */
  readonly error: { readonly name: string | null; readonly code: string | null };
}

/** Handles a dead-lettered job (tells someone); a rejection retries it. */
export type DeadJobHandler<T> = (job: DeadJob<T>) => Promise<void>;

/**
 * A named queue and its rules: how often a failed job is retried and how long it waits (doubling with `backoff`),
 * where it goes once its retries are spent, and whether jobs of one singleton key may run at the same time.
 */
export interface JobQueue<T extends object> {
  readonly name: string;
  readonly retryLimit: number;
  /** Seconds before the first retry; with `retryBackoff` each next wait roughly doubles, up to `retryDelayMax`. */
  readonly retryDelay: number;
  readonly retryBackoff: boolean;
  readonly retryDelayMax?: number;
  /** The dead-letter queue (created with this one) that keeps a job whose retries are spent. */
  readonly deadLetter?: string;
  /** `singleton`: of the jobs sharing a singleton key, one at most is active at a time, on every instance. */
  readonly policy: 'standard' | 'singleton';
  /** Seconds an attempt may run before it counts as failed (default 15 minutes). */
  readonly expireInSeconds?: number;
  /**
   * Long attempts beat every half of this many seconds (at least 10); one that stops beating (its instance was killed)
   * counts as failed and is retried within about this long, instead of waiting out `expireInSeconds`.
   */
  readonly heartbeatSeconds?: number;
  /** Days a finished job stays readable (pg-boss's default is 7). */
  readonly keepDays?: number;
  /** Carries the data type only; never set. */
  readonly dataType?: T;
}

/** Declares a queue with its data type; the runtime creates it (and its dead-letter queue) at start. */
export function defineQueue<T extends object>(queue: JobQueue<T>): JobQueue<T> {
  return queue;
}
