// Two Ferry instances on one local workspace folder: the second one tells the user why, in words, with the folder.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { AccountRegistry } from '../../../main/services/platform/account-registry';
import { LocalWorkspace } from '../../../main/services/platform/local-workspace';
import { PlatformConnection } from '../../../main/services/platform/platform-connection';
import { refusing } from '../../../main/services/platform/platform-refusal';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';
import { IpcRefusal } from '../../../main/ipc/ipc-dispatcher';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function instance(dir: string, settings: string): { local: LocalWorkspace; connection: PlatformConnection } {
  const store = new JsonFileStore(path.join(dir, settings));
  const local = new LocalWorkspace({ dataDir: path.join(dir, 'platform'), store });
  cleanups.push(() => local.stop());
  return {
    local,
    connection: new PlatformConnection({
      accounts: new AccountRegistry(store),
      secrets: new SessionSecretStore(),
      local,
    }),
  };
}

it('refuses the second instance with a readable reason naming the folder, then opens once the first stops', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-local-lock-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const first = instance(dir, 'a.json');
  const second = instance(dir, 'b.json');
  expect(await first.connection.localStatus()).toEqual({ setupRequired: true });

  const refused = await refusing(() => second.connection.localStatus())(undefined).then(
    () => new Error('the second instance opened the folder'),
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(IpcRefusal);
  expect(refused).toMatchObject({ code: 'PlatformUnreachable', reason: 'data-folder-in-use' });
  expect((refused as Error).message).toContain(path.join(dir, 'platform', 'pglite'));
  expect((refused as Error).message).toContain(`process ${process.pid}`);

  await first.local.stop();
  expect(await second.connection.localStatus()).toEqual({ setupRequired: true });
}, 60_000);
