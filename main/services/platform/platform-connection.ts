import type {
  LocalWorkspacePatch,
  LocalWorkspaceSettings,
  PlatformState,
  PlatformTarget,
} from '../../../shared/ipc/platform-ipc';
import type { InvitationPreview, Me, Membership, SetupRequest } from '../../../shared/platform';
import type { SecretStore } from '../secrets/secret-store';
import { type AccountRegistry, type StoredAccount, pickOrganisation, sameTarget } from './account-registry';
import type { LocalWorkspace } from './local-workspace';
import { PlatformApiError } from './platform-api-error';
import { PlatformClient } from './platform-client';
import { type PlatformUrlProblem, checkPlatformUrl } from './platform-url';

/** The user must sign in (again): no active account, no token, or the platform no longer accepts it. */
export class NotSignedInError extends Error {
  override readonly name = 'NotSignedInError';
}

/** A platform address or invitation link the user typed is not acceptable. */
export class PlatformAddressError extends Error {
  override readonly name = 'PlatformAddressError';

  constructor(readonly problem: PlatformUrlProblem | 'not-an-invitation') {
    super(`The address is not acceptable (${problem}).`);
  }
}

/** The signed-in context the organisation screens act in: a client with the token, and the organisation. */
export interface ActiveSession {
  readonly account: StoredAccount;
  readonly client: PlatformClient;
  readonly orgId: string;
}

/** What the connection needs: where accounts and tokens live, the local workspace, and how to reach the network. */
export interface PlatformConnectionOptions {
  readonly accounts: AccountRegistry;
  readonly secrets: SecretStore;
  readonly local: LocalWorkspace;
  readonly fetch?: typeof fetch;
}

const INVITATION_PATH = '/v1/invitations/accept';

const tokenName = (accountId: string): string => `platform-session:${accountId}`;

/**
 * The desktop's connection to platforms: the local workspace (first-run setup) or remote URLs, several accounts
 * with one active, session tokens in the SecretStore (OS keychain) and nothing secret in the KeyValueStore.
 */
