import type { EventSink, IpcHandlers } from '../ipc/ipc-dispatcher';
import type { SyncNotification } from '../services/sync/sync-notification';
import type { TransferNotification } from '../services/transfers/batch-notification';

/** Where a module's events go: the renderer (window or harness page) and the OS notifications. */
export interface ModuleOutlets {
  readonly emit: EventSink;
  readonly notify: (notification: TransferNotification | SyncNotification) => void;
}

/** One desktop module as compose() assembles it: the IPC methods it implements, the events it sends, its stop. */
export interface DesktopModule {
  /** Its share of the IPC contract; compose() checks that the shares cover the whole contract. */
  readonly handlers: Partial<IpcHandlers>;
  /** Subscribes the module's events to the outlets (called once, by compose()). */
  readonly wire?: (outlets: ModuleOutlets) => void;
  /** Stops what it runs in the background, before the app quits. */
  readonly stop?: () => Promise<void>;
}
