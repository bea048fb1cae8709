import { create } from 'zustand';
import { AVAILABLE_SCREENS, type Screen } from '../../../shared/screens';
import { subscribe } from '../ipc-client';

interface NavigationStore {
  readonly screen: Screen;
  /** The tab the screen should open on (a notification's link to Organisation > Connectors), or null for its own. */
  readonly tab: string | null;
  /** Shows a screen if it is built, on `tab` when given; others are ignored (their entries are disabled). */
  go(screen: Screen, tab?: string): void;
  /** Follows main's `app.navigate` events (ferry:// links, tray, menu). */
  listen(): () => void;
}

/** Which screen the app frame shows. */
export const useNavigationStore = create<NavigationStore>((set, get) => ({
  // The first screen: the organisation, or the welcome (first-run setup, sign-in) when there is none yet.
  screen: 'organisation',
  tab: null,
  go(screen, tab) {
    if (AVAILABLE_SCREENS.has(screen)) set({ screen, tab: tab ?? null });
  },
  listen() {
    return subscribe('app.navigate', ({ screen }) => get().go(screen));
  },
}));
