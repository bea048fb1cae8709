import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import { backoffDelay, withRetries } from '../../../connectors/transfer/retry-policy';
import { expectCode } from '../../conformance/describe-conformance';
import { InstantClock } from './transfer-fakes';

const policy = { maxAttempts: 4, baseDelayMs: 100, maxDelayMs: 350 };

describe('retries', () => {
  it('backs off exponentially with jitter between half and all of the step, capped', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 0))).toEqual([50, 100, 175, 175]);
    expect([0, 1, 2, 3].map((n) => backoffDelay(n, policy, () => 1))).toEqual([100, 200, 350, 350]);
    expect(backoffDelay(0, policy, () => 0, 5000)).toBe(5000);
  });

  it('retries only Retryable errors, up to the attempt limit', async () => {
    const clock = new InstantClock();
    let calls = 0;
    await expectCode(
      withRetries(
        async () => {
          calls++;
          throw new ConnectorError('Retryable', 'busy');
        },
        { policy, clock, random: () => 0 },
      ),
      'Retryable',
    );
    expect(calls).toBe(4);
    expect(clock.delays).toEqual([50, 100, 175]);
    calls = 0;
    await expectCode(
      withRetries(
        async () => {
          calls++;
          throw new ConnectorError('AuthFailed', 'no');
        },
        { policy, clock },
      ),
      'AuthFailed',
    );
    expect(calls).toBe(1);
    expect(
      await withRetries(
        async (attempt) =>
          attempt < 3 ? Promise.reject(Object.assign(new Error('reset'), { code: 'ECONNRESET' })) : attempt,
        { policy, clock },
      ),
    ).toBe(3);
  });
});

describe('BandwidthLimiter', () => {
  it('holds a rate and applies a new one to waiting takers', async () => {
    const clock = new InstantClock();
    const limiter = new BandwidthLimiter(1000, clock);
    for (let i = 0; i < 10; i++) await limiter.take(100);
    expect(clock.time).toBeGreaterThanOrEqual(990);
    expect(clock.time).toBeLessThanOrEqual(1100);
    const start = clock.time;
    limiter.setRate(10_000);
    for (let i = 0; i < 10; i++) await limiter.take(1000);
    expect(clock.time - start).toBeGreaterThanOrEqual(990);
    expect(clock.time - start).toBeLessThanOrEqual(1100);
    limiter.setRate(null);
    const before = clock.time;
    await limiter.take(10_000_000);
    expect(clock.time).toBe(before);
  });

  it('shares the rate between concurrent takers', async () => {
    const clock = new InstantClock();
    const limiter = new BandwidthLimiter(1000, clock);
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 5; i++) await limiter.take(100);
      }),
    );
    expect(clock.time).toBeGreaterThanOrEqual(1900);
  });

  it('serves concurrent takers in turn: none starves while another keeps taking', async () => {
    // Real time (about 1 s): the fake clock's instant sleeps would hide a taker that never gets its turn.
    const limiter = new BandwidthLimiter(1_000_000);
    const order: string[] = [];
    const taker = async (name: string) => {
      for (let i = 0; i < 10; i++) {
        await limiter.take(50_000);
        order.push(name);
      }
    };
    await Promise.all([taker('a'), taker('b')]);
    // The longest run of one taker is short: the rate is shared, not won by whoever asked first.
    const longestRun = Math.max(
      ...order
        .join('')
        .split(/(?<=a)(?=b)|(?<=b)(?=a)/)
        .map((run) => run.length),
    );
    expect(longestRun).toBeLessThanOrEqual(2);
    expect(order.filter((n) => n === 'a')).toHaveLength(10);
  });

  it('stops waiting when cancelled', async () => {
    const limiter = new BandwidthLimiter(1);
    const controller = new AbortController();
    const waiting = limiter.take(1_000_000, controller.signal);
    controller.abort();
    await expectCode(waiting, 'Cancelled');
  });
});
