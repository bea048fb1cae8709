import { IpcError } from '../../ipc-client';
import { errorMessage } from '../../notify-error';

// The refusals whose platform message names what is wrong (the field, the secret to re-enter). Not connector_in_use:
// its users come structured and the connector's details list them in the user's language.
const DETAILED = ['validation_failed', 'connector_unusable'];

/**
 * A failed organisation-connector action in the user's language, saying what to do; for refusals that name a field
 * or a secret, the platform's own words follow in parentheses.
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
