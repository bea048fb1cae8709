import type { FerryBridge } from '../../shared/ipc';

declare global {
  interface Window {
    /** The bridge preload (or the harness) exposes to the page. */
    readonly ferry: FerryBridge;
  }
}
