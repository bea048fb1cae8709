import { ConnectorError } from '../../../connectors/connector-error';
import { type IpcHandlers, IpcRefusal } from '../../ipc/ipc-dispatcher';
import { ConnectorInputError } from './connector-input-error';
import type { ConnectorsService } from './connectors-service';

type ConnectorsHandlers = Pick<
  IpcHandlers,
  | 'connectors.kinds'
  | 'connectors.list'
  | 'connectors.create'
  | 'connectors.update'
  | 'connectors.delete'
  | 'connectors.test'
  | 'connectors.trustIdentity'
>;

/**
 * Turns the connectors' refusals into typed IPC errors: input problems become InvalidInput with a stable reason,
 * driver errors ConnectorFailed with the closed-set code as reason (the renderer translates both).
 */
export async function refusingConnectorErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ConnectorInputError) throw new IpcRefusal('InvalidInput', error.message, error.reason);
    if (error instanceof ConnectorError) {
      const hint = error.hint === undefined ? '' : ` ${error.hint}`;
      throw new IpcRefusal('ConnectorFailed', `${error.message}${hint}`, error.code);
    }
    throw error;
  }
}

/** The IPC handlers of my connectors. */
export function connectorsHandlers(service: ConnectorsService): ConnectorsHandlers {
  return {
    'connectors.kinds': () => ({ kinds: service.kinds() }),
    'connectors.list': async () => ({ connectors: await service.list() }),
    'connectors.create': (input) => refusingConnectorErrors(() => service.create(input)),
    'connectors.update': (input) => refusingConnectorErrors(() => service.update(input)),
    'connectors.delete': ({ id }) =>
      refusingConnectorErrors(async () => {
        await service.delete(id);
        return { deleted: true as const };
      }),
    'connectors.test': ({ id, write }) =>
      refusingConnectorErrors(() => service.test(id, write === undefined ? {} : { write })),
    'connectors.trustIdentity': ({ id, fingerprint }) =>
      refusingConnectorErrors(() => service.trustIdentity(id, fingerprint)),
  };
}
