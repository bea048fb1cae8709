import { type BrowserWindow, type IpcMainInvokeEvent, ipcMain } from 'electron';
import { channelOf, ipcMethods } from '../../shared/ipc';
import { type Dispatch, type EventSink, checkEventPayload } from '../ipc/ipc-dispatcher';
import { isTrustedSenderUrl } from '../ipc/trusted-sender';
import { rendererUrl } from './main-window';

/** Only the main frame of Ferry's own window, showing Ferry's own page, may call main. */
function isTrustedSender(event: IpcMainInvokeEvent, window: () => BrowserWindow | undefined): boolean {
  const frame = event.senderFrame;
  const win = window();
  if (!frame || !win || win.isDestroyed() || event.sender !== win.webContents || frame.parent !== null) return false;
  return isTrustedSenderUrl(frame.url, rendererUrl());
}

/** Registers one ipcMain handler per contract method; every call is sender-checked and payload-validated. */
export function registerIpcHandlers(dispatch: Dispatch, window: () => BrowserWindow | undefined): void {
  for (const method of Object.keys(ipcMethods)) {
    ipcMain.handle(channelOf(method), (event, payload: unknown) => {
      if (!isTrustedSender(event, window)) {
        return { ok: false, error: { code: 'UntrustedSender', message: 'IPC refused: the sender is not Ferry.' } };
      }
      return dispatch(method, payload);
    });
  }
}

/** Sends contract events to the main window, validated against their schema first. */
export function windowEventSink(window: () => BrowserWindow | undefined): EventSink {
  return (event, payload) => {
    const win = window();
    if (win && !win.isDestroyed()) win.webContents.send(channelOf(event), checkEventPayload(event, payload));
  };
}
