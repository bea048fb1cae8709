/// <reference types="vite/client" />
import type { FerryBridge } from '../../shared/ipc';

declare global {
  interface Window {
    /** The IPC bridge exposed by preload (or by the test harness in a browser). */
    readonly ferry: FerryBridge;
  }
}
