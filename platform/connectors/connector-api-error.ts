import { ConnectorError } from '../../connectors/connector-error';
import { assertNever } from '../../shared/assert-never';
import { ApiError } from '../http/api-error';

/**
 * The API error for a storage's refusal (its message and hint, which never hold a secret): a missing path is
 * not_found, a bad path validation_failed, anything else (sign-in, permission, outage) connector_unusable.
 * Other errors pass through unchanged.
 */
export function apiErrorOfConnector(error: unknown): unknown {
  if (!(error instanceof ConnectorError)) return error;
  const text =
    error.hint !== undefined && error.hint !== error.message ? `${error.message} ${error.hint}` : error.message;
  switch (error.code) {
    case 'NotFound':
      return new ApiError('not_found', text);
    case 'InvalidInput':
      return new ApiError('validation_failed', text);
    case 'AuthFailed':
    case 'PermissionDenied':
    case 'Conflict':
    case 'QuotaExceeded':
    case 'Retryable':
    case 'Unsupported':
    case 'Integrity':
    case 'Cancelled':
      return new ApiError('connector_unusable', `The storage refused: ${text}`);
    default:
      return assertNever(error.code, 'connector error code');
  }
}
