import { type ConnectorError, isConnectorError } from '../connector-error';
import { mapNodeError } from '../map-node-error';
import { type Clock, systemClock } from './clock';

/** How Retryable failures are retried: exponential backoff with jitter, bounded attempts. */
export interface RetryPolicy {
  /** Total attempts including the first. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles each time. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Defaults: 6 attempts over about half a minute. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 15_000 };

/**
 * Delay before retry number `retry` (0 for the first retry): base * 2^retry capped, with "equal jitter"
 * (between half and all of it) so parallel transfers do not retry in lockstep; at least what the server asked.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, random: () => number, retryAfterMs = 0): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  return Math.max(retryAfterMs, ceiling / 2 + (random() * ceiling) / 2);
}

/** What `withRetries` needs besides the operation. */
export interface RetryOptions {
  readonly policy?: RetryPolicy;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly signal?: AbortSignal;
  /** Called before each wait, with the error and the delay. */
  readonly onRetry?: (error: ConnectorError, attempt: number, delayMs: number) => void;
}

/** Runs `operation` (given the attempt number, from 1), retrying Retryable ConnectorErrors per the policy. */
export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (raw) {
      const error = isConnectorError(raw) ? raw : mapNodeError(raw);
      if (error.code !== 'Retryable' || attempt >= policy.maxAttempts || options.signal?.aborted) throw error;
      const wait = backoffDelay(attempt - 1, policy, random, error.retryAfterMs);
      options.onRetry?.(error, attempt, wait);
      await clock.sleep(wait, options.signal);
    }
  }
}
