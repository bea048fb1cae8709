import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { FerryBridge } from '../shared/ipc';
import { channelOf, isEventName, isMethodName } from '../shared/ipc/channels';

// The whole preload: exposes the IPC contract's channels as `window.ferry`, refuses every other channel.

const bridge: FerryBridge = {
  invoke(method, input) {
    if (!isMethodName(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'UnknownChannel', message: `Unknown IPC method '${method}'.` },
      });
    }
    return ipcRenderer.invoke(channelOf(method), input).catch(() => ({
      ok: false,
      error: { code: 'InvalidInput', message: `The payload for '${method}' cannot be sent (not plain data).` },
    }));
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown IPC event '${event}'.`);
    const channel = channelOf(event);
    const wrapped = (_event: Electron.IpcRendererEvent, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
  // Electron gives dropped files no path any more; this names the ones the user dropped, nothing else.
  pathForFile: (file) => webUtils.getPathForFile(file as File),
};

contextBridge.exposeInMainWorld('ferry', bridge);
