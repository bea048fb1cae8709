import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { type CredentialPort } from '../../../connectors/config/credential-port';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import { signInDriveUser } from '../../../connectors/drive/drive-user-sign-in';
import { type DriveOptions } from '../../../shared/connectors/drive-descriptor';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { readAll, streamOf } from '../../kit/test-streams';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';

/** A credential port that records what the driver saved. */
function recordingPort(): CredentialPort & { readonly saved: [string, string][] } {
  const saved: [string, string][] = [];
  return { saved, save: async (option, value) => void saved.push([option, value]) };
}

describe('drive: signing in with a Google account (desktop loopback redirect with PKCE)', () => {
  const guard = installLoopbackOnly();
  let fake: DriveFake;
  let opened: URL[];
  /** The "browser": follows the consent page's redirect to the loopback listener, as a user allowing access would. */
  const browser = async (url: string): Promise<void> => {
    opened.push(new URL(url));
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(await answer.text()).toMatch(/signed in, you may close this tab/);
  };
  const oauthOptions = (refreshToken: string, clientId = 'desktop.apps.googleusercontent.com'): DriveOptions => ({
    auth: 'oauth',
    clientId,
    clientSecret: 'desktop-secret',
    refreshToken,
    tokenUrl: `${fake.endpoint}/token`,
    googleDocs: 'skip',
    apiEndpoint: fake.endpoint,
    simpleUploadThresholdMiB: 1,
    chunkSizeMiB: 1,
  });

  beforeAll(async () => {
    fake = await startDriveFake([]);
    fake.addOAuthClient({
      clientId: 'desktop.apps.googleusercontent.com',
      clientSecret: 'desktop-secret',
      user: 'ana@example.com',
    });
    fake.addOAuthClient({
      clientId: 'rotating.apps.googleusercontent.com',
      clientSecret: 'desktop-secret',
      user: 'ben@example.com',
      rotateRefreshTokens: true,
    });
  });

  afterAll(async () => {
    await fake?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('gets a refresh token through a loopback redirect bound by PKCE S256 and state', async () => {
    opened = [];
    const result = await signInDriveUser({
      clientId: 'desktop.apps.googleusercontent.com',
      clientSecret: 'desktop-secret',
      authorizeUrl: `${fake.endpoint}/authorize`,
      tokenUrl: `${fake.endpoint}/token`,
      apiEndpoint: fake.endpoint,
      openBrowser: browser,
    });
    expect(result.refreshToken).toMatch(/^1\/\//);
    expect(result.email).toBe('ana@example.com');
    const consent = opened[0]!;
    expect(consent.searchParams.get('code_challenge_method')).toBe('S256');
    expect(consent.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(consent.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(consent.searchParams.get('access_type')).toBe('offline');
    expect(consent.searchParams.get('state')).toMatch(/^[\w-]{22}$/);

    // The refresh token then signs a driver in: a user has quota in My Drive, so the write check passes.
    const driver = new DriveDriver(oauthOptions(result.refreshToken));
    await driver.write('from-oauth/hello.txt', streamOf('hello'));
    expect((await readAll(await driver.read('from-oauth/hello.txt'))).toString()).toBe('hello');
    const report = await driver.check({ write: true });
    expect(report.steps.filter((s) => s.status === 'failed')).toEqual([]);
    expect(report.steps.find((s) => s.id === 'authenticate')?.detail).toMatch(
      /a Google account \(OAuth\).*in My Drive/,
    );
    await driver.close();
  });

  it('refuses a redirect that does not carry this attempt’s state', async () => {
    const failed = signInDriveUser({
      clientId: 'desktop.apps.googleusercontent.com',
      clientSecret: 'desktop-secret',
      authorizeUrl: `${fake.endpoint}/authorize`,
      tokenUrl: `${fake.endpoint}/token`,
      apiEndpoint: fake.endpoint,
      openBrowser: async (url) => {
        const redirect = new URL(url).searchParams.get('redirect_uri')!;
        await fetch(`${redirect}?code=forged&state=other`);
      },
    }).catch((e: unknown) => e);
    const error = (await failed) as ConnectorError;
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error.code).toBe('AuthFailed');
    expect(error.message).toBe('The sign-in answer did not match this attempt.');
  });

  it('saves a rotated refresh token through the credential port', async () => {
    opened = [];
    const { refreshToken } = await signInDriveUser({
      clientId: 'rotating.apps.googleusercontent.com',
      clientSecret: 'desktop-secret',
      authorizeUrl: `${fake.endpoint}/authorize`,
      tokenUrl: `${fake.endpoint}/token`,
      apiEndpoint: fake.endpoint,
      openBrowser: browser,
    });
    const port = recordingPort();
    const driver = new DriveDriver(oauthOptions(refreshToken, 'rotating.apps.googleusercontent.com'), {
      credentials: port,
    });
    await driver.stat('');
    await driver.list('');
    expect(port.saved).toHaveLength(1);
    expect(port.saved[0]![0]).toBe('refreshToken');
    expect(port.saved[0]![1]).not.toBe(refreshToken);
    await driver.close();

    // The old token is dead; the saved one signs the next driver in.
    const stale = await new DriveDriver(oauthOptions(refreshToken, 'rotating.apps.googleusercontent.com'))
      .list('')
      .catch((e: unknown) => e as ConnectorError);
    expect((stale as ConnectorError).code).toBe('AuthFailed');
    const next = new DriveDriver(oauthOptions(port.saved[0]![1], 'rotating.apps.googleusercontent.com'));
    expect((await next.list('')).entries.map((e) => e.name)).toContain('from-oauth');
    await next.close();
  });

  it('reports a revoked sign-in as AuthFailed, telling to sign in again', async () => {
    opened = [];
    const { refreshToken } = await signInDriveUser({
      clientId: 'desktop.apps.googleusercontent.com',
      clientSecret: 'desktop-secret',
      authorizeUrl: `${fake.endpoint}/authorize`,
      tokenUrl: `${fake.endpoint}/token`,
      apiEndpoint: fake.endpoint,
      openBrowser: browser,
    });
    fake.revokeRefreshTokens();
    const error = (await new DriveDriver(oauthOptions(refreshToken)).list('').then(
      () => undefined,
      (e: unknown) => e,
    )) as ConnectorError;
    expect(error.code).toBe('AuthFailed');
    expect(error.hint).toBe('Sign in with Google again on this connector.');
  });
});
