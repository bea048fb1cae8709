import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import type { SavePathChooser } from '../platform/organisation-service';
import type { SyncAgent } from './sync-agent';
import type { SyncBindingsStore } from './sync-bindings-store';

/** The sync agent's share of the IPC contract. */
export function syncHandlers(
  agent: SyncAgent,
  bindings: SyncBindingsStore,
  chooseSavePath: SavePathChooser,
  today: () => string = () => new Date().toISOString().slice(0, 10),
): Pick<
  IpcHandlers,
  | 'sync.status'
  | 'sync.now'
  | 'sync.pause'
  | 'sync.resume'
  | 'sync.bindings'
  | 'sync.saveBinding'
  | 'sync.removeBinding'
  | 'sync.redeliver'
  | 'sync.preview'
  | 'sync.activity'
  | 'sync.exportActivity'
> {
  return {
    'sync.status': () => agent.status(),
    'sync.now': () => agent.syncNow(),
    'sync.pause': ({ hours }) => agent.pauseFor(hours),
    'sync.resume': () => agent.resume(),
    'sync.bindings': () => ({ bindings: [...bindings.list()] }),
    'sync.saveBinding': (binding) => {
      const saved = bindings.save(binding);
      agent.bindingSaved(saved.id);
      return saved;
    },
    'sync.removeBinding': ({ id }) => {
      const removed = bindings.remove(id);
      if (removed) agent.forget(id);
      return { removed };
    },
    'sync.redeliver': ({ bindingId, fileId }) => ({ asked: agent.redeliver(bindingId, fileId) }),
    'sync.preview': ({ id }) => agent.preview(id),
    'sync.activity': (query) => agent.activity.list(query),
    'sync.exportActivity': async (filter) => {
      const target = await chooseSavePath(`ferry-activity-${today()}.csv`);
      if (target === null) return { path: null, rows: 0 };
      const { csv, rows } = agent.activity.csv(filter);
      const resolved = path.resolve(target);
      // Written beside the target then renamed: a failed write never leaves half a file under the chosen name.
      await mkdir(path.dirname(resolved), { recursive: true });
      const temp = `${resolved}.${process.pid}.part`;
      await writeFile(temp, csv, { encoding: 'utf8', mode: 0o600 });
      await rename(temp, resolved);
      return { path: resolved, rows };
    },
  };
}
