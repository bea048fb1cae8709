import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { CodeChallengeMethod, OAuth2Client } from 'google-auth-library';
import { cancelledError, ConnectorError } from '../connector-error';
import { DRIVE_SCOPE, GOOGLE_TOKEN_URL } from './drive-client';
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
  /** How long the user has to answer (default 5 minutes). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** What the sign-in yields: the refresh token to save through the credential port (keychain or vault). */
export interface DriveSignInResult {
  readonly refreshToken: string;
  readonly scope: string | undefined;
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
        const ok = url.searchParams.get('state') === state && code !== null;
        response.writeHead(ok ? 200 : 400, { 'content-type': 'text/html; charset=utf-8' });
        response.end(ok ? DONE_PAGE : FAILED_PAGE);
        if (ok) return resolve({ code, redirectUri: redirectUriOf(server!) });
        const refusal = url.searchParams.get('error');
        reject(
          new ConnectorError(
            'AuthFailed',
            refusal === null
              ? 'The sign-in answer did not match this attempt.'
              : `Google refused the sign-in (${refusal}).`,
            { hint: 'Sign in again and allow Ferry access to Google Drive.' },
          ),
        );
      });
      server.on('error', reject);
      timer = setTimeout(
        () => reject(new ConnectorError('AuthFailed', 'The sign-in was not completed in time.')),
        options.timeoutMs ?? 5 * 60_000,
      );
      options.signal?.addEventListener('abort', () => reject(cancelledError(options.signal)), { once: true });
    });
    redirect.catch(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const client = new OAuth2Client({
      clientId: options.clientId,
      ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
      redirectUri: redirectUriOf(server!),
      endpoints: {
        oauth2AuthBaseUrl: options.authorizeUrl ?? GOOGLE_AUTHORIZE_URL,
        oauth2TokenUrl: options.tokenUrl ?? GOOGLE_TOKEN_URL,
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
    await options.openBrowser(consent);
    const { code, redirectUri } = await redirect;
    let tokens;
    try {
      ({ tokens } = await client.getToken({ code, codeVerifier, redirect_uri: redirectUri }));
    } catch (error) {
      throw mapDriveError(error);
    }
    if (tokens.refresh_token == null) {
      throw new ConnectorError('AuthFailed', 'Google returned no refresh token.', {
        hint: 'Remove Ferry from the account’s third-party access (myaccount.google.com/permissions), then sign in again.',
      });
    }
    return { refreshToken: tokens.refresh_token, scope: tokens.scope ?? undefined };
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
