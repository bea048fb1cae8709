import { create } from 'zustand';
import { AVAILABLE_SCREENS, type Screen } from '../../../shared/screens';
import { subscribe } from '../ipc-client';

interface NavigationStore {
  readonly screen: Screen;
  /** Shows a screen if it is built; others are ignored (their navigation entries are disabled). */
  go(screen: Screen): void;
  /** Follows main's `app.navigate` events (ferry:// links, tray, menu). */
  listen(): () => void;
}

/** Which screen the app frame shows. */
export const useNavigationStore = create<NavigationStore>((set, get) => ({
  // The first screen: the organisation, or the welcome (first-run setup, sign-in) when there is none yet.
  screen: 'organisation',
  go(screen) {
    if (AVAILABLE_SCREENS.has(screen)) set({ screen });
  },
  listen() {
    return subscribe('app.navigate', ({ screen }) => get().go(screen));
  },
}));
