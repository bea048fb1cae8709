import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import { refusing } from '../ipc-refusal';
import type { BrowserService } from './browser-service';

type BrowserHandlers = Pick<IpcHandlers, 'browser.list' | 'browser.details' | 'browser.preview' | 'browser.places'>;

/** The IPC handlers of the file browser (driver errors become ConnectorFailed with their code). */
export function browserHandlers(service: BrowserService): BrowserHandlers {
  return {
    'browser.list': ({ connectorId, path, ...window }) => refusing(() => service.list({ connectorId, path }, window)),
    'browser.details': (where) => refusing(() => service.details(where)),
    'browser.preview': (where) => refusing(() => service.preview(where)),
    'browser.places': () => ({ home: service.home() }),
  };
}
