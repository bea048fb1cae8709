import { type ConnectorErrorCode } from '../../shared/errors/connector-error-code';
import { ConnectorError, isAbortError } from '../connector-error';
import { mapNodeError } from '../map-node-error';

interface DriveErrorShape {
  readonly status?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly response?: {
    readonly status?: number;
    readonly data?: {
      readonly error?: { readonly message?: string; readonly errors?: readonly { reason?: string }[] };
    };
  };
}

/** The reasons Drive gives for rate limiting (answered 403 or 429). */
const RATE_LIMIT_REASONS = new Set(['userRateLimitExceeded', 'rateLimitExceeded', 'sharingRateLimitExceeded']);

/** Why a service account cannot upload to My Drive, and what to do: shared by the error and the check. */
export const MY_DRIVE_QUOTA_MESSAGE =
  'A service account has no storage quota of its own, so it cannot upload files to "My Drive" (nor to a My Drive folder shared with it)';

/** What to do about it. */
export const MY_DRIVE_QUOTA_HINT =
  'Put the folder in a Shared Drive, add the service account as a Content manager of it and set the Shared Drive ID; or sign in as a user (OAuth) instead of a service account.';

/** The HTTP status and Drive's first `errors[].reason` of an SDK (Gaxios) error or of a raw response body. */
export function driveErrorFacts(error: unknown): {
  readonly status?: number;
  readonly reason?: string;
  readonly text: string;
} {
  const e = (typeof error === 'object' && error !== null ? error : {}) as DriveErrorShape;
  const status =
    typeof e.status === 'number' ? e.status : (e.response?.status ?? (typeof e.code === 'number' ? e.code : undefined));
  const raw = e.response?.data?.error;
  const body = typeof raw === 'object' ? raw : undefined;
  const text = body?.message ?? (typeof e.message === 'string' ? e.message : String(error));
  return { status, reason: body?.errors?.[0]?.reason, text };
}

/** Whether an error is one of Drive's rate limits (403 userRateLimitExceeded / rateLimitExceeded, or 429). */
export function isDriveRateLimit(error: unknown): boolean {
  const { status, reason } = driveErrorFacts(error);
  return status === 429 || (status === 403 && reason !== undefined && RATE_LIMIT_REASONS.has(reason));
}

/**
 * Maps a Drive API error into the closed set: 401 a refused key, 403 split by Drive's reason (rate limit,
 * storage quota, no permission), 404 absent (or not shared with the account), 416 a range past the end.
 */
export function mapDriveError(error: unknown, path?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isAbortError(error))
    return new ConnectorError('Cancelled', 'The operation was cancelled.', { path, cause: error });
  const { status, reason, text } = driveErrorFacts(error);
  const where = path === undefined ? '' : `: ${path === '' ? '(root)' : path}`;
  const make = (c: ConnectorErrorCode, message: string, hint?: string): ConnectorError =>
    new ConnectorError(c, `${message}${where}`, { hint, path, cause: error });
  if (status === undefined) return mapNodeError(error, path);
  // The token endpoint's refusal of a refresh token (revoked, expired, another client's): OAuth's error string.
  const oauthError = (error as DriveErrorShape).response?.data?.error;
  if (typeof oauthError === 'string' && /invalid_grant|invalid_client|unauthorized_client/.test(oauthError)) {
    return make(
      'AuthFailed',
      `Google refused the sign-in (${oauthError})`,
      'Sign in with Google again on this connector.',
    );
  }
  if (isDriveRateLimit(error)) return make('Retryable', `Google Drive rate limit reached (${reason ?? status})`);
  switch (status) {
    case 400:
      return make('InvalidInput', `Google Drive refused the request (${text})`);
    case 401:
      return make(
        'AuthFailed',
        'The credentials were refused (a service account key deleted or disabled, or a Google sign-in revoked)',
        'Create a new JSON key for the service account and paste it completely, or sign in with Google again.',
      );
    case 403:
      if (reason === 'storageQuotaExceeded' && /service account/i.test(text)) {
        return make('PermissionDenied', MY_DRIVE_QUOTA_MESSAGE, MY_DRIVE_QUOTA_HINT);
      }
      if (reason === 'storageQuotaExceeded' || reason === 'quotaExceeded') {
        return make('QuotaExceeded', `The Drive storage is full (${text})`);
      }
      return make(
        'PermissionDenied',
        `The account may not do this here (${text})`,
        'Share the folder with the account (Editor), or add it to the Shared Drive as a Content manager.',
      );
    case 404:
      return make('NotFound', 'Not found (or not shared with the account)');
    case 409:
    case 412:
      return make('Conflict', `The file changed meanwhile (${text})`);
    case 416:
      return make('InvalidInput', 'The range lies outside the file');
  }
  if (status >= 500) return make('Retryable', `Google Drive failed temporarily (${status}: ${text})`);
  return make('Retryable', `Google Drive answered ${status} (${text})`);
}
