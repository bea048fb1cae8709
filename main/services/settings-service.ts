import { EventEmitter } from 'node:events';
import { DEFAULT_SETTINGS, type Settings, type SettingsPatch, SettingsSchema } from '../../shared/settings';
import type { KeyValueStore } from './key-value-store';

const KEY = 'settings';

/** Reads and writes the user's settings; a corrupt or outdated stored value falls back per field to defaults. */
export class SettingsService {
  private readonly events = new EventEmitter<{ change: [Settings] }>();

  constructor(private readonly store: KeyValueStore) {}

  /** The current settings, always complete and valid. */
  get(): Settings {
    const stored = this.store.get(KEY);
    const merged: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    if (stored && typeof stored === 'object') {
      for (const [key, value] of Object.entries(stored)) {
        const field = SettingsSchema.shape[key as keyof Settings];
        if (field?.safeParse(value).success) merged[key] = value;
      }
    }
    return SettingsSchema.parse(merged);
  }

  /** Applies a validated patch, persists it and notifies listeners when something changed. */
  set(patch: SettingsPatch): Settings {
    const before = this.get();
    const next = SettingsSchema.parse({ ...before, ...patch });
    if (JSON.stringify(next) !== JSON.stringify(before)) {
      this.store.set(KEY, next);
      this.events.emit('change', next);
    }
    return next;
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: (settings: Settings) => void): () => void {
    this.events.on('change', listener);
    return () => void this.events.off('change', listener);
  }
}
