import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import { refusing } from '../ipc-refusal';
import type { ConnectorsService } from './connectors-service';
import type { DriveSignIns } from './drive-sign-ins';

type ConnectorsHandlers = Pick<
  IpcHandlers,
  | 'connectors.kinds'
  | 'connectors.list'
  | 'connectors.create'
  | 'connectors.update'
  | 'connectors.delete'
  | 'connectors.test'
  | 'connectors.trustIdentity'
  | 'connectors.forgetIdentity'
  | 'connectors.driveSignIn'
  | 'connectors.cancelDriveSignIn'
>;

/** The IPC handlers of my connectors (refusals mapped by ipcRefusalOf). */
export function connectorsHandlers(service: ConnectorsService, signIns: DriveSignIns): ConnectorsHandlers {
  return {
    'connectors.kinds': () => ({ kinds: service.kinds() }),
    'connectors.list': async () => ({ connectors: await service.list() }),
    'connectors.create': (input) => refusing(() => service.create(input)),
    'connectors.update': (input) => refusing(() => service.update(input)),
    'connectors.delete': ({ id }) =>
      refusing(async () => {
        await service.delete(id);
        return { deleted: true as const };
      }),
    'connectors.test': ({ id, write }) => refusing(() => service.test(id, write === undefined ? {} : { write })),
    'connectors.trustIdentity': ({ id, fingerprint }) => refusing(() => service.trustIdentity(id, fingerprint)),
    'connectors.forgetIdentity': ({ id }) => refusing(() => service.forgetIdentity(id)),
    'connectors.driveSignIn': (input) => refusing(() => signIns.start(input)),
    'connectors.cancelDriveSignIn': () => ({ cancelled: signIns.cancel() }),
  };
}
