import { afterEach, describe, expect, it, vi } from 'vitest';

type Listener = (payload: unknown) => void;

/** A bridge whose events the test sends, as main does for a ferry://join link. */
function fakeBridge() {
  const listeners = new Map<string, Set<Listener>>();
  return {
    bridge: {
      invoke: () => Promise.resolve({ ok: true, value: {} }),
      on: (event: string, listener: Listener) => {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event)!.add(listener);
        return () => listeners.get(event)!.delete(listener);
      },
    },
    emit: (event: string, payload: unknown) => listeners.get(event)?.forEach((listener) => listener(payload)),
  };
}

async function stores() {
  const fake = fakeBridge();
  (globalThis as { window?: unknown }).window = { ferry: fake.bridge };
  const { useJoinLinkStore } = await import('../../../renderer/src/stores/join-link-store');
  const { usePlatformStore } = await import('../../../renderer/src/stores/platform-store');
  const { useNavigationStore } = await import('../../../renderer/src/stores/navigation-store');
  return { ...fake, join: useJoinLinkStore, platform: usePlatformStore, navigation: useNavigationStore };
}

const LINK = 'https://ferry.example.org/v1/invitations/accept?token=ferry_inv_abc';

describe('join link store: a ferry://join link opens the join form', () => {
  afterEach(() => {
    vi.resetModules();
    delete (globalThis as { window?: unknown }).window;
  });

  it('holds the link of an app.join event, shows the welcome screen over a signed-in app, and gives it once', async () => {
    const { join, platform, navigation, emit } = await stores();
    const stop = join.getState().listen();
    navigation.getState().go('settings');
    expect(platform.getState().adding).toBe(false);
    emit('app.join', { link: LINK });
    expect(join.getState().link).toBe(LINK);
    expect(platform.getState().adding).toBe(true);
    expect(navigation.getState().screen).toBe('organisation');
    expect(join.getState().take()).toBe(LINK);
    expect(join.getState().take()).toBeNull();
    stop();
    emit('app.join', { link: `${LINK}2` });
    expect(join.getState().link).toBeNull();
  });

  it('other events leave it empty', async () => {
    const { join, emit } = await stores();
    join.getState().listen();
    emit('app.navigate', { screen: 'settings' });
    expect(join.getState().link).toBeNull();
  });
});
