import { ConnectorError, isAbortError } from '../connector-error';
import { mapNodeError } from '../map-node-error';
import { type ConnectorErrorCode } from '../../shared/errors/connector-error-code';
import { describeSasPermissions, type SasInfo, type SasPermission } from './sas-token';

/** The operation that failed, so a refused SAS can be told which permission letter it lacks. */
export type AzureOperation = 'list' | 'read' | 'write' | 'delete' | 'other';

const PERMISSION_OF: { readonly [O in AzureOperation]: SasPermission | undefined } = {
  list: 'l',
  read: 'r',
  write: 'w',
  delete: 'd',
  other: undefined,
};

interface RestErrorShape {
  readonly statusCode?: number;
  readonly code?: string;
  readonly message?: string;
  readonly details?: { readonly errorCode?: string };
}

/** The Azure error code of a RestError (`BlobNotFound`, ...). */
export function azureErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as RestErrorShape;
  return e.details?.errorCode ?? e.code;
}

/** The HTTP status of a RestError, or undefined for network errors. */
export function azureHttpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  return (error as RestErrorShape).statusCode;
}

/**
 * Maps an @azure/storage-blob RestError into the closed set. A SAS refused for an operation names the permission
 * letter it lacks; a refused signature says whether the key or SAS is wrong or expired.
 */
export function mapAzureError(
  error: unknown,
  path?: string,
  operation: AzureOperation = 'other',
  sas?: SasInfo,
): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (isAbortError(error))
    return new ConnectorError('Cancelled', 'The operation was cancelled.', { path, cause: error });
  const status = azureHttpStatus(error);
  if (status === undefined) return mapNodeError(error, path);
  const code = azureErrorCode(error);
  const text = ((error as RestErrorShape).message ?? '').split('\n')[0] ?? '';
  const where = path === undefined ? '' : `: ${path === '' ? '(root)' : path}`;
  const make = (c: ConnectorErrorCode, message: string, hint?: string): ConnectorError =>
    new ConnectorError(c, `${message}${where}`, { hint, path, cause: error });
  // Azure says AuthenticationFailed, Azurite AuthorizationFailure; both start their message like this.
  if (code === 'AuthenticationFailed' || /^Server failed to authenticate/i.test(text)) {
    if (sas?.expiresAt !== undefined && sas.expiresAt.getTime() <= Date.now()) {
      return make('AuthFailed', `The SAS expired on ${sas.expiresAt.toISOString()}`, 'Ask for a new SAS URL or token.');
    }
    if (/time frame|expired/i.test(text)) {
      return make('AuthFailed', 'The SAS has expired or is not valid yet', 'Ask for a new SAS URL or token.');
    }
    return make(
      'AuthFailed',
      sas === undefined
        ? 'The account key is wrong: the service computed a different signature'
        : 'The SAS signature is wrong (the token was altered, truncated or revoked)',
      sas === undefined ? 'Copy the account key again, completely.' : 'Copy the SAS URL or token again, completely.',
    );
  }
  switch (code) {
    case 'BlobNotFound':
      return make('NotFound', 'Not found');
    case 'ContainerNotFound':
      return make('NotFound', 'The container does not exist', 'Check the container name.');
    case 'AuthorizationPermissionMismatch':
    case 'AuthorizationResourceTypeMismatch': {
      const letter = PERMISSION_OF[operation];
      return letter === undefined
        ? make('PermissionDenied', `The credentials do not allow this (${code})`)
        : make(
            'PermissionDenied',
            `The SAS lacks the ${describeSasPermissions([letter])} permission`,
            `Ask for a SAS that includes "${letter}".`,
          );
    }
    case 'AuthorizationFailure':
    case 'AuthorizationSourceIPMismatch':
    case 'AuthorizationProtocolMismatch':
      return make('PermissionDenied', `Access refused (${code}): network rules, IP range or HTTPS-only`);
    case 'Md5Mismatch':
    case 'InvalidMd5':
    case 'Crc64Mismatch':
      return make('Integrity', `The service received different bytes than were sent (${code})`);
    case 'InvalidRange':
      return make('InvalidInput', 'The range lies outside the blob');
    case 'InvalidBlockList':
    case 'ConditionNotMet':
    case 'BlobAlreadyExists':
    case 'LeaseIdMissing':
    case 'LeaseIdMismatchWithBlobOperation':
      return make('Conflict', `The blob changed meanwhile (${code})`);
    case 'ServerBusy':
    case 'OperationTimedOut':
    case 'InternalError':
      return make('Retryable', `The service is busy or failed temporarily (${code})`);
  }
  if (status === 401) return make('AuthFailed', `The service refused the credentials (${code ?? status})`);
  if (status === 403) return make('PermissionDenied', `Access refused (${code ?? status})`);
  if (status === 404) return make('NotFound', 'Not found');
  if (status === 409 || status === 412) return make('Conflict', `Conflict (${code ?? status})`);
  if (status === 413) return make('QuotaExceeded', `Too large for the service (${code ?? status})`);
  if (status === 416) return make('InvalidInput', 'The range lies outside the blob');
  if (status === 400) return make('InvalidInput', `The service refused the request (${code ?? status}: ${text})`);
  return make('Retryable', `The service answered ${status} (${code ?? 'no code'}${text ? `: ${text}` : ''})`);
}
