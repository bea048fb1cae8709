/** Runs tasks with at most `concurrency` at a time, in the order they were added; the limit can change live. */
export class TransferQueue {
  private limit: number;
  private active = 0;
  private readonly pending: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(concurrency = 4) {
    this.limit = checkedLimit(concurrency);
  }

  /** Current concurrency limit. */
  get concurrency(): number {
    return this.limit;
  }

  /** Tasks running now. */
  get running(): number {
    return this.active;
  }

  /** Tasks waiting for a slot. */
  get waiting(): number {
    return this.pending.length;
  }

  /** Changes the limit; a higher limit starts waiting tasks at once, a lower one applies as tasks finish. */
  setConcurrency(concurrency: number): void {
    this.limit = checkedLimit(concurrency);
    this.drain();
  }

  /** Queues a task; resolves or rejects with its outcome. */
  add<T>(task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push(() => {
        this.active++;
        task()
          .then(resolve, reject)
          .finally(() => {
            this.active--;
            this.drain();
          });
      });
      this.drain();
    });
  }

  /** Resolves when nothing runs or waits. */
  onIdle(): Promise<void> {
    if (this.active === 0 && this.pending.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private drain(): void {
    while (this.active < this.limit && this.pending.length > 0) this.pending.shift()!();
    if (this.active === 0 && this.pending.length === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const wake of waiters) wake();
    }
  }
}

function checkedLimit(concurrency: number): number {
  if (!Number.isInteger(concurrency) || concurrency < 1)
    throw new RangeError(`concurrency must be >= 1: ${concurrency}`);
  return concurrency;
}
