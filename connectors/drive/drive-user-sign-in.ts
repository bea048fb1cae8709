import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import type { DriveSignInFailure } from '../../shared/connectors/drive-sign-in-failure';
import type { ConnectorError } from '../connector-error';
import { DRIVE_DEFAULT_ENDPOINT, DRIVE_SCOPE, GOOGLE_TOKEN_URL } from './drive-client';
import { DriveSignInError } from './drive-sign-in-error';
import { mapDriveError } from './map-drive-error';

/** Google's consent page. */
export const GOOGLE_AUTHORIZE_URL = 'https://accounts.google.com/o/oauth2/v2/auth';

/** What the desktop sign-in needs: the OAuth client (type "Desktop app"), and how to show a page to the user. */
export interface DriveSignInOptions {
  readonly clientId: string;
  readonly clientSecret?: string;
  /** Opens the consent page in the user's browser (the desktop shell's openExternal). */
  readonly openBrowser: (url: string) => Promise<void>;
  readonly authorizeUrl?: string;
  readonly tokenUrl?: string;
  /** The Drive API root, asked who signed in (default https://www.googleapis.com). */
  readonly apiEndpoint?: string;
  /** How long the user has to answer (default 5 minutes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** What the sign-in yields: the refresh token to save through the credential port (keychain or vault). */
export interface DriveSignInResult {
  readonly refreshToken: string;
  readonly scope: string | undefined;
  /** The account's address, as Drive names it; undefined when Drive could not say. */
  readonly email: string | undefined;
}

// Shown in the browser tab the redirect lands in; both languages, as the app's locale is unknown here.
const DONE_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Ferry</title><p>Ferry: signed in, you may close this tab.</p>' +
  '<p lang="fr">Ferry\u202f: connexion faite, vous pouvez fermer cet onglet.</p>';
const FAILED_PAGE =
  '<!doctype html><meta charset="utf-8"><title>Ferry</title><p>Ferry: the sign-in did not complete.</p>' +
  '<p lang="fr">Ferry\u202f: la connexion n’a pas abouti.</p>';

/**
 * Signs a Google account in for Drive the way desktop apps must (RFC 8252): a one-shot HTTP listener on
 * 127.0.0.1 receives the redirect, the code is bound to this attempt by a PKCE S256 challenge and a random state,
 * and exchanged (with the verifier) at the token endpoint for a refresh token. Offline access and the consent
 * prompt are asked so Google returns a refresh token every time.
 */
export async function signInDriveUser(options: DriveSignInOptions): Promise<DriveSignInResult> {
  const state = randomBytes(16).toString('base64url');
  let server: Server | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    const redirect = new Promise<{ code: string; redirectUri: string }>((resolve, reject) => {
      server = createServer((request, response) => {
        const url = new URL(request.url ?? '/', 'http://127.0.0.1');
        if (url.pathname !== '/') {
          response.writeHead(404);
          return void response.end();
        }
        const code = url.searchParams.get('code');
        const refusal = url.searchParams.get('error');
        const ours = url.searchParams.get('state') === state;
        const ok = ours && code !== null && refusal === null;
        response.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
        response.end(ok ? DONE_PAGE : FAILED_PAGE);
        if (ok) return resolve({ code, redirectUri: redirectUriOf(server!) });
        reject(redirectRefusal(ours ? refusal : null));
      });
      server.on('error', reject);
      timer = setTimeout(
        () =>
          reject(
            new DriveSignInError('timeout', 'AuthFailed', 'The sign-in was not completed in time.', {
              hint: 'Sign in again and answer Google’s page in the browser.',
            }),
          ),
        options.timeoutMs ?? 5 * 60_000,
      );
      const cancel = (): void => reject(new DriveSignInError('cancelled', 'Cancelled', 'The sign-in was cancelled.'));
      if (options.signal?.aborted === true) cancel();
      options.signal?.addEventListener('abort', cancel, { once: true });
    });
    redirect.catch(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const tokenUrl = options.tokenUrl ?? GOOGLE_TOKEN_URL;
    // Google shows a wrong client ID on its own page and never redirects: ask the token endpoint first.
    await Promise.race([probeClient(tokenUrl, options.clientId, options.clientSecret), redirect.then(() => undefined)]);
    const client = new OAuth2Client({
      clientId: options.clientId,
      ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
      redirectUri: redirectUriOf(server!),
      endpoints: {
        oauth2AuthBaseUrl: options.authorizeUrl ?? GOOGLE_AUTHORIZE_URL,
        oauth2TokenUrl: tokenUrl,
      },
    });
    const { codeVerifier, codeChallenge } = await client.generateCodeVerifierAsync();
    const consent = client.generateAuthUrl({
      access_type: 'offline',
      prompt: 'consent',
      scope: [DRIVE_SCOPE],
      state,
      code_challenge: codeChallenge,
      code_challenge_method: CodeChallengeMethod.S256,
    });
    // The listener's answer (or the timeout, or a cancel) wins over an opener that never returns.
    await Promise.race([options.openBrowser(consent), redirect.then(() => undefined)]);
    const { code, redirectUri } = await redirect;
    let tokens;
    try {
      ({ tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri }));
    } catch (error) {
      throw exchangeFailure(error);
    }
    if (tokens.refresh_token == null) {
      throw new DriveSignInError('noRefreshToken', 'AuthFailed', 'Google returned no refresh token.', {
        hint: 'Remove Ferry from the account’s third-party access (myaccount.google.com/permissions), then sign in again.',
      });
    }
    const email = await accountEmail(options.apiEndpoint ?? DRIVE_DEFAULT_ENDPOINT, tokens.access_token);
    return { refreshToken: tokens.refresh_token, scope: tokens.scope ?? undefined, email };
  } finally {
    clearTimeout(timer);
    server?.close();
    server?.closeAllConnections();
  }
}

