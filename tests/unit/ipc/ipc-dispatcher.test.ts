import { describe, expect, it, vi } from 'vitest';
import { type IpcHandlers, InvalidInputError, createDispatcher } from '../../../main/ipc/ipc-dispatcher';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const info = {
  name: 'Ferry',
  version: '1.0.0',
  platform: 'linux',
  locale: 'en-US',
  versions: { node: '24.0.0' },
  dataDir: '/tmp/x',
  secrets: { backend: 'keychain' as const },
};

function handlers(overrides: Partial<IpcHandlers> = {}): IpcHandlers {
  return {
    'app.info': () => info,
    'app.openExternal': () => ({ opened: true }),
    'settings.get': () => DEFAULT_SETTINGS,
    'settings.set': (patch) => ({ ...DEFAULT_SETTINGS, ...patch }),
    'ui.getPreference': () => ({ value: null }),
    'ui.setPreference': () => ({ saved: true }),
    ...overrides,
    // Other domains' handlers are never called here.
  } as IpcHandlers;
}

describe('createDispatcher', () => {
  it('runs a valid call and returns the value', async () => {
    const dispatch = createDispatcher(handlers());
    expect(await dispatch('settings.set', { theme: 'dark' })).toEqual({
      ok: true,
      value: { ...DEFAULT_SETTINGS, theme: 'dark' },
    });
  });

  it.each([
    ['wrong type', { theme: 42 }, 'theme'],
    ['unknown key', { theme: 'dark', admin: true }, '(payload)'],
    ['not an object', 'dark', '(payload)'],
    ['missing payload', undefined, '(payload)'],
    ['array', [], '(payload)'],
  ])('refuses a malformed payload (%s) with InvalidInput and never calls the handler', async (_, payload, path) => {
    const set = vi.fn();
    const dispatch = createDispatcher(handlers({ 'settings.set': set }));
    const result = await dispatch('settings.set', payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    if (!result.ok) expect(result.error.issues?.map((i) => i.path)).toContain(path);
    expect(set).not.toHaveBeenCalled();
  });

  it('refuses unknown methods, including prototype names', async () => {
    const dispatch = createDispatcher(handlers());
    for (const name of ['settings.delete', '__proto__', 'constructor', 'toString', '']) {
      expect(await dispatch(name, {})).toMatchObject({ ok: false, error: { code: 'UnknownChannel' } });
    }
  });

  it('turns a thrown error into Internal without leaking its message, and logs it', async () => {
    const log = vi.fn();
    const dispatch = createDispatcher(
      handlers({
        'settings.get': () => {
          throw new Error('secret detail /home/user/.ssh');
        },
      }),
      log,
    );
    const result = await dispatch('settings.get', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'Internal' } });
    expect(JSON.stringify(result)).not.toContain('secret detail');
    expect(log).toHaveBeenCalledOnce();
  });

  it('passes InvalidInputError messages through (they are written for the user)', async () => {
    const dispatch = createDispatcher(
      handlers({
        'app.openExternal': () => {
          throw new InvalidInputError('Only https links can be opened.');
        },
      }),
    );
    expect(await dispatch('app.openExternal', { url: 'http://x' })).toEqual({
      ok: false,
      error: { code: 'InvalidInput', message: 'Only https links can be opened.' },
    });
  });

  it('refuses a handler result outside the contract (main never sends unchecked data)', async () => {
    const log = vi.fn();
    const bad = { ...DEFAULT_SETTINGS, password: 'x' } as unknown as typeof DEFAULT_SETTINGS;
    const dispatch = createDispatcher(handlers({ 'settings.get': () => ({ ...bad, theme: 'pink' as 'dark' }) }), log);
    expect(await dispatch('settings.get', {})).toMatchObject({ ok: false, error: { code: 'Internal' } });
    expect(log).toHaveBeenCalledOnce();
  });
});
