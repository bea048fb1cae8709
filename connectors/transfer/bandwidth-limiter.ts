import { throwIfAborted } from '../connector-error';
import { type Clock, systemClock } from './clock';

// Waiters re-check at least this often so a rate change applies quickly to transfers already waiting.
const MAX_WAIT_SLICE_MS = 100;

/**
 * A global token bucket shared by all transfers: `take(n)` waits until n bytes fit under the rate. Takers are served
 * in arrival order, so concurrent transfers share the rate instead of one starving the others. The rate can change
 * (or be lifted with null) while transfers run; waiting transfers pick the new rate up within 100 ms.
 */
export class BandwidthLimiter {
  private rate: number | null;
  private tokens = 0;
  private last: number;
  private readonly waiters: object[] = [];

  constructor(
    bytesPerSecond: number | null = null,
    private readonly clock: Clock = systemClock,
  ) {
    this.rate = normalizeRate(bytesPerSecond);
    this.last = clock.now();
  }

  /** Bytes per second, or null when unlimited. */
  get bytesPerSecond(): number | null {
    return this.rate;
  }

  /** Changes the rate for every transfer, including those running and waiting. */
  setRate(bytesPerSecond: number | null): void {
    this.refill();
    this.rate = normalizeRate(bytesPerSecond);
    if (this.rate === null) this.tokens = 0;
    else this.tokens = Math.min(this.tokens, this.capacity());
  }

  /**
   * Waits until `bytes` may pass. Takers queue in arrival order; the one at the head pays (the balance may go
   * negative) and waits until the balance is paid back before the next one pays.
   */
  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    throwIfAborted(signal);
    if (this.rate === null) return;
    const ticket = {};
    this.waiters.push(ticket);
    try {
      let paid = false;
      for (;;) {
        const rate = this.rate;
        if (rate === null) return;
        this.refill();
        if (!paid && this.waiters[0] === ticket) {
          this.tokens -= bytes;
          paid = true;
        }
        if (paid && this.tokens >= 0) return;
        const waitMs = Math.min(MAX_WAIT_SLICE_MS, (Math.max(0, -this.tokens) / rate) * 1000);
        await this.clock.sleep(Math.max(1, waitMs), signal);
      }
    } finally {
      this.waiters.splice(this.waiters.indexOf(ticket), 1);
    }
  }

  private capacity(): number {
    // One second of burst, at least 64 KiB so small rates still move whole chunks.
    return Math.max(64 * 1024, this.rate ?? 0);
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    if (this.rate !== null) this.tokens = Math.min(this.capacity(), this.tokens + elapsed * this.rate);
  }
}

function normalizeRate(rate: number | null): number | null {
  if (rate === null || !Number.isFinite(rate) || rate <= 0) return null;
  return rate;
}
