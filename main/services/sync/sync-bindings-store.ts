import { EventEmitter } from 'node:events';
import { z } from 'zod';
import { type SyncBinding, SyncBindingSchema } from '../../../shared/ipc/sync-ipc';
import type { KeyValueStore } from '../key-value-store';

const KEY = 'sync.bindings';

/** Where the agent's bindings are kept: the app's store (the window edits them) or a config file (`ferry agent`). */
export interface BindingSource {
  list(): readonly SyncBinding[];
}

/** The app's bindings, in its key-value store; an entry that no longer validates is dropped, never half-used. */
export class SyncBindingsStore implements BindingSource {
  private readonly events = new EventEmitter<{ change: [readonly SyncBinding[]] }>();

  constructor(private readonly store: KeyValueStore) {}

  list(): readonly SyncBinding[] {
    const saved = z.array(z.unknown()).safeParse(this.store.get(KEY));
    if (!saved.success) return [];
    return saved.data.flatMap((item) => {
      const parsed = SyncBindingSchema.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Adds the binding, or replaces the one with its id. */
  save(binding: SyncBinding): SyncBinding {
    const parsed = SyncBindingSchema.parse(binding);
    const others = this.list().filter((b) => b.id !== parsed.id);
    this.write([...others, parsed]);
    return parsed;
  }

  /** Removes a binding; false when there was none with that id. */
  remove(id: string): boolean {
    const before = this.list();
    const after = before.filter((b) => b.id !== id);
    if (after.length === before.length) return false;
    this.write(after);
    return true;
  }

  /** Calls `listener` after each change; returns the unsubscribe function. */
  onChange(listener: (bindings: readonly SyncBinding[]) => void): () => void {
    this.events.on('change', listener);
    return () => this.events.off('change', listener);
  }

  private write(bindings: readonly SyncBinding[]): void {
    this.store.set(KEY, bindings);
    this.events.emit('change', bindings);
  }
}

/** Bindings fixed at start (the headless agent's config file). */
export function fixedBindings(bindings: readonly SyncBinding[]): BindingSource {
  return { list: () => bindings };
}
