import { IpcRefusal } from '../../ipc/ipc-dispatcher';
import { DataFolderLockedError } from '../../../platform';
import { PlatformApiError, PlatformUnreachableError } from './platform-api-error';
import { NotSignedInError, PlatformAddressError } from './platform-connection';

/**
 * Turns a platform failure into the typed refusal the renderer translates: the platform's own code
 * (PlatformRefused + reason), unreachable, not signed in, or a bad address. Anything else is rethrown (Internal).
 */
export function platformRefusal(error: unknown): never {
  if (error instanceof PlatformApiError) throw new IpcRefusal('PlatformRefused', error.message, error.code);
  if (error instanceof PlatformUnreachableError) throw new IpcRefusal('PlatformUnreachable', error.message);
  // The local workspace's folder is held by another Ferry (or `npm run platform`): the message names both.
  if (error instanceof DataFolderLockedError)
    throw new IpcRefusal('PlatformUnreachable', error.message, 'data-folder-in-use');
  if (error instanceof NotSignedInError) throw new IpcRefusal('NotSignedIn', error.message);
  if (error instanceof PlatformAddressError)
    throw new IpcRefusal('InvalidInput', error.message, `url-${error.problem}`);
  throw error;
}

/** Wraps a handler so its platform failures reach the renderer as typed refusals. */
export function refusing<I, O>(handler: (input: I) => Promise<O>): (input: I) => Promise<O> {
  return (input) => handler(input).catch(platformRefusal);
}
