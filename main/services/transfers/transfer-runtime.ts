import { EventEmitter } from 'node:events';
import { BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import { TransferQueue } from '../../../connectors/transfer/transfer-queue';
import { type TransferLimits, TransferLimitsSchema } from '../../../shared/ipc/transfers-ipc';
import type { KeyValueStore } from '../key-value-store';
import { TransferLimitsStore } from './transfer-limits-store';

interface RuntimeEvents {
  limits: [TransferLimits];
}

/**
 * The one place transfers take their turn and their bandwidth: one queue of whole transfers, the folder queues of
 * running folder copies, and one bandwidth limiter, all changeable live. The transfers service and the
 * sync agent run on it, so the user's global limits apply to everything Ferry moves.
 */
export class TransferRuntime {
  /** Whole transfers wait here for one of `concurrency` slots. */
  readonly queue: TransferQueue;
  /** Every byte Ferry moves takes its share from this limiter. */
  readonly limiter: BandwidthLimiter;
  private readonly limitsStore: TransferLimitsStore;
  private current: TransferLimits;
  private readonly folderQueues = new Set<TransferQueue>();
  private readonly events = new EventEmitter<RuntimeEvents>();

  constructor(store: KeyValueStore) {
    this.limitsStore = new TransferLimitsStore(store);
    this.current = this.limitsStore.get();
    this.queue = new TransferQueue(this.current.concurrency);
    this.limiter = new BandwidthLimiter(this.current.bandwidthBytesPerSecond);
  }

  /** The global limits. */
  limits(): TransferLimits {
    return this.current;
  }

  /** Changes the limits, remembers them and applies them at once to running and waiting work. */
  setLimits(patch: Partial<TransferLimits>): TransferLimits {
    const next = TransferLimitsSchema.parse({ ...this.current, ...patch });
    this.current = next;
    this.limitsStore.set(next);
    this.queue.setConcurrency(next.concurrency);
    for (const queue of this.folderQueues) queue.setConcurrency(next.concurrency);
    this.limiter.setRate(next.bandwidthBytesPerSecond);
    this.events.emit('limits', next);
    return next;
  }

  /** A queue for the files of one folder copy, following the concurrency limit until `release`d. */
  folderQueue(): { readonly queue: TransferQueue; readonly release: () => void } {
    const queue = new TransferQueue(this.current.concurrency);
    this.folderQueues.add(queue);
    return { queue, release: () => this.folderQueues.delete(queue) };
  }

  /** Calls `listener` when the limits change; returns the unsubscribe function. */
  onLimitsChange(listener: (limits: TransferLimits) => void): () => void {
    this.events.on('limits', listener);
    return () => this.events.off('limits', listener);
  }
}
