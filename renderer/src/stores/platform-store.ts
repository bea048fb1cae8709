import { create } from 'zustand';
import type { MethodInput } from '../../../shared/ipc';
import type { AccountView, PlatformState } from '../../../shared/ipc/platform-ipc';
import type { Membership } from '../../../shared/platform';
import { invoke } from '../ipc-client';

/** The platform connection as the renderer sees it: the accounts (never a token) and the active one. */
export type PlatformStoreState =
  | { readonly status: 'loading' }
  | { readonly status: 'failed'; readonly error: unknown }
  | { readonly status: 'ready'; readonly platform: PlatformState };

interface PlatformStore {
  readonly state: PlatformStoreState;
  /** True while the user adds another account (the welcome screen shows over a signed-in app). */
  readonly adding: boolean;
  load(): Promise<void>;
  setupLocal(input: MethodInput<'platform.setupLocal'>): Promise<void>;
  signIn(input: MethodInput<'platform.signIn'>): Promise<void>;
  acceptInvitation(input: MethodInput<'platform.acceptInvitation'>): Promise<void>;
  switchAccount(accountId: string): Promise<void>;
  switchOrganisation(orgId: string): Promise<void>;
  signOut(accountId: string): Promise<void>;
  removeAccount(accountId: string): Promise<void>;
  refresh(): Promise<void>;
  setAdding(adding: boolean): void;
}

/** The active account, when there is one. */
export function activeAccount(platform: PlatformState): AccountView | undefined {
  return platform.accounts.find((a) => a.id === platform.activeAccountId);
}

/** The active account's current organisation and role there, when signed in. */
export function activeMembership(platform: PlatformState): Membership | undefined {
  const account = activeAccount(platform);
  return account?.signedIn ? account.memberships.find((m) => m.orgId === account.orgId) : undefined;
}

/** The platform connection store; every change goes through main and the store takes main's answer. */
export const usePlatformStore = create<PlatformStore>((set) => {
  const apply = async (next: Promise<PlatformState>, stopAdding = false): Promise<void> => {
    const platform = await next;
    set({ state: { status: 'ready', platform }, ...(stopAdding ? { adding: false } : {}) });
  };
  return {
    state: { status: 'loading' },
    adding: false,
    async load() {
      try {
        await apply(invoke('platform.state', {}));
      } catch (error) {
        set({ state: { status: 'failed', error } });
      }
    },
    setupLocal: (input) => apply(invoke('platform.setupLocal', input), true),
    signIn: (input) => apply(invoke('platform.signIn', input), true),
    acceptInvitation: (input) => apply(invoke('platform.acceptInvitation', input), true),
    switchAccount: (accountId) => apply(invoke('platform.switchAccount', { accountId }), true),
    switchOrganisation: (orgId) => apply(invoke('platform.switchOrganisation', { orgId })),
    signOut: (accountId) => apply(invoke('platform.signOut', { accountId })),
    removeAccount: (accountId) => apply(invoke('platform.removeAccount', { accountId })),
    refresh: () => apply(invoke('platform.refresh', {})),
    setAdding: (adding) => set({ adding }),
  };
});
