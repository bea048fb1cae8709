import { setTimeout as delay } from 'node:timers/promises';
import { cancelledError } from '../connector-error';

/** Time as the transfer engine sees it; tests inject a fake one to run backoff and throttling instantly. */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Waits `ms`; rejects with Cancelled when the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => performance.now(),
  async sleep(ms, signal) {
    try {
      await delay(Math.max(0, ms), undefined, signal === undefined ? undefined : { signal });
    } catch (error) {
      if (signal?.aborted) throw cancelledError(signal);
      throw error;
    }
  },
};
