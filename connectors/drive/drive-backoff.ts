import { cancelledError } from '../connector-error';
import { isDriveRateLimit } from './map-drive-error';

/** How rate limits are waited out: attempts in all, and the first delay (doubled each time, with full jitter). */
export interface BackoffPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Drive's advice: exponential backoff from about a second, randomised, a handful of tries. */
export const DRIVE_BACKOFF: BackoffPolicy = { attempts: 6, baseDelayMs: 1000, maxDelayMs: 32_000 };

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(signal));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(cancelledError(signal));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `call`, waiting out Drive's rate limits (403 userRateLimitExceeded / rateLimitExceeded, 429): the delay
 * doubles each time and is drawn at random below that bound (full jitter) so parallel transfers spread out.
 * Other errors, and the last rate limit, are thrown as they are.
 */
export async function withDriveBackoff<T>(
  call: () => Promise<T>,
  policy: BackoffPolicy = DRIVE_BACKOFF,
  signal?: AbortSignal,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isDriveRateLimit(error)) throw error;
      const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      await sleep(Math.random() * bound, signal);
    }
  }
}
