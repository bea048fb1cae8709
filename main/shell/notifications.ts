import { Notification } from 'electron';
import type { TransferNotification } from '../services/transfers/batch-notification';

/** Shows an OS notification main services asked for; a click runs `onClick` (e.g. opens the Transfers screen). */
export function showNotification(request: TransferNotification, onClick: () => void): void {
  // Some Linux desktops have no notification server: nothing to show there.
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: request.title, body: request.body });
  notification.on('click', onClick);
  notification.show();
}
