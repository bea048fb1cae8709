import { type PreferenceValue, PreferenceValueSchema } from '../../shared/ipc/ui-ipc';
import type { KeyValueStore } from './key-value-store';

const KEY = 'ui';

/** Remembers small UI choices (table columns, sort, page size) next to the settings. */
export class UiPreferences {
  constructor(private readonly store: KeyValueStore) {}

  private all(): Record<string, unknown> {
    const stored = this.store.get(KEY);
    return stored && typeof stored === 'object' && !Array.isArray(stored) ? (stored as Record<string, unknown>) : {};
  }

  /** The remembered value, or null when never set or no longer valid. */
  get(key: string): PreferenceValue | null {
    const all = this.all();
    if (!Object.hasOwn(all, key)) return null;
    const parsed = PreferenceValueSchema.safeParse(all[key]);
    return parsed.success ? parsed.data : null;
  }

  /** Remembers a value; null forgets it. */
  set(key: string, value: PreferenceValue | null): void {
    const { [key]: _previous, ...rest } = this.all();
    this.store.set(KEY, value === null ? rest : { ...rest, [key]: value });
  }
}
