import { type Clock, systemClock } from './clock';

/** A progress report of one transfer. */
export interface TransferProgress {
  /** Bytes of the file now at the destination (including a resumed prefix). */
  readonly bytes: number;
  /** Size of the file, when known. */
  readonly total?: number;
  /** Recent rate in bytes per second (over the last few seconds). */
  readonly bytesPerSecond: number;
  /** Seconds left at the recent rate, when the total is known and the rate is not zero. */
  readonly etaSeconds?: number;
  /** Attempt number, from 1 (retries increase it). */
  readonly attempt: number;
}

const WINDOW_MS = 3000;

/** Computes rate and ETA from byte counts over a sliding window, emitting at most every `intervalMs`. */
export class ProgressMeter {
  private readonly samples: { t: number; bytes: number }[] = [];
  private lastEmit = -Infinity;
  private bytes = 0;
  attempt = 1;

  constructor(
    private readonly total: number | undefined,
    private readonly emit: ((progress: TransferProgress) => void) | undefined,
    private readonly clock: Clock = systemClock,
    private readonly intervalMs = 200,
  ) {}

  /** Sets the absolute byte count (e.g. the resumed offset) without counting it towards the rate. */
  reset(bytes: number): void {
    this.bytes = bytes;
    this.samples.length = 0;
    this.samples.push({ t: this.clock.now(), bytes });
  }

  /** Adds transferred bytes; emits when the interval has passed. */
  add(count: number): void {
    this.bytes += count;
    const now = this.clock.now();
    this.samples.push({ t: now, bytes: this.bytes });
    while (this.samples.length > 2 && now - this.samples[0]!.t > WINDOW_MS) this.samples.shift();
    if (this.emit !== undefined && now - this.lastEmit >= this.intervalMs) {
      this.lastEmit = now;
      this.emit(this.snapshot());
    }
  }

  /** Emits the current state regardless of the interval (at the end). */
  flush(): void {
    this.emit?.(this.snapshot());
  }

  /** The current state. */
  snapshot(): TransferProgress {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    const seconds = first && last ? (last.t - first.t) / 1000 : 0;
    const bytesPerSecond = first && last && seconds > 0 ? (last.bytes - first.bytes) / seconds : 0;
    const left = this.total === undefined ? undefined : Math.max(0, this.total - this.bytes);
    return {
      bytes: this.bytes,
      ...(this.total === undefined ? {} : { total: this.total }),
      bytesPerSecond,
      ...(left !== undefined && bytesPerSecond > 0 ? { etaSeconds: left / bytesPerSecond } : {}),
      attempt: this.attempt,
    };
  }
}
