// "Sign in with Google" for an organisation connector: the refresh token of the sign-in goes from main to the
// platform's vault as the connector's refreshToken secret; the renderer's request and answer never hold it.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../../platform';
import { type IpcHandlers, createDispatcher } from '../../../main/ipc/ipc-dispatcher';
import { DriveSignIns } from '../../../main/services/connectors/drive-sign-ins';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { AccountRegistry } from '../../../main/services/platform/account-registry';
import { LocalWorkspace } from '../../../main/services/platform/local-workspace';
import { orgApiHandlers } from '../../../main/services/platform/org-api-handlers';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { PlatformConnection } from '../../../main/services/platform/platform-connection';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';

const PASSWORD = 'correct horse battery';
const CLIENT = 'desktop.apps.googleusercontent.com';

describe('organisation connectors: a Google sign-in goes to the vault through main', () => {
  const guard = installLoopbackOnly();
  let platform: RunningPlatform;
  let fake: DriveFake;
  let dir: string;
  let local: LocalWorkspace;
  let signIns: DriveSignIns;
  let dispatch: ReturnType<typeof createDispatcher>;
  const tokens: string[] = [];

  beforeAll(async () => {
    fake = await startDriveFake([]);
    fake.addOAuthClient({ clientId: CLIENT, clientSecret: 'desktop-secret', user: 'ana@example.com' });
    platform = await startPlatform({ logger: false });
    await new PlatformClient(platform.url).setup({
      organisationName: 'Provider Co',
      name: 'Ada',
      email: 'ada@example.org',
      password: PASSWORD,
    });
    dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-org-sign-in-'));
    const store = new JsonFileStore(path.join(dir, 'settings.json'));
    local = new LocalWorkspace({ dataDir: path.join(dir, 'platform'), store });
    const connection = new PlatformConnection({
      accounts: new AccountRegistry(store),
      secrets: new SessionSecretStore(),
      local,
    });
    await connection.signIn({ kind: 'remote', url: platform.url }, 'ada@example.org', PASSWORD);
    signIns = new DriveSignIns({
      openExternal: async (url) => void (await (await fetch(url)).text()),
      storedClient: async () => ({}),
    });
    // Records the tokens main hands to the platform, to look for them where they must not be.
    const recording = {
      tokenOf: (signIn: string, clientId: string | undefined) => {
        const token = signIns.tokenOf(signIn, clientId);
        tokens.push(token);
        return token;
      },
      forget: (signIn: string) => signIns.forget(signIn),
    };
    dispatch = createDispatcher(orgApiHandlers(connection, recording) as IpcHandlers, () => undefined);
  });
  afterAll(async () => {
    signIns?.close();
    await local?.stop();
    await platform?.stop();
    await fake?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  const body = (name: string) => ({
    name,
    kind: 'drive',
    options: { auth: 'oauth', clientId: CLIENT, tokenUrl: `${fake.endpoint}/token`, apiEndpoint: fake.endpoint },
    secrets: { clientSecret: 'desktop-secret' },
  });

  it('creates the connector with the sign-in’s refresh token as its refreshToken secret', async () => {
    const outcome = await signIns.start({
      clientId: CLIENT,
      clientSecret: 'desktop-secret',
      authorizeUrl: `${fake.endpoint}/authorize`,
      tokenUrl: `${fake.endpoint}/token`,
      apiEndpoint: fake.endpoint,
    });
    if (outcome.outcome !== 'signedIn') throw new Error(`not signed in: ${JSON.stringify(outcome)}`);
    const created = await dispatch('orgConnectors.create', { body: body('Team Drive'), signIn: outcome.signIn });
    expect(created).toMatchObject({ ok: true, value: { secrets: { refreshToken: 'set', clientSecret: 'set' } } });
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toMatch(/^1\/\//);
    expect(JSON.stringify(created)).not.toContain(tokens[0]);

    // Used once: the same sign-in cannot be sent again.
    const again = await dispatch('orgConnectors.create', { body: body('Team Drive 2'), signIn: outcome.signIn });
    expect(again).toMatchObject({ ok: false, error: { code: 'InvalidInput', reason: 'SignInExpired' } });
  });

  it('refuses a sign-in that main does not hold, creating nothing', async () => {
    const answer = await dispatch('orgConnectors.create', { body: body('Never'), signIn: 'made-up' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'InvalidInput', reason: 'SignInExpired' } });
    const list = await dispatch('orgConnectors.list', {});
    expect(JSON.stringify(list)).not.toContain('Never');
  });

  it('refuses a sign-in on the routes that take none', async () => {
    const answer = await dispatch('offers.create', { body: { title: 'x', kind: 'one-shot' }, signIn: 'made-up' });
    expect(answer).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
  });
});
