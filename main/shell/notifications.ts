import { Notification } from 'electron';
import type { ModuleOutlets } from '../app/desktop-module';

/** Shows an OS notification main services asked for; a click runs `onClick` (opens the Transfers or Activity screen). */
export function showNotification(request: Parameters<ModuleOutlets['notify']>[0], onClick: () => void): void {
  // Some Linux desktops have no notification server: nothing to show there.
  if (!Notification.isSupported()) return;
  const notification = new Notification({ title: request.title, body: request.body });
  notification.on('click', onClick);
  notification.show();
}
