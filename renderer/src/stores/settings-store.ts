import { create } from 'zustand';
import type { AppInfo } from '../../../shared/ipc';
import type { Settings, SettingsPatch } from '../../../shared/settings';
import { invoke, subscribe } from '../ipc-client';

/** Settings as the renderer sees them: loaded from main, kept in sync with its `settings.changed` events. */
export type SettingsState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'ready'; readonly settings: Settings; readonly info: AppInfo };

interface SettingsStore {
  readonly state: SettingsState;
  /** Loads settings and app info, then follows changes made elsewhere (menu, another window). */
  load(): Promise<void>;
  /** Saves a change through main; the store updates from main's answer, never optimistically. */
  update(patch: SettingsPatch): Promise<void>;
}

/** The settings store (one store per domain, as GitHub Desktop does). */
export const useSettingsStore = create<SettingsStore>((set, get) => {
  let unsubscribe: (() => void) | undefined;
  const replace = (settings: Settings): void => {
    const { state } = get();
    if (state.status === 'ready') set({ state: { ...state, settings } });
  };
  return {
    state: { status: 'loading' },
    async load() {
      try {
        const [settings, info] = await Promise.all([invoke('settings.get', {}), invoke('app.info', {})]);
        set({ state: { status: 'ready', settings, info } });
        unsubscribe ??= subscribe('settings.changed', replace);
      } catch (error) {
        set({ state: { status: 'failed', error } });
      }
    },
    async update(patch) {
      replace(await invoke('settings.set', patch));
    },
  };
});
