import { CONNECTOR_ERROR_CODES } from '../../../../shared/errors/connector-error-code';
import type { ConnectorSummary } from '../../../../shared/ipc/connectors-ipc';
import { i18n } from '../../i18n/i18n';
import { IpcError } from '../../ipc-client';
import { connectorPlace } from './connector-place';

const INPUT_REASONS = [
  'UnknownConnector',
  'UnknownKind',
  'NameTaken',
  'InvalidOptions',
  'SessionSecretsNotAccepted',
  'NoIdentityToTrust',
  'IdentityChanged',
  'NoIdentityToForget',
  'SignInExpired',
  'SignInOtherClient',
] as const;

// "AuthFailed: Retryable: text" -> "text": a code is for programs, never for the people reading the message.
const CODE_PREFIX = new RegExp(`^(?:\\s*(?:${CONNECTOR_ERROR_CODES.join('|')}|ConnectorError|Error):\\s*)+`);

/** A driver's or main's detail without the internal codes some layers put in front of it. */
export function withoutCodes(message: string): string {
  return message.replace(CODE_PREFIX, '').trim();
}

/**
 * A connector failure as one sentence in the user's language naming the server and the account ("Could not sign in
 * to sftp.example.org as ada: …"), when the failing connector is known; the driver's detail follows in parentheses.
 */
function failureOn(connector: ConnectorSummary, code: string, detail: string): string {
  const { server, user } = connectorPlace(connector);
  const reason = i18n.t(`connectors.errors.reason.${code}`);
  const lead =
    code === 'AuthFailed' && user !== undefined
      ? i18n.t('connectors.errors.signIn', { server, user, reason })
      : i18n.t('connectors.errors.on', { server, reason });
  return detail === '' ? lead : `${lead} (${detail})`;
}

/**
 * A connector or browser failure in the user's language, saying what to do; the driver's own (English) detail
 * follows, without internal codes. Given the connector it happened on, names its server and account. Undefined
 * for errors of other domains.
 */
export function connectorErrorMessage(error: unknown, connector?: ConnectorSummary): string | undefined {
  if (!(error instanceof IpcError) || error.reason === undefined) return undefined;
  const detail = withoutCodes(error.message);
  if (error.code === 'ConnectorFailed' && (CONNECTOR_ERROR_CODES as readonly string[]).includes(error.reason)) {
    if (connector !== undefined) return failureOn(connector, error.reason, detail);
    return `${i18n.t(`connectors.errors.failed.${error.reason}`)} (${detail})`;
  }
  if (error.code === 'InvalidInput' && (INPUT_REASONS as readonly string[]).includes(error.reason)) {
    const text = i18n.t(`connectors.errors.refused.${error.reason}`);
    return error.reason === 'InvalidOptions' ? `${text} (${detail})` : text;
  }
  return undefined;
}

/** Any failure's message in the user's language: a connector's own (naming its server when given), or the IPC code's. */
export function describeError(error: unknown, connector?: ConnectorSummary): string {
  const message = connectorErrorMessage(error, connector);
  if (message !== undefined) return message;
  return error instanceof IpcError ? i18n.t(`errors.ipc.${error.code}`) : i18n.t('errors.ipc.Internal');
}
