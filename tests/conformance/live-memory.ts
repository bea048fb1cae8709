import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const MiB = 1024 * 1024;

// A gc() function without --expose-gc on the command line (vitest's forks pool sets no flags for us).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/**
 * Samples RSS after a forced GC while some work runs, so only live memory counts, not garbage V8 has not collected
 * yet (ssh2 and TLS allocate a buffer per packet). A driver that buffers a whole file still shows it in full.
 */
export class LiveMemorySampler {
  private readonly baseline: number;
  private peak: number;
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 25) {
    gc();
    this.baseline = process.memoryUsage().rss;
    this.peak = this.baseline;
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  private sample(): void {
    gc();
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }

  /** Stops sampling and returns the peak growth over the baseline, in MiB. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return (this.peak - this.baseline) / MiB;
  }
}
