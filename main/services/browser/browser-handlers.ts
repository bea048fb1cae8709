import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import { refusing } from '../ipc-refusal';
import type { BrowserService } from './browser-service';

type BrowserHandlers = Pick<
  IpcHandlers,
  | 'browser.list'
  | 'browser.details'
  | 'browser.preview'
  | 'browser.places'
  | 'browser.abilities'
  | 'browser.mkdir'
  | 'browser.rename'
  | 'browser.remove'
  | 'browser.localLocations'
  | 'browser.chooseLocal'
>;

/** The IPC handlers of the file browser (driver errors become ConnectorFailed with their code). */
export function browserHandlers(service: BrowserService): BrowserHandlers {
  return {
    'browser.list': ({ connectorId, path, ...window }) => refusing(() => service.list({ connectorId, path }, window)),
    'browser.details': (where) => refusing(() => service.details(where)),
    'browser.preview': (where) => refusing(() => service.preview(where)),
    'browser.places': () => ({ home: service.home() }),
    'browser.abilities': ({ connectorId }) => refusing(() => service.abilities(connectorId)),
    'browser.mkdir': ({ name, ...where }) => refusing(() => service.mkdir(where, name)),
    'browser.rename': ({ name, ...where }) => refusing(() => service.rename(where, name)),
    'browser.remove': ({ connectorId, paths }) => refusing(() => service.remove(connectorId, paths)),
    'browser.localLocations': ({ paths }) => refusing(() => ({ locations: service.localLocations(paths) })),
    'browser.chooseLocal': ({ mode }) => refusing(() => service.chooseLocal(mode)),
  };
}
