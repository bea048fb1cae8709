import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compose } from '../../../main/app/compose';
import type { KeyValueStore } from '../../../main/services/key-value-store';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';

const memory = (): KeyValueStore => {
  const data = new Map<string, unknown>();
  return { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
};

// The browser and the transfers must open the same locations: the local disk as well as my connectors.
describe('compose() wires every location into the browser', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-compose-'));
  const folder = mkdtempSync(path.join(tmpdir(), 'ferry-compose-disk-'));
  writeFileSync(path.join(folder, 'hello.txt'), 'hello');
  const composed = compose({
    store: memory(),
    host: { name: 'Ferry', version: '1', locale: 'en', dataDir, versions: { node: '24' } },
    openExternal: async () => {},
    secrets: new SessionSecretStore(),
  });
  afterAll(async () => {
    await composed.stop();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('lists a folder of the local disk through browser.list', async () => {
    const where = composed.services.locations.localLocation(folder);
    const listed = await composed.dispatch('browser.list', {
      ...where,
      offset: 0,
      limit: 50,
      sort: { by: 'name', direction: 'asc' },
      filter: '',
    });
    expect(listed).toMatchObject({ ok: true, value: { entries: [{ name: 'hello.txt', type: 'file' }] } });
  });
});
