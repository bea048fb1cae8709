import { DEFAULT_TRANSFER_LIMITS, type TransferLimits, TransferLimitsSchema } from '../../../shared/ipc/transfers-ipc';
import type { KeyValueStore } from '../key-value-store';

const KEY = 'transferLimits';

/** Remembers the queue's global limits next to the settings; an invalid stored value falls back per field. */
export class TransferLimitsStore {
  constructor(private readonly store: KeyValueStore) {}

  /** The remembered limits, always valid. */
  get(): TransferLimits {
    const stored = this.store.get(KEY);
    const merged: Record<string, unknown> = { ...DEFAULT_TRANSFER_LIMITS };
    if (stored && typeof stored === 'object') {
      for (const [key, value] of Object.entries(stored)) {
        const field = TransferLimitsSchema.shape[key as keyof TransferLimits];
        if (field?.safeParse(value).success) merged[key] = value;
      }
    }
    return TransferLimitsSchema.parse(merged);
  }

  /** Saves limits (already validated). */
  set(limits: TransferLimits): void {
    this.store.set(KEY, limits);
  }
}