export class PlatformConnection {
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: PlatformConnectionOptions) {
    this.fetchImpl = options.fetch ?? fetch;
  }

  private async baseUrl(target: PlatformTarget): Promise<string> {
    if (target.kind === 'local') return this.options.local.url();
    const checked = checkPlatformUrl(target.url);
    if (!checked.ok) throw new PlatformAddressError(checked.problem);
    return checked.url;
  }

  private async clientFor(target: PlatformTarget, token?: string): Promise<PlatformClient> {
    return new PlatformClient(await this.baseUrl(target), token, this.fetchImpl);
  }

  /** Every account (with whether a token is kept) and the active one. */
  async state(): Promise<PlatformState> {
    const { accounts, secrets } = this.options;
    const views = await Promise.all(
      accounts.list().map(async (a) => ({
        id: a.id,
        target: a.target,
        email: a.email,
        name: a.name,
        signedIn: await secrets.has(tokenName(a.id)),
        memberships: a.memberships,
        orgId: a.orgId,
      })),
    );
    return { accounts: views, activeAccountId: accounts.activeId(), secretsBackend: secrets.backend };
  }

  /** Starts the local workspace if needed; whether its organisation and admin are still to be created. */
  async localStatus(): Promise<{ setupRequired: boolean }> {
    return (await this.clientFor({ kind: 'local' })).setupStatus();
  }

  private async remember(
    target: PlatformTarget,
    token: string,
    user: { id: string; email: string; name: string },
    memberships: readonly Membership[],
    preferredOrg: string | null,
  ): Promise<PlatformState> {
    const previous = this.options.accounts.list().find((a) => a.userId === user.id && sameTarget(a.target, target));
    const account = this.options.accounts.upsert({
      target,
      userId: user.id,
      email: user.email,
      name: user.name,
      memberships: [...memberships],
      orgId: pickOrganisation(memberships, preferredOrg ?? previous?.orgId ?? null),
    });
    await this.options.secrets.set(tokenName(account.id), token);
    return this.state();
  }

  private static membershipsOf(me: Me): Membership[] {
    return me.type === 'user' ? me.memberships : [];
  }

  /** Creates the local workspace's organisation and admin, and signs the admin in. */
  async setupLocal(request: SetupRequest): Promise<PlatformState> {
    const client = await this.clientFor({ kind: 'local' });
    const created = await client.setup(request);
    const me = await client.withToken(created.token).me();
    return this.remember(
      { kind: 'local' },
      created.token,
      created.user,
      PlatformConnection.membershipsOf(me),
      created.organisation.id,
    );
  }

  /** Signs in to a platform; the account becomes the active one. */
  async signIn(target: PlatformTarget, email: string, password: string): Promise<PlatformState> {
    const normalised: PlatformTarget =
      target.kind === 'local' ? target : { kind: 'remote', url: await this.baseUrl(target) };
    const client = await this.clientFor(normalised);
    const session = await client.login({ email, password });
    const me = await client.withToken(session.token).me();
    return this.remember(normalised, session.token, session.user, PlatformConnection.membershipsOf(me), null);
  }

  /** The platform and token an invitation link points to (the local workspace when it is this machine's). */
  private async invitationTarget(link: string): Promise<{ target: PlatformTarget; token: string }> {
    let url: URL;
    try {
      url = new URL(link.trim());
    } catch {
      throw new PlatformAddressError('not-a-url');
    }
    const token = url.searchParams.get('token');
    const at = url.pathname.lastIndexOf(INVITATION_PATH);
    if (token === null || token === '' || at < 0 || at + INVITATION_PATH.length !== url.pathname.length) {
      throw new PlatformAddressError('not-an-invitation');
    }
    const base = `${url.origin}${url.pathname.slice(0, at)}`;
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') {
      const local = await this.options.local.url();
      if (new URL(local).origin === url.origin) return { target: { kind: 'local' }, token };
    }
    const checked = checkPlatformUrl(base);
    if (!checked.ok) throw new PlatformAddressError(checked.problem);
    return { target: { kind: 'remote', url: checked.url }, token };
  }

  /** What an invitation link offers, before joining. */
  async previewInvitation(link: string): Promise<InvitationPreview> {
    const { target, token } = await this.invitationTarget(link);
    return (await this.clientFor(target)).previewInvitation(token);
  }

  /**
   * Joins through an invitation link and signs in as the new member (the joined organisation is shown). When the
   * invited e-mail already has an account, the platform wants that account signed in: the password is then used to
   * sign in (throttled like any sign-in) and the invitation is accepted with that session.
   */
  async acceptInvitation(link: string, name: string, password: string): Promise<PlatformState> {
    const { target, token } = await this.invitationTarget(link);
    const client = await this.clientFor(target);
    let joined;
    try {
      joined = await client.acceptInvitation({ token, name, password });
    } catch (error) {
      if (!(error instanceof PlatformApiError && error.code === 'sign_in_required')) throw error;
      const { email } = await client.previewInvitation(token);
      const signedIn = client.withToken((await client.login({ email, password })).token);
      try {
        joined = await signedIn.acceptInvitation({ token });
      } finally {
        await signedIn.logout().catch(() => undefined);
      }
    }
    const me = await client.withToken(joined.token).me();
    return this.remember(
      target,
      joined.token,
      joined.user,
      PlatformConnection.membershipsOf(me),
      joined.organisation.id,
    );
  }

  /** The active account with its token and organisation; NotSignedInError when there is none. */
  async active(): Promise<ActiveSession> {
    const id = this.options.accounts.activeId();
    const account = id === null ? undefined : this.options.accounts.get(id);
    if (!account) throw new NotSignedInError('No account is signed in.');
    const token = await this.options.secrets.get(tokenName(account.id));
    if (token === undefined) throw new NotSignedInError(`${account.email} is signed out.`);
    if (account.orgId === null) throw new NotSignedInError(`${account.email} belongs to no organisation.`);
    return { account, client: await this.clientFor(account.target, token), orgId: account.orgId };
  }

  /**
   * Runs a call as the active account. A token the platform no longer accepts (expired, ended, member removed) is
   * forgotten and the user is asked to sign in again.
   */
  async run<T>(call: (session: ActiveSession) => Promise<T>): Promise<T> {
    const session = await this.active();
    try {
      return await call(session);
    } catch (error) {
      if (error instanceof PlatformApiError && error.code === 'unauthenticated') {
        await this.options.secrets.delete(tokenName(session.account.id));
        throw new NotSignedInError(`The session of ${session.account.email} ended; sign in again.`);
      }
      throw error;
    }
  }

  /** Re-reads the active account's organisations and roles (a role changed, an organisation was left). */
  async refresh(): Promise<PlatformState> {
    await this.run(async ({ account, client }) => {
      const memberships = PlatformConnection.membershipsOf(await client.me());
      this.options.accounts.update(account.id, {
        memberships,
        orgId: pickOrganisation(memberships, account.orgId),
      });
    });
    return this.state();
  }

  private known(accountId: string): StoredAccount {
    const account = this.options.accounts.get(accountId);
    if (!account) throw new NotSignedInError('This account is no longer configured.');
    return account;
  }

  /** Makes another account the active one. */
  async switchAccount(accountId: string): Promise<PlatformState> {
    this.options.accounts.activate(this.known(accountId).id);
    return this.state();
  }

  /** Shows another organisation of the active account. */
  async switchOrganisation(orgId: string): Promise<PlatformState> {
    const id = this.options.accounts.activeId();
    const account = id === null ? undefined : this.options.accounts.get(id);
    if (!account?.memberships.some((m) => m.orgId === orgId)) {
      throw new NotSignedInError('The active account does not belong to this organisation.');
    }
    this.options.accounts.update(account.id, { orgId });
    return this.state();
  }

  /** Ends the session on the platform (when reachable) and forgets the token; the account stays listed. */
  async signOut(accountId: string): Promise<PlatformState> {
    const account = this.known(accountId);
    const token = await this.options.secrets.get(tokenName(account.id));
    // The token is forgotten even when the platform cannot be told: signing out must always work locally.
    await this.options.secrets.delete(tokenName(account.id));
    if (token !== undefined) {
      await this.clientFor(account.target, token)
        .then((client) => client.logout())
        .catch(() => undefined);
    }
    return this.state();
  }

  /** Signs out and removes the account from the list. */
  async removeAccount(accountId: string): Promise<PlatformState> {
    await this.signOut(accountId);
    this.options.accounts.remove(accountId);
    return this.state();
  }

  /** The local workspace's public URL, listening address and SMTP settings. */
  localSettings(): Promise<LocalWorkspaceSettings> {
    return this.options.local.settings();
  }

  /** Changes the local workspace's public URL (checked like any platform address) or SMTP settings. */
  async configureLocal(patch: LocalWorkspacePatch): Promise<LocalWorkspaceSettings> {
    if (typeof patch.publicUrl === 'string') {
      const checked = checkPlatformUrl(patch.publicUrl);
      if (!checked.ok) throw new PlatformAddressError(checked.problem);
      return this.options.local.configure({ ...patch, publicUrl: checked.url });
    }
    return this.options.local.configure(patch);
  }

  /** Stops the local workspace if it runs. */
  stop(): Promise<void> {
    return this.options.local.stop();
  }
}
