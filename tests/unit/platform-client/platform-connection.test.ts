// Accounts and sessions: the local workspace (first-run setup), remote sign-in, several accounts, sign-out; tokens
// in the SecretStore only, never in the KeyValueStore's JSON file.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../../platform';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { AccountRegistry } from '../../../main/services/platform/account-registry';
import { LocalWorkspace } from '../../../main/services/platform/local-workspace';
import { OrganisationService } from '../../../main/services/platform/organisation-service';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import {
  NotSignedInError,
  PlatformAddressError,
  PlatformConnection,
} from '../../../main/services/platform/platform-connection';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';

const PASSWORD = 'correct horse battery';

interface Setup {
  readonly dir: string;
  readonly file: string;
  readonly secrets: SessionSecretStore;
  readonly local: LocalWorkspace;
  readonly connection: PlatformConnection;
}

const made: Setup[] = [];
function setUp(dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-platform-conn-'))): Setup {
  const file = path.join(dir, 'settings.json');
  const store = new JsonFileStore(file);
  const secrets = new SessionSecretStore();
  const local = new LocalWorkspace({ dataDir: path.join(dir, 'platform'), store });
  const connection = new PlatformConnection({ accounts: new AccountRegistry(store), secrets, local });
  const setup = { dir, file, secrets, local, connection };
  made.push(setup);
  return setup;
}

afterEach(async () => {
  const done = made.splice(0);
  for (const s of done) await s.local.stop();
  for (const s of done) rmSync(s.dir, { recursive: true, force: true });
});

let remote: RunningPlatform;
let remoteOrg: string;
beforeAll(async () => {
  remote = await startPlatform({ logger: false });
  const created = await new PlatformClient(remote.url).setup({
    organisationName: 'Shared Co',
    name: 'Rémi Remote',
    email: 'remi@example.org',
    password: PASSWORD,
  });
  remoteOrg = created.organisation.id;
});
afterAll(async () => {
  await remote?.stop();
});

/** Every string value stored in the secret store, to search files for them. */
async function tokensOf(secrets: SessionSecretStore, names: readonly string[]): Promise<string[]> {
  const values = await Promise.all(names.map((n) => secrets.get(n)));
  return values.filter((v): v is string => v !== undefined);
}

