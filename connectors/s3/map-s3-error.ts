import { ConnectorError, isAbortError } from '../connector-error';
import { mapNodeError } from '../map-node-error';
import { type ConnectorErrorCode } from '../../shared/errors/connector-error-code';

/** The parts of an AWS SDK service error this mapping reads. */
interface S3ErrorShape {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: unknown;
}

const SECRET_HINT = 'Copy the secret access key again from where it was issued (it is shown only once) and save it.';
const KEY_ID_HINT = 'Check the access key ID (a typo, a deleted key, or a key of another provider or region).';

/** The S3 error code of an SDK error (`NoSuchKey`, `AccessDenied`, ...), or undefined. */
export function s3ErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as S3ErrorShape;
  if (typeof e.Code === 'string') return e.Code;
  return typeof e.name === 'string' ? e.name : undefined;
}

/** The HTTP status of an SDK error, or undefined for network errors. */
export function s3HttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as S3ErrorShape).$metadata?.httpStatusCode;
}

/**
 * Maps an AWS SDK S3 error into the closed set. Authentication failures name the credential that is wrong:
 * SignatureDoesNotMatch means the secret key, InvalidAccessKeyId the access key ID, an expired or invalid token
 * the session token. ConnectorErrors pass through; network errors go through mapNodeError.
 */
export function mapS3Error(error: unknown, path?: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isAbortError(error))
    return new ConnectorError('Cancelled', 'The operation was cancelled.', { path, cause: error });
  const code = s3ErrorCode(error);
  const status = s3HttpStatus(error);
  if (status === undefined) return mapNodeError(error, path);
  const text = typeof (error as S3ErrorShape).message === 'string' ? ((error as S3ErrorShape).message as string) : '';
  const where = path === undefined ? '' : `: ${path === '' ? '(root)' : path}`;
  const make = (c: ConnectorErrorCode, message: string, hint?: string): ConnectorError =>
    new ConnectorError(c, `${message}${where}`, { hint, path, cause: error });
  switch (code) {
    case 'SignatureDoesNotMatch':
      return make(
        'AuthFailed',
        'The secret access key is wrong: the store computed a different request signature (SignatureDoesNotMatch)',
        SECRET_HINT,
      );
    case 'InvalidAccessKeyId':
      return make('AuthFailed', 'The access key ID is not known to the store (InvalidAccessKeyId)', KEY_ID_HINT);
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return make('AuthFailed', `The session token has expired (${code})`, 'Get new temporary credentials.');
    case 'InvalidToken':
      return make('AuthFailed', 'The session token is not valid (InvalidToken)', 'Check or renew the session token.');
    case 'RequestTimeTooSkewed':
      return make(
        'AuthFailed',
        "The store refused the request because this computer's clock is wrong (RequestTimeTooSkewed)",
        'Set the system clock right (enable automatic time).',
      );
    case 'AuthorizationHeaderMalformed':
      return make('AuthFailed', `The region or credentials do not match the bucket (${text})`, 'Check the region.');
    case 'AccessDenied':
    case 'AllAccessDisabled':
    case 'AccountProblem':
      return make(
        'PermissionDenied',
        `The store denied access (${code})`,
        'Grant the key the least-privilege policy for this bucket and prefix (see the connector check).',
      );
    case 'NoSuchBucket':
      return make('NotFound', 'The bucket does not exist', 'Check the bucket name and the region.');
    case 'NoSuchKey':
    case 'NotFound':
      return make('NotFound', 'Not found');
    case 'NoSuchUpload':
      return make('NotFound', 'The multipart upload no longer exists (completed, aborted or expired)');
    case 'PreconditionFailed':
    case 'OperationAborted':
    case 'ConditionalRequestConflict':
      return make('Conflict', `The object changed meanwhile (${code})`);
    case 'BadDigest':
    case 'InvalidDigest':
    case 'XAmzContentSHA256Mismatch':
      return make('Integrity', `The store received different bytes than were sent (${code})`);
    case 'EntityTooLarge':
    case 'QuotaExceeded':
    case 'StorageQuotaExceeded':
      return make('QuotaExceeded', `The store refused the size (${code})`);
    case 'InvalidRange':
      return make('InvalidInput', 'The range lies outside the object');
    case 'NotImplemented':
      return make('Unsupported', `The store does not implement this request (${text || code})`);
    case 'SlowDown':
    case 'ServiceUnavailable':
    case 'InternalError':
    case 'RequestTimeout':
      return make('Retryable', `The store is busy or failed temporarily (${code})`);
  }
  if (status === 401) return make('AuthFailed', `The store refused the credentials (${code ?? status})`);
  if (status === 403) return make('PermissionDenied', `The store denied access (${code ?? status})`);
  if (status === 404) return make('NotFound', 'Not found');
  if (status === 409) return make('Conflict', `Conflict (${code ?? status})`);
  if (status === 412) return make('Conflict', `The object changed meanwhile (${code ?? status})`);
  if (status === 413) return make('QuotaExceeded', `The request is too large for the store (${code ?? status})`);
  if (status === 416) return make('InvalidInput', 'The range lies outside the object');
  if (status === 400) return make('InvalidInput', `The store refused the request (${code ?? status}: ${text})`);
  if (status === 501) return make('Unsupported', `The store does not implement this request (${code ?? status})`);
  return make('Retryable', `The store answered ${status} (${code ?? 'no code'}${text ? `: ${text}` : ''})`);
}
