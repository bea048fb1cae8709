import { drive, type drive_v3 } from '@googleapis/drive';
import { JWT, OAuth2Client } from 'google-auth-library';
import { type DriveOptions } from '../../shared/connectors/drive-descriptor';
import { type CredentialPort } from '../config/credential-port';
import { ConnectorError } from '../connector-error';
import { parseGoogleServiceAccount, serviceAccountJwt } from '../google/google-service-account';

/** Google's OAuth token endpoint (refresh tokens are exchanged there). */
export const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

/** The public Drive API root. */
export const DRIVE_DEFAULT_ENDPOINT = 'https://www.googleapis.com';

/** The scope every Drive request is signed for (files the account can reach, read and write). */
export const DRIVE_SCOPE = 'https://www.googleapis.com/auth/drive';

/** The Drive client and what the hand-written resumable protocol needs besides it. */
export interface DriveClient {
  readonly api: drive_v3.Drive;
  /** The API root with its trailing slash, for media calls (the SDK ignores the client's rootUrl there). */
  readonly rootUrl: string;
  /** An `authorization` header value, renewed by the auth client when needed. */
  authorization(): Promise<string>;
  /** Who the requests speak for, for messages: the service account's address, or "a Google account". */
  readonly identity: string;
  /** True for a service account (no storage quota of its own in My Drive). */
  readonly serviceAccount: boolean;
}

/** The auth client of a connector: a self-signed service-account JWT, or a user's refresh token (OAuth). */
function authOf(options: DriveOptions, credentials: CredentialPort | undefined): JWT | OAuth2Client {
  if (options.auth === 'serviceAccount') {
    if (options.serviceAccountJson === undefined) {
      throw new ConnectorError(
        'InvalidInput',
        'A service account key (JSON) is needed to sign in with a service account.',
      );
    }
    // Signs its own access tokens: no token endpoint involved.
    return serviceAccountJwt(parseGoogleServiceAccount(options.serviceAccountJson), DRIVE_SCOPE);
  }
  if (options.clientId === undefined || options.refreshToken === undefined) {
    throw new ConnectorError(
      'InvalidInput',
      'Signing in with a Google account needs the OAuth client ID and a refresh token.',
      {
        hint: 'Use "Sign in with Google" on the connector, or paste a refresh token made for this OAuth client.',
      },
    );
  }
  const client = new OAuth2Client({
    clientId: options.clientId,
    ...(options.clientSecret === undefined ? {} : { clientSecret: options.clientSecret }),
    endpoints: { oauth2TokenUrl: options.tokenUrl ?? GOOGLE_TOKEN_URL },
    // A 401 (access token revoked early) refreshes once instead of failing.
    forceRefreshOnFailure: true,
  });
  client.setCredentials({ refresh_token: options.refreshToken });
  let current = options.refreshToken;
  client.on('tokens', (tokens) => {
    // Google may rotate the refresh token: the new one is saved or the next open would sign in with a dead one.
    if (tokens.refresh_token == null || tokens.refresh_token === current) return;
    current = tokens.refresh_token;
    void credentials?.save('refreshToken', current).catch(() => undefined);
  });
  return client;
}

/**
 * The SDK client for a connector. A service account signs its own access tokens (self-signed JWT with the drive
 * scope); a Google account's refresh token is exchanged at the token endpoint, a rotated one saved through the
 * credential port. The SDK's own retries are off: the driver backs off rate limits itself, with jitter, and
 * Ferry's transfer engine retries the rest.
 */
export function createDriveClient(options: DriveOptions, credentials?: CredentialPort): DriveClient {
  const auth = authOf(options, credentials);
  const rootUrl = `${options.apiEndpoint ?? DRIVE_DEFAULT_ENDPOINT}/`;
  const api = drive({ version: 'v3', auth, rootUrl, retry: false });
  const serviceAccount = auth instanceof JWT;
  return {
    api,
    rootUrl,
    identity: auth instanceof JWT ? (auth.email ?? 'a service account') : 'a Google account (OAuth)',
    serviceAccount,
    async authorization() {
      const headers = await auth.getRequestHeaders();
      const value = headers.get('authorization');
      if (value === null) throw new ConnectorError('AuthFailed', 'No access token could be obtained.');
      return value;
    },
  };
}
