import { create } from 'zustand';
import { subscribe } from '../ipc-client';
import { useNavigationStore } from './navigation-store';
import { usePlatformStore } from './platform-store';

interface JoinLinkStore {
  /** The invitation link a ferry://join link brought, until the join screen takes it. */
  readonly link: string | null;
  /** The link for the join screen to fill in, forgotten once taken (a second visit starts empty). */
  take(): string | null;
  /** Follows main's `app.join` events: shows the welcome screen's join form on the link, also over a signed-in app. */
  listen(): () => void;
}

/** The invitation link of the last ferry://join link, waiting for the join screen. */
export const useJoinLinkStore = create<JoinLinkStore>((set, get) => ({
  link: null,
  take() {
    const { link } = get();
    if (link !== null) set({ link: null });
    return link;
  },
  listen() {
    return subscribe('app.join', ({ link }) => {
      set({ link });
      // The welcome screen shows over a signed-in app while an account is added: joining adds one.
      usePlatformStore.getState().setAdding(true);
      useNavigationStore.getState().go('organisation');
    });
  },
}));
