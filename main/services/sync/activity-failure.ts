// How a failure reads in the agent's activity: a stable code, a message and what to do.
import type { ActivityInput } from '../../../shared/ipc/sync-ipc';
import { CONNECTOR_ERROR_MEANING } from '../../../shared/errors/connector-error-code';
import { isConnectorError } from '../../../connectors/connector-error';
import { OfferUploadError } from '../offer-uploads/offer-upload-error';
import { PlatformApiError, PlatformUnreachableError } from '../platform/platform-api-error';

/** The part of an activity entry that tells a failure. */
export type ActivityFailure = Pick<ActivityInput, 'code' | 'message' | 'hint'>;

/** A deliver run's failure: connector codes with their meaning as hint, platform refusals with what to do. */
export function deliveryFailureOf(error: unknown): ActivityFailure {
  if (isConnectorError(error)) {
    return { code: error.code, message: error.message, hint: error.hint ?? CONNECTOR_ERROR_MEANING[error.code] };
  }
  if (error instanceof PlatformApiError) {
    const hint =
      error.status === 401
        ? 'Sign in again (or give the agent a new API key).'
        : error.status === 403
          ? 'Ask an admin of your organisation for the editor role.'
          : error.status >= 500
            ? 'The platform had a problem: the next run tries again.'
            : undefined;
    return { code: error.code, message: error.message, ...(hint === undefined ? {} : { hint }) };
  }
  if (error instanceof PlatformUnreachableError) {
    return {
      code: 'platform_unreachable',
      message: error.message,
      hint: 'Check the network and the platform address: the next run continues where this one stopped.',
    };
  }
  return { code: 'error', message: error instanceof Error ? error.message : String(error) };
}

/** A publish run's failure: upload codes with the connector's hint when it gave one. */
export function publishFailureOf(error: unknown): ActivityFailure {
  if (error instanceof OfferUploadError) {
    const cause: unknown = error.cause;
    const hint = isConnectorError(cause) ? cause.hint : undefined;
    return { code: error.code, message: error.message, ...(hint === undefined ? {} : { hint }) };
  }
  if (isConnectorError(error)) {
    return { code: error.code, message: error.message, ...(error.hint === undefined ? {} : { hint: error.hint }) };
  }
  if (error instanceof PlatformApiError) return { code: error.code, message: error.message };
  if (error instanceof PlatformUnreachableError) return { code: 'offline', message: error.message };
  return { message: error instanceof Error ? error.message : String(error) };
}
