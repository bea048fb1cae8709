import { notifications } from '@mantine/notifications';
import { i18n } from './i18n/i18n';
import { IpcError } from './ipc-client';
import { platformErrorMessage } from './platform-error-message';
import { connectorErrorMessage } from './screens/connectors/connector-error-message';

/** A failed action's message in the user's language, saying what to do. */
export function errorMessage(error: unknown): string {
  const platform = platformErrorMessage(error);
  if (platform !== undefined) return platform;
  const connector = connectorErrorMessage(error);
  if (connector !== undefined) return connector;
  return error instanceof IpcError ? i18n.t(`errors.ipc.${error.code}`) : i18n.t('errors.ipc.Internal');
}

/** Shows a failed action to the user in their language, saying what to do. */
export function notifyError(error: unknown): void {
  const message = errorMessage(error);
  notifications.show({ color: 'red', title: i18n.t('errors.title'), message, autoClose: 8000 });
}
