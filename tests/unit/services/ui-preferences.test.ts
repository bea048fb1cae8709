import { describe, expect, it } from 'vitest';
import { compose } from '../../../main/app/compose';
import { createDispatcher } from '../../../main/ipc/ipc-dispatcher';
import type { KeyValueStore } from '../../../main/services/key-value-store';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';

const memory = (): KeyValueStore => {
  const data = new Map<string, unknown>();
  return { get: (k) => data.get(k), set: (k, v) => void data.set(k, v) };
};

describe('UI preferences over IPC', () => {
  const services = compose({
    store: memory(),
    host: { name: 'Ferry', version: '1', locale: 'en', dataDir: '/tmp', versions: { node: '24' } },
    openExternal: async () => {},
    secrets: new SessionSecretStore(),
  });
  const dispatch = createDispatcher(services.handlers);

  it('remembers, returns and forgets a value', async () => {
    const columns = { hidden: ['email'], sort: [{ id: 'name', desc: false }], pageSize: 50 };
    expect(await dispatch('ui.getPreference', { key: 'table.members' })).toEqual({ ok: true, value: { value: null } });
    await dispatch('ui.setPreference', { key: 'table.members', value: columns });
    expect(await dispatch('ui.getPreference', { key: 'table.members' })).toEqual({
      ok: true,
      value: { value: columns },
    });
    await dispatch('ui.setPreference', { key: 'table.members', value: null });
    expect(await dispatch('ui.getPreference', { key: 'table.members' })).toEqual({ ok: true, value: { value: null } });
  });

  it.each([
    [{ key: '../settings', value: 1 }],
    [{ key: '__proto__', value: 1 }],
    [{ key: 'table.x', value: 'x'.repeat(17 * 1024) }],
    [{ key: 'table.x', value: { f: undefined } }],
    [{ key: 'table.x' }],
  ])('refuses %j', async (input) => {
    expect(await dispatch('ui.setPreference', input)).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
  });
});