/** The loopback redirect URI of the listener (Google accepts any port on 127.0.0.1 for desktop clients). */
function redirectUriOf(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Why the redirect did not bring a code: Google's `error` (when the state is this attempt's), or a foreign answer. */
function redirectRefusal(refusal: string | null): DriveSignInError {
  const again = { hint: 'Sign in again and allow Ferry access to Google Drive.' };
  if (refusal === null) {
    return new DriveSignInError('stateMismatch', 'AuthFailed', 'The sign-in answer did not match this attempt.', again);
  }
  const failure: DriveSignInFailure =
    refusal === 'access_denied'
      ? 'denied'
      : /invalid_client|unauthorized_client/.test(refusal)
        ? 'invalidClient'
        : 'failed';
  return new DriveSignInError(failure, 'AuthFailed', `Google refused the sign-in (${refusal}).`, again);
}

/** Whether an error is a failure to reach a server (no HTTP answer at all). */
function unreachable(error: unknown): boolean {
  const e = error as { response?: unknown; cause?: unknown; name?: string } | null;
  return typeof e === 'object' && e !== null && e.response === undefined && e.name !== 'AbortError';
}

const NETWORK_HINT = 'Check the network connection (and any proxy), then sign in again.';

/** A failed code exchange: the client refused, Google unreachable, or the token endpoint's other refusals. */
function exchangeFailure(error: unknown): ConnectorError {
  const oauth = (error as { response?: { data?: { error?: unknown } } }).response?.data?.error;
  if (oauth === 'invalid_client' || oauth === 'unauthorized_client') return clientRefused(String(oauth));
  if (unreachable(error)) {
    return new DriveSignInError('network', 'Retryable', 'Google could not be reached.', {
      hint: NETWORK_HINT,
      cause: error,
    });
  }
  const mapped = mapDriveError(error);
  return new DriveSignInError('failed', mapped.code, mapped.message, { hint: mapped.hint, cause: error });
}

function clientRefused(what: string): DriveSignInError {
  return new DriveSignInError('invalidClient', 'AuthFailed', `Google does not know this OAuth client (${what}).`, {
    hint: 'Copy the client ID and secret of an OAuth client of type "Desktop app" from the Google Cloud console.',
  });
}

/**
 * Asks the token endpoint to exchange a code that cannot exist: Google answers `invalid_client` for an unknown
 * client or a wrong secret and `invalid_grant` for a known one, so a mistyped client ID is reported at once, and an
 * unreachable Google before the browser opens.
 */
async function probeClient(tokenUrl: string, clientId: string, clientSecret: string | undefined): Promise<void> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code: 'ferry-client-check',
    client_id: clientId,
    redirect_uri: 'http://127.0.0.1/',
    ...(clientSecret === undefined ? {} : { client_secret: clientSecret }),
  });
  let answer: Response;
  try {
    answer = await fetch(tokenUrl, { method: 'POST', body: form, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    throw new DriveSignInError('network', 'Retryable', 'Google could not be reached.', {
      hint: NETWORK_HINT,
      cause: error,
    });
  }
  const body = (await answer.json().catch(() => ({}))) as { error?: unknown };
  if (body.error === 'invalid_client' || body.error === 'unauthorized_client') throw clientRefused(String(body.error));
}

/** The signed-in account's address from Drive's `about` (the drive scope allows it); undefined when it fails. */
async function accountEmail(apiEndpoint: string, accessToken: string | null | undefined): Promise<string | undefined> {
  if (accessToken == null) return undefined;
  try {
    const answer = await fetch(`${apiEndpoint.replace(/\/$/, '')}/drive/v3/about?fields=user(emailAddress)`, {
      headers: { authorization: `Bearer ${accessToken}` },
      signal: AbortSignal.timeout(30_000),
    });
    if (!answer.ok) return undefined;
    const about = (await answer.json()) as { user?: { emailAddress?: unknown } };
    return typeof about.user?.emailAddress === 'string' ? about.user.emailAddress : undefined;
  } catch {
    return undefined;
  }
}
