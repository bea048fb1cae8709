import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import { refusing } from '../ipc-refusal';
import type { TransfersService } from './transfers-service';

type TransfersHandlers = Pick<
  IpcHandlers,
  | 'transfers.list'
  | 'transfers.enqueue'
  | 'transfers.pause'
  | 'transfers.resume'
  | 'transfers.cancel'
  | 'transfers.retry'
  | 'transfers.clearFinished'
  | 'transfers.resolveConflict'
  | 'transfers.setLimits'
>;

// Refused actions (unknown id, a state that does not allow it, bad paths) reach the user as InvalidInput.
/** The IPC handlers of the transfers domain. */
export function transfersHandlers(service: TransfersService): TransfersHandlers {
  return {
    'transfers.list': () => ({ transfers: service.list(), limits: service.limits() }),
    'transfers.enqueue': ({ sources, destination }) => refusing(() => service.enqueue(sources, destination)),
    'transfers.pause': ({ id }) => refusing(() => service.pause(id)),
    'transfers.resume': ({ id }) => refusing(() => service.resume(id)),
    'transfers.cancel': ({ id }) => refusing(() => service.cancel(id)),
    'transfers.retry': ({ id }) => refusing(() => service.retry(id)),
    'transfers.clearFinished': () => ({ removed: service.clearFinished() }),
    'transfers.resolveConflict': ({ id, choice, applyToAll }) =>
      refusing(() => service.resolveConflict(id, choice, applyToAll)),
    'transfers.setLimits': (patch) => service.setLimits(patch),
  };
}
