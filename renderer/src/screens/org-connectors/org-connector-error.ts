import { IpcError } from '../../ipc-client';
import { errorMessage } from '../../notify-error';

// The refusals whose platform message names what is wrong (the field, the offer using it, the secret to re-enter).
const DETAILED = ['validation_failed', 'connector_in_use', 'connector_unusable'];

/**
 * A failed organisation-connector action in the user's language, saying what to do; for refusals that name a field,
 * a user or a secret, the platform's own words follow in parentheses.
 */
export function orgConnectorErrorMessage(error: unknown): string {
  const message = errorMessage(error);
  if (
    error instanceof IpcError &&
    error.code === 'PlatformRefused' &&
    DETAILED.includes(error.reason ?? '') &&
    error.message.trim() !== ''
  ) {
    return `${message} (${error.message.trim()})`;
  }
  return message;
}
