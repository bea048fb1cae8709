import { mkdtempSync, rmSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type IpcHandlers, createDispatcher } from '../../../main/ipc/ipc-dispatcher';
import { connectorsHandlers } from '../../../main/services/connectors/connectors-handlers';
import { ConnectorsService } from '../../../main/services/connectors/connectors-service';
import { DriveSignIns } from '../../../main/services/connectors/drive-sign-ins';
import { JsonFileStore } from '../../../main/services/json-file-store';
import type { DriveSignInOutcome } from '../../../shared/ipc/connectors-ipc';
import type { IpcResult } from '../../../shared/ipc';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { MemorySecretStore } from '../../kit/memory-secret-store';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';

const CLIENT = 'desktop.apps.googleusercontent.com';
const DENYING = 'denying.apps.googleusercontent.com';

/** What the "browser" does with the consent page main opens: follow it (a user allowing access), or nothing. */
type BrowserMove = 'follow' | 'ignore' | ((url: URL) => Promise<void>);

describe('my connectors: "Sign in with Google" through IPC, against the Drive fake', () => {
  const guard = installLoopbackOnly();
  let fake: DriveFake;
  let dir: string;
  let secrets: MemorySecretStore;
  let service: ConnectorsService;
  let signIns: DriveSignIns;
  let dispatch: ReturnType<typeof createDispatcher>;
  let opened: URL[];
  let moves: BrowserMove[];
  const endpoints = () => ({
    authorizeUrl: `${fake.endpoint}/authorize`,
    tokenUrl: `${fake.endpoint}/token`,
    apiEndpoint: fake.endpoint,
  });

  const build = (timeoutMs?: number): void => {
    signIns = new DriveSignIns({
      openExternal: async (url) => {
        const consent = new URL(url);
        opened.push(consent);
        const move = moves.shift() ?? 'follow';
        if (move === 'ignore') return;
        if (move === 'follow') return void (await (await fetch(url)).text());
        await move(consent);
      },
      storedClient: (id) => service.storedClient(id),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    service = new ConnectorsService({ store: new JsonFileStore(path.join(dir, 's.json')), secrets, signIns });
    dispatch = createDispatcher(connectorsHandlers(service, signIns) as unknown as IpcHandlers, () => undefined);
  };

  const signIn = async (input: Record<string, unknown>): Promise<DriveSignInOutcome> => {
    const answer = await dispatch('connectors.driveSignIn', input);
    if (!answer.ok) throw new Error(`refused: ${JSON.stringify(answer.error)}`);
    return answer.value as DriveSignInOutcome;
  };

  /** Whether the loopback listener of a consent page still answers (it must be closed after every end). */
  const listening = async (consent: URL): Promise<boolean> =>
    // Another path than the redirect's: a request to "/" without this attempt's state would end the attempt.
    fetch(new URL('/favicon.ico', consent.searchParams.get('redirect_uri')!)).then(
      () => true,
      () => false,
    );

  const driveConnector = (extra: Record<string, unknown> = {}) => ({
    name: 'My Drive',
    kind: 'drive',
    options: { auth: 'oauth', clientId: CLIENT, ...endpoints() },
    secrets: { clientSecret: 'desktop-secret' },
    ...extra,
  });

  beforeAll(async () => {
    fake = await startDriveFake([]);
    fake.addOAuthClient({ clientId: CLIENT, clientSecret: 'desktop-secret', user: 'ana@example.com' });
    fake.addOAuthClient({ clientId: DENYING, clientSecret: 's', user: 'ben@example.com', consent: 'deny' });
  });
  afterAll(async () => {
    await fake?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-drive-sign-in-'));
    secrets = new MemorySecretStore();
    opened = [];
    moves = [];
    build();
  });
  afterEach(() => {
    signIns.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in, answers only the address, and the save stores the refresh token in the keychain', async () => {
    const answer = await dispatch('connectors.driveSignIn', {
      clientId: CLIENT,
      clientSecret: 'desktop-secret',
      ...endpoints(),
    });
    expect(answer).toMatchObject({ ok: true, value: { outcome: 'signedIn', email: 'ana@example.com' } });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.searchParams.get('code_challenge_method')).toBe('S256');
    expect(await listening(opened[0]!)).toBe(false);
    // Nothing stored before the save, and no token in the answer.
    expect(secrets.values.size).toBe(0);
    const ticket = (answer as { value: { signIn: string } }).value.signIn;

    const created = await dispatch('connectors.create', driveConnector({ signIn: ticket }));
    expect(created.ok).toBe(true);
    const summary = (created as { value: { id: string; secrets: Record<string, unknown> } }).value;
    expect(summary.secrets['refreshToken']).toEqual({ hasSecret: true });
    const token = secrets.values.get(`connector:${summary.id}:refreshToken`);
    expect(token).toMatch(/^1\/\//);
    expect(JSON.stringify(answer)).not.toContain(token);
    expect(JSON.stringify(created)).not.toContain(token);
    expect(fake.requests.filter((r) => r.startsWith('POST /token'))).toHaveLength(2); // client check + exchange

    // The stored token signs the connector in.
    const driver = await service.open(summary.id);
    await driver.list('');
    await driver.close();

    // A sign-in is saved once.
    const again = await dispatch('connectors.create', driveConnector({ name: 'Other', signIn: ticket }));
    expect(again).toMatchObject({ ok: false, error: { code: 'InvalidInput', reason: 'SignInExpired' } });
  });

  it('edits a connector: the stored client secret serves, the new token replaces the old one', async () => {
    const created = await service.create({
      ...driveConnector(),
      secrets: { clientSecret: 'desktop-secret', refreshToken: 'old' },
    });
    const outcome = await signIn({ connectorId: created.id, clientId: CLIENT, ...endpoints() });
    expect(outcome).toMatchObject({ outcome: 'signedIn', email: 'ana@example.com' });
    if (outcome.outcome !== 'signedIn') return;
    const updated = await dispatch('connectors.update', {
      id: created.id,
      name: created.name,
      options: created.options,
      secrets: {},
      signIn: outcome.signIn,
    });
    expect(updated.ok).toBe(true);
    expect(secrets.values.get(`connector:${created.id}:refreshToken`)).toMatch(/^1\/\//);
  });

  it('sends the stored client secret only with the client ID and addresses saved with it', async () => {
    const created = await service.create({ ...driveConnector(), secrets: { clientSecret: 'desktop-secret' } });
    // Another token endpoint that would learn the secret: a listener on this machine that records what it gets.
    const heard: string[] = [];
    const thief = createServer((request, response) => {
      request.on('data', (chunk: Buffer) => heard.push(chunk.toString()));
      request.on('end', () => response.writeHead(400).end());
    });
    await new Promise<void>((resolve) => thief.listen(0, '127.0.0.1', resolve));
    const thiefUrl = `http://127.0.0.1:${(thief.address() as AddressInfo).port}`;
    try {
      const tokenRequests = fake.requests.filter((r) => r.startsWith('POST /token')).length;
      for (const change of [
        { tokenUrl: `${thiefUrl}/token` },
        { authorizeUrl: `${thiefUrl}/authorize` },
        { apiEndpoint: thiefUrl },
        { clientId: 'other.apps.googleusercontent.com' },
      ]) {
        const outcome = await signIn({ connectorId: created.id, clientId: CLIENT, ...endpoints(), ...change });
        expect(outcome).toMatchObject({ outcome: 'failed', failure: 'secretNeeded' });
      }
      expect(heard).toEqual([]);
      expect(opened).toEqual([]);
      expect(fake.requests.filter((r) => r.startsWith('POST /token'))).toHaveLength(tokenRequests);

      // Typed again, the secret goes where the form says (the user gave it for that).
      const typed = await signIn({
        connectorId: created.id,
        clientId: CLIENT,
        clientSecret: 'typed-secret',
        ...endpoints(),
        tokenUrl: `${thiefUrl}/token`,
      });
      expect(typed).toMatchObject({ outcome: 'failed' });
      expect(heard.join('')).toContain('typed-secret');
      expect(heard.join('')).not.toContain('desktop-secret');
    } finally {
      await new Promise((resolve) => thief.close(resolve));
    }
  });

  it('refuses to save a sign-in made with another OAuth client', async () => {
    const outcome = await signIn({ clientId: CLIENT, clientSecret: 'desktop-secret', ...endpoints() });
    if (outcome.outcome !== 'signedIn') throw new Error('not signed in');
    const answer = await dispatch(
      'connectors.create',
      driveConnector({
        options: { auth: 'oauth', clientId: 'other.apps.googleusercontent.com' },
        signIn: outcome.signIn,
      }),
    );
    expect(answer).toMatchObject({ ok: false, error: { code: 'InvalidInput', reason: 'SignInOtherClient' } });
    expect(secrets.values.size).toBe(0);
  });

  it('says the user refused consent (access_denied), and closes the listener', async () => {
    expect(await signIn({ clientId: DENYING, clientSecret: 's', ...endpoints() })).toMatchObject({
      outcome: 'failed',
      failure: 'denied',
      detail: expect.stringMatching(/access_denied/),
    });
    expect(await listening(opened[0]!)).toBe(false);
  });

  it('refuses an answer that does not carry the attempt’s state, and closes the listener', async () => {
    moves = [
      async (consent) => {
        await fetch(`${consent.searchParams.get('redirect_uri')!}?code=forged&state=other`);
      },
    ];
    expect(await signIn({ clientId: CLIENT, clientSecret: 'desktop-secret', ...endpoints() })).toMatchObject({
      outcome: 'failed',
      failure: 'stateMismatch',
    });
    expect(await listening(opened[0]!)).toBe(false);
  });

  it('gives up after the timeout, and closes the listener', async () => {
    build(300);
    moves = ['ignore'];
    expect(await signIn({ clientId: CLIENT, clientSecret: 'desktop-secret', ...endpoints() })).toMatchObject({
      outcome: 'failed',
      failure: 'timeout',
    });
    expect(await listening(opened[0]!)).toBe(false);
  });

  it('cancels on request, and closes the listener', async () => {
    moves = ['ignore'];
    const pending = signIn({ clientId: CLIENT, clientSecret: 'desktop-secret', ...endpoints() });
    await expect.poll(() => opened.length).toBe(1);
    expect(await listening(opened[0]!)).toBe(true);
    expect(await dispatch('connectors.cancelDriveSignIn', {})).toEqual({ ok: true, value: { cancelled: true } });
    expect(await pending).toMatchObject({ outcome: 'failed', failure: 'cancelled' });
    expect(await listening(opened[0]!)).toBe(false);
    expect(await dispatch('connectors.cancelDriveSignIn', {})).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('a second sign-in cancels the first one, whose listener closes', async () => {
    moves = ['ignore', 'follow'];
    const first = signIn({ clientId: CLIENT, clientSecret: 'desktop-secret', ...endpoints() });
    await expect.poll(() => opened.length).toBe(1);
    const second = await signIn({ clientId: CLIENT, clientSecret: 'desktop-secret', ...endpoints() });
    expect(second).toMatchObject({ outcome: 'signedIn' });
    expect(await first).toMatchObject({ outcome: 'failed', failure: 'cancelled' });
    expect(await listening(opened[0]!)).toBe(false);
  });

  it('says the OAuth client is unknown or its secret wrong before opening the browser', async () => {
    for (const client of [
      { clientId: 'typo.apps.googleusercontent.com', clientSecret: 'desktop-secret' },
      { clientId: CLIENT, clientSecret: 'wrong' },
    ]) {
      expect(await signIn({ ...client, ...endpoints() })).toMatchObject({
        outcome: 'failed',
        failure: 'invalidClient',
      });
    }
    expect(opened).toEqual([]);
  });

  it('says Google cannot be reached', async () => {
    const closed = await startDriveFake([]);
    const tokenUrl = `${closed.endpoint}/token`;
    await closed.stop();
    expect(await signIn({ clientId: CLIENT, clientSecret: 'desktop-secret', ...endpoints(), tokenUrl })).toMatchObject({
      outcome: 'failed',
      failure: 'network',
    });
    expect(opened).toEqual([]);
  });

  it('never opens a consent page that is neither https nor on this machine', async () => {
    const outcome = await signIn({
      clientId: CLIENT,
      clientSecret: 'desktop-secret',
      ...endpoints(),
      authorizeUrl: 'http://consent.example.com/auth',
    });
    expect(outcome).toMatchObject({ outcome: 'failed', failure: 'failed' });
    expect(opened).toEqual([]);
  });

  it.each([
    ['a client ID with spaces', { clientId: 'not a client' }],
    ['no client ID', {}],
    ['an unknown key', { clientId: CLIENT, refreshToken: 'x' }],
    ['a token endpoint that is not http(s)', { clientId: CLIENT, tokenUrl: 'file:///etc/passwd' }],
    ['an empty client secret', { clientId: CLIENT, clientSecret: '' }],
  ])('refuses a sign-in request with %s', async (_what, input) => {
    const answer: IpcResult<unknown> = await dispatch('connectors.driveSignIn', input);
    expect(answer).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    expect(opened).toEqual([]);
  });

  it('refuses a malformed cancel, and a save with an empty sign-in', async () => {
    expect(await dispatch('connectors.cancelDriveSignIn', { now: true })).toMatchObject({
      ok: false,
      error: { code: 'InvalidInput' },
    });
    expect(await dispatch('connectors.create', driveConnector({ signIn: '' }))).toMatchObject({
      ok: false,
      error: { code: 'InvalidInput' },
    });
  });
});
