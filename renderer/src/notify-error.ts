import { notifications } from '@mantine/notifications';
import { i18n } from './i18n/i18n';
import { IpcError } from './ipc-client';
import { connectorErrorMessage } from './screens/connectors/connector-error-message';

/** Shows a failed action to the user in their language, saying what to do. */
export function notifyError(error: unknown): void {
  const message =
    connectorErrorMessage(error) ??
    (error instanceof IpcError ? i18n.t(`errors.ipc.${error.code}`) : i18n.t('errors.ipc.Internal'));
  notifications.show({ color: 'red', title: i18n.t('errors.title'), message, autoClose: 8000 });
}
