import { ConnectorError } from '../../connectors/connector-error';
import { DataFolderLockedError } from '../../platform';
import { IpcRefusal } from '../ipc/ipc-dispatcher';
import { ConnectorInputError } from './connectors/connector-input-error';
import { PlatformApiError, PlatformUnreachableError } from './platform/platform-api-error';
import { NotSignedInError, PlatformAddressError } from './platform/platform-connection';
import { TransferActionError } from './transfers/transfer-action-error';

/**
 * The one mapping of main's failures to the typed refusals the renderer translates: input refusals become
 * InvalidInput (with a stable reason where there is one), driver errors ConnectorFailed with the closed-set code as
 * reason, platform failures their own codes. Anything else is rethrown and becomes Internal (logged, not sent).
 */
export function ipcRefusalOf(error: unknown): never {
  if (error instanceof IpcRefusal) throw error;
  if (error instanceof ConnectorInputError) throw new IpcRefusal('InvalidInput', error.message, error.reason);
  if (error instanceof TransferActionError) throw new IpcRefusal('InvalidInput', error.message);
  if (error instanceof ConnectorError) {
    const hint = error.hint === undefined ? '' : ` ${error.hint}`;
    throw new IpcRefusal('ConnectorFailed', `${error.message}${hint}`, error.code);
  }
  if (error instanceof PlatformApiError) throw new IpcRefusal('PlatformRefused', error.message, error.code);
  if (error instanceof PlatformUnreachableError) throw new IpcRefusal('PlatformUnreachable', error.message);
  // The local workspace's folder is held by another Ferry (or `npm run platform`): the message names both.
  if (error instanceof DataFolderLockedError) {
    throw new IpcRefusal('PlatformUnreachable', error.message, 'data-folder-in-use');
  }
  if (error instanceof NotSignedInError) throw new IpcRefusal('NotSignedIn', error.message);
  if (error instanceof PlatformAddressError)
    throw new IpcRefusal('InvalidInput', error.message, `url-${error.problem}`);
  throw error;
}

/** Runs a handler's work so its failures reach the renderer through ipcRefusalOf. */
export async function refusing<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    return ipcRefusalOf(error);
  }
}
