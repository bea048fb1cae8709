import { CONNECTOR_ERROR_CODES } from '../../../../shared/errors/connector-error-code';
import { i18n } from '../../i18n/i18n';
import { IpcError } from '../../ipc-client';

const INPUT_REASONS = [
  'UnknownConnector',
  'UnknownKind',
  'NameTaken',
  'InvalidOptions',
  'SessionSecretsNotAccepted',
  'NoIdentityToTrust',
  'IdentityChanged',
] as const;

/**
 * A connector or browser failure in the user's language, saying what to do; the driver's own (English) detail
 * follows. Undefined for errors of other domains.
 */
export function connectorErrorMessage(error: unknown): string | undefined {
  if (!(error instanceof IpcError) || error.reason === undefined) return undefined;
  if (error.code === 'ConnectorFailed' && (CONNECTOR_ERROR_CODES as readonly string[]).includes(error.reason)) {
    return `${i18n.t(`connectors.errors.failed.${error.reason}`)} (${error.message})`;
  }
  if (error.code === 'InvalidInput' && (INPUT_REASONS as readonly string[]).includes(error.reason)) {
    const text = i18n.t(`connectors.errors.refused.${error.reason}`);
    return error.reason === 'InvalidOptions' ? `${text} (${error.message})` : text;
  }
  return undefined;
}

/** Any failure's message in the user's language: a connector's own, or the IPC error code's. */
export function describeError(error: unknown): string {
  const connector = connectorErrorMessage(error);
  if (connector !== undefined) return connector;
  return error instanceof IpcError ? i18n.t(`errors.ipc.${error.code}`) : i18n.t('errors.ipc.Internal');
}