describe('PlatformConnection', () => {
  it('sets up the local workspace on first run and keeps the token out of the settings file', async () => {
    const { connection, file, secrets, dir } = setUp();
    expect(await connection.state()).toEqual({ accounts: [], activeAccountId: null, secretsBackend: 'session' });
    await expect(connection.active()).rejects.toBeInstanceOf(NotSignedInError);
    expect(await connection.localStatus()).toEqual({ setupRequired: true });

    const state = await connection.setupLocal({
      organisationName: 'Acme',
      name: 'Ada Admin',
      email: 'ada@example.org',
      password: PASSWORD,
    });
    expect(await connection.localStatus()).toEqual({ setupRequired: false });
    const account = state.accounts[0];
    expect(state.activeAccountId).toBe(account?.id);
    expect(account).toMatchObject({
      target: { kind: 'local' },
      email: 'ada@example.org',
      signedIn: true,
      memberships: [{ orgName: 'Acme', role: 'admin' }],
    });
    expect(account?.orgId).toBe(account?.memberships[0]?.orgId);

    const [token] = await tokensOf(secrets, [`platform-session:${account?.id}`]);
    expect(token).toMatch(/^ferry_st_/);
    const stored = readFileSync(file, 'utf8');
    expect(stored).toContain('ada@example.org');
    expect(stored).not.toContain(token);
    expect(stored).not.toContain('ferry_st_');
    expect(stored).not.toContain(PASSWORD);
    expect(JSON.stringify(state)).not.toContain(token);

    // The signed-in context acts on the organisation.
    const org = await connection.run(({ client, orgId }) => client.organisation(orgId));
    expect(org.name).toBe('Acme');

    // The audit export writes where the user chose, and nothing when they cancel.
    let answer: string | null = null;
    const service = new OrganisationService(connection, async () => answer);
    expect(await service.exportAudit({})).toEqual({ saved: false });
    answer = path.join(dir, 'chosen', 'audit.csv');
    const saved = await service.exportAudit({ action: 'setup' });
    expect(saved).toMatchObject({ saved: true, path: answer });
    expect(readFileSync(answer, 'utf8')).toMatch(/^id,at,principalType.*\r\n.*,setup,/s);
    expect(readdirSync(path.dirname(answer))).toEqual(['audit.csv']);
  });

  it('restarts on the same data folder and port: the account and its session survive', async () => {
    const first = setUp();
    await first.connection.setupLocal({
      organisationName: 'Acme',
      name: 'Ada',
      email: 'ada@example.org',
      password: PASSWORD,
    });
    const url = await first.local.url();
    const token = await first.secrets.get(`platform-session:${(await first.connection.state()).activeAccountId}`);
    await first.local.stop();

    // A new process: same files; the keychain still holds the token (here: the same secret store's content).
    const again = setUp(first.dir);
    const accountId = (await again.connection.state()).activeAccountId ?? '';
    await again.secrets.set(`platform-session:${accountId}`, token ?? '');
    expect(await again.local.url()).toBe(url);
    const state = await again.connection.refresh();
    expect(state.accounts[0]?.memberships[0]?.orgName).toBe('Acme');
  });

  it('signs in to a remote platform beside the local one, switches between them, and signs out', async () => {
    const { connection, secrets, file } = setUp();
    const local = await connection.setupLocal({
      organisationName: 'Acme',
      name: 'Ada',
      email: 'ada@example.org',
      password: PASSWORD,
    });
    const localId = local.activeAccountId ?? '';

    await expect(
      connection.signIn({ kind: 'remote', url: remote.url }, 'remi@example.org', 'wrong password'),
    ).rejects.toMatchObject({ code: 'invalid_credentials' });
    const both = await connection.signIn({ kind: 'remote', url: `${remote.url}/` }, 'remi@example.org', PASSWORD);
    expect(both.accounts).toHaveLength(2);
    const remoteAccount = both.accounts.find((a) => a.target.kind === 'remote');
    expect(remoteAccount).toMatchObject({ target: { url: remote.url }, orgId: remoteOrg, signedIn: true });
    expect(both.activeAccountId).toBe(remoteAccount?.id);
    expect((await connection.active()).orgId).toBe(remoteOrg);

    // Signing in again as the same person updates the account instead of adding one.
    const again = await connection.signIn({ kind: 'remote', url: remote.url }, 'remi@example.org', PASSWORD);
    expect(again.accounts).toHaveLength(2);

    expect((await connection.switchAccount(localId)).activeAccountId).toBe(localId);
    expect((await connection.active()).account.target).toEqual({ kind: 'local' });

    const tokens = await tokensOf(
      secrets,
      both.accounts.map((a) => `platform-session:${a.id}`),
    );
    expect(tokens).toHaveLength(2);
    const stored = readFileSync(file, 'utf8');
    for (const token of tokens) expect(stored).not.toContain(token);

    // Signing out ends the session on the platform and forgets the token; the account stays listed.
    const remoteToken = await secrets.get(`platform-session:${remoteAccount?.id}`);
    const out = await connection.signOut(remoteAccount?.id ?? '');
    expect(out.accounts.find((a) => a.id === remoteAccount?.id)?.signedIn).toBe(false);
    expect(await secrets.has(`platform-session:${remoteAccount?.id}`)).toBe(false);
    await expect(new PlatformClient(remote.url, remoteToken).me()).rejects.toMatchObject({ code: 'unauthenticated' });
    await connection.switchAccount(remoteAccount?.id ?? '');
    await expect(connection.active()).rejects.toBeInstanceOf(NotSignedInError);

    const removed = await connection.removeAccount(remoteAccount?.id ?? '');
    expect(removed.accounts.map((a) => a.id)).toEqual([localId]);
    expect(removed.activeAccountId).toBe(localId);
  });

  it('forgets a token the platform no longer accepts and asks to sign in again', async () => {
    const { connection, secrets } = setUp();
    const state = await connection.signIn({ kind: 'remote', url: remote.url }, 'remi@example.org', PASSWORD);
    const id = state.activeAccountId ?? '';
    await new PlatformClient(remote.url, await secrets.get(`platform-session:${id}`)).logout();
    await expect(connection.run(({ client, orgId }) => client.organisation(orgId))).rejects.toBeInstanceOf(
      NotSignedInError,
    );
    expect((await connection.state()).accounts[0]?.signedIn).toBe(false);
  });

  it('joins through an invitation link and refuses addresses that are not acceptable', async () => {
    const { connection } = setUp();
    const admin = await new PlatformClient(remote.url).login({ email: 'remi@example.org', password: PASSWORD });
    const invitation = await new PlatformClient(remote.url, admin.token).createInvitation(remoteOrg, {
      email: 'joiner@example.org',
      role: 'viewer',
      language: 'en',
    });
    const link = invitation.link ?? '';
    expect(await connection.previewInvitation(link)).toMatchObject({ email: 'joiner@example.org', role: 'viewer' });
    const joined = await connection.acceptInvitation(link, 'Joiner', PASSWORD);
    expect(joined.accounts[0]).toMatchObject({
      email: 'joiner@example.org',
      target: { kind: 'remote', url: remote.url },
      memberships: [{ orgId: remoteOrg, role: 'viewer' }],
    });

    await expect(connection.previewInvitation('https://platform.example/not/an/invite')).rejects.toMatchObject({
      problem: 'not-an-invitation',
    });
    await expect(
      connection.signIn({ kind: 'remote', url: 'http://platform.example' }, 'a@example.org', 'x'),
    ).rejects.toBeInstanceOf(PlatformAddressError);
  });

  it('joins another organisation with an existing account: signs in with its password, then accepts', async () => {
    const { connection } = setUp();
    const admin = await new PlatformClient(remote.url).login({ email: 'remi@example.org', password: PASSWORD });
    const adminClient = new PlatformClient(remote.url, admin.token);
    const other = (await (
      await fetch(`${remote.url}/v1/orgs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Other Co' }),
      })
    ).json()) as { id: string };
    const first = await adminClient.createInvitation(remoteOrg, {
      email: 'kim@example.org',
      role: 'viewer',
      language: 'en',
    });
    await new PlatformClient(remote.url).acceptInvitation({
      token: new URL(first.link ?? '').searchParams.get('token') ?? '',
      name: 'Kim',
      password: PASSWORD,
    });
    const invitation = await adminClient.createInvitation(other.id, {
      email: 'kim@example.org',
      role: 'editor',
      language: 'fr',
    });
    const link = invitation.link ?? '';
    await expect(connection.acceptInvitation(link, 'ignored', 'not the password')).rejects.toMatchObject({
      code: 'invalid_credentials',
    });
    const joined = await connection.acceptInvitation(link, 'ignored', PASSWORD);
    expect(joined.accounts[0]).toMatchObject({ email: 'kim@example.org', name: 'Kim' });
    expect(joined.accounts[0]?.memberships).toEqual(
      expect.arrayContaining([expect.objectContaining({ orgId: other.id, role: 'editor' })]),
    );
  });
});
