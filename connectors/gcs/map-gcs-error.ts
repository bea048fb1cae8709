import { ConnectorError, isAbortError } from '../connector-error';
import { mapNodeError } from '../map-node-error';
import { type ConnectorErrorCode } from '../../shared/errors/connector-error-code';

interface GcsErrorShape {
  readonly code?: unknown;
  readonly status?: unknown;
  readonly message?: unknown;
  readonly errors?: readonly { readonly reason?: string }[];
  readonly response?: { readonly status?: number };
}

/** The HTTP status of an SDK (ApiError / GaxiosError) error, or undefined for network errors. */
export function gcsHttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as GcsErrorShape;
  if (typeof e.code === 'number') return e.code;
  if (typeof e.status === 'number') return e.status;
  return e.response?.status;
}

/**
 * Maps a @google-cloud/storage error into the closed set: 401 means the service-account key was refused,
 * 403 a missing IAM permission, 412 a changed object, 400 naming a digest an integrity failure.
 */
export function mapGcsError(error: unknown, path?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isAbortError(error))
    return new ConnectorError('Cancelled', 'The operation was cancelled.', { path, cause: error });
  const status = gcsHttpStatus(error);
  const e = (typeof error === 'object' && error !== null ? error : {}) as GcsErrorShape;
  const text = typeof e.message === 'string' ? e.message : String(error);
  const where = path === undefined ? '' : `: ${path === '' ? '(root)' : path}`;
  const make = (c: ConnectorErrorCode, message: string, hint?: string): ConnectorError =>
    new ConnectorError(c, `${message}${where}`, { hint, path, cause: error });
  // The SDK's own integrity checks (download hash, resumed-upload offset) have no HTTP status.
  if (/mismatch|did not match|doesn't match/i.test(text) && /md5|crc32c|hash|checksum/i.test(text)) {
    return make('Integrity', `The bytes do not match their checksum (${text})`);
  }
  if (status === undefined) {
    if (error instanceof RangeError) return make('Conflict', `The resumable upload cannot continue (${text})`);
    return mapNodeError(error, path);
  }
  switch (status) {
    case 400:
      return make('InvalidInput', `The service refused the request (${text})`);
    case 401:
      return make(
        'AuthFailed',
        "The service account key was refused (deleted, disabled or not this project's key)",
        'Create a new JSON key for the service account and paste it completely.',
      );
    case 403:
      return make(
        'PermissionDenied',
        `The service account lacks a permission here (${text})`,
        'Grant it roles/storage.objectAdmin on the bucket (or objectViewer for reading only).',
      );
    case 404:
      return /bucket/i.test(text)
        ? make('NotFound', 'The bucket does not exist', 'Check the bucket name.')
        : make('NotFound', 'Not found');
    case 409:
    case 412:
      return make('Conflict', `The object changed meanwhile (${text})`);
    case 413:
      return make('QuotaExceeded', `Too large for the service (${text})`);
    case 416:
      return make('InvalidInput', 'The range lies outside the object');
    case 429:
      return make('Retryable', `Rate limited (${text})`);
  }
  if (status >= 500) return make('Retryable', `The service failed temporarily (${status}: ${text})`);
  return make('Retryable', `The service answered ${status} (${text})`);
}
