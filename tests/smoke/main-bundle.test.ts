import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { METHOD_CHANNELS } from '../../shared/ipc';
import { CONTENT_SECURITY_POLICY } from '../../main/security/content-security-policy';
import { loadMainBundle } from './load-main-bundle';

// Loads the BUILT main bundle (out/main/index.js) under Node with a stub 'electron' and inspects what it set up.

const root = path.resolve(__dirname, '../..');
type Calls = {
  windows: { options: { webPreferences: Record<string, unknown> }; loadedUrl: string; webContents: unknown }[];
  handlers: Map<string, (event: unknown, payload: unknown) => Promise<unknown>>;
  ipcOn: string[];
  privilegedSchemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocolHandlers: Map<string, (request: Request) => Promise<Response>>;
  headerHooks: ((details: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void)[];
  permissionRequestHandler?: (
    wc: unknown,
    permission: string,
    cb: (allowed: boolean) => void,
    details: { requestingUrl: string },
  ) => void;
  permissionCheckHandler?: (wc: unknown, permission: string, origin: string) => boolean;
  protocolClients: string[];
  appEvents: Map<string, (...args: unknown[]) => void>;
  trays: unknown[];
  menus: unknown[];
};
let calls: Calls;

beforeAll(async () => {
  // The CI's session bus has no StatusNotifierWatcher: say a tray is there, as on a desktop with one.
  process.env.FERRY_TRAY = '1';
  calls = loadMainBundle<Calls>();
  // app.whenReady().then(...) opens the keychain first: wait for the window (or give up after 10 s).
  for (let i = 0; i < 200 && calls.windows.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
});

describe('built main bundle', () => {
  it('creates exactly one window with the secure webPreferences', () => {
    expect(calls.windows).toHaveLength(1);
    const prefs = calls.windows[0]!.options.webPreferences;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(prefs['preload']).toBe(path.join(root, 'out/preload/index.js'));
    expect(existsSync(prefs['preload'] as string)).toBe(true);
    expect(calls.windows[0]!.loadedUrl).toBe('app://ferry/index.html');
  });

  it('registers exactly the contract channels with ipcMain.handle', () => {
    expect([...calls.handlers.keys()].sort()).toEqual([...METHOD_CHANNELS].sort());
    // electron-store's own sync channel is the only other listener (not reachable: preload exposes the contract only).
    expect(calls.ipcOn).toEqual(['electron-store-get-data']);
  });

  it('serves the renderer over app:// with the CSP header and refuses paths outside it', async () => {
    expect(calls.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    const handler = calls.protocolHandlers.get('app')!;
    const index = await handler(new Request('app://ferry/index.html'));
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await index.text()).toContain('<div id="root">');
    for (const hostile of [
      'app://ferry/..%2f..%2fpackage.json',
      'app://ferry/%2e%2e/main/index.js',
      'app://other/index.html',
    ]) {
      expect((await handler(new Request(hostile))).status, hostile).toBe(404);
    }
  });

  it('puts the CSP on dev-server responses too, and it equals the meta tag in index.html', () => {
    let headers: Record<string, string[]> = {};
    calls.headerHooks[0]!({ responseHeaders: {} }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    const html = readFileSync(path.join(root, 'renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    // frame-ancestors is ignored in a meta tag, so the meta policy is the header's minus that directive.
    expect(meta).toBe(CONTENT_SECURITY_POLICY.replace("; frame-ancestors 'none'", ''));
  });

  it('denies permissions, navigation and new windows', () => {
    const decide = (permission: string, requestingUrl: string): boolean | undefined => {
      let allowed: boolean | undefined;
      calls.permissionRequestHandler!({}, permission, (a) => (allowed = a), { requestingUrl });
      return allowed;
    };
    expect(decide('media', 'app://ferry/index.html')).toBe(false);
    expect(decide('notifications', 'app://ferry/index.html')).toBe(false);
    expect(decide('clipboard-read', 'app://ferry/index.html')).toBe(false);
    expect(decide('clipboard-sanitized-write', 'app://ferry/index.html')).toBe(true);
    expect(decide('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(calls.permissionCheckHandler!({}, 'geolocation', 'app://ferry')).toBe(false);
    expect(calls.permissionCheckHandler!({}, 'clipboard-sanitized-write', 'https://evil.example')).toBe(false);
    const contents = calls.windows[0]!.webContents as {
      emit: (event: string, e: { preventDefault: () => void }) => void;
      windowOpenHandler: (d: { url: string }) => { action: string };
    };
    let prevented = 0;
    contents.emit('will-navigate', { preventDefault: () => prevented++ });
    contents.emit('will-redirect', { preventDefault: () => prevented++ });
    contents.emit('will-attach-webview', { preventDefault: () => prevented++ });
    expect(prevented).toBe(3);
    expect(contents.windowOpenHandler({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
  });

  it('checks the IPC sender and validates payloads', async () => {
    const win = calls.windows[0]!;
    const handler = calls.handlers.get('ferry:settings.set')!;
    const trusted = { sender: win.webContents, senderFrame: { url: 'app://ferry/index.html', parent: null } };
    const foreign = { sender: win.webContents, senderFrame: { url: 'https://evil.example/', parent: null } };
    const subFrame = { sender: win.webContents, senderFrame: { url: 'app://ferry/index.html', parent: {} } };
    expect(await handler(foreign, { theme: 'dark' })).toMatchObject({ ok: false, error: { code: 'UntrustedSender' } });
    expect(await handler(subFrame, { theme: 'dark' })).toMatchObject({ ok: false, error: { code: 'UntrustedSender' } });
    expect(await handler(trusted, { theme: 'purple' })).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    expect(await handler(trusted, { theme: 'dark' })).toMatchObject({ ok: true, value: { theme: 'dark' } });
  });

  it('routes ferry:// links from a second instance and from the OS to the window', () => {
    const contents = calls.windows[0]!.webContents as { sent: { channel: string; payload: unknown }[] };
    const before = contents.sent.length;
    calls.appEvents.get('second-instance')!({}, ['/opt/Ferry/ferry', '--flag', 'ferry://settings']);
    calls.appEvents.get('open-url')!({ preventDefault: () => {} }, 'ferry://settings');
    calls.appEvents.get('second-instance')!({}, ['/opt/Ferry/ferry', 'ferry://../../etc/passwd']);
    expect(contents.sent.slice(before)).toEqual([
      { channel: 'ferry:app.navigate', payload: { screen: 'settings' } },
      { channel: 'ferry:app.navigate', payload: { screen: 'settings' } },
    ]);
    expect(calls.windows).toHaveLength(1); // focused, never a second window
  });

  it('keeps running in the tray when the window is closed (the default), quits otherwise', () => {
    const win = calls.windows[0]! as unknown as {
      emit: (event: string, e: { preventDefault: () => void }) => void;
    };
    let prevented = false;
    win.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });

  it('starts the local workspace (the embedded platform and its migrations) from the built bundle', async () => {
    const win = calls.windows[0]!;
    const trusted = { sender: win.webContents, senderFrame: { url: 'app://ferry/index.html', parent: null } };
    const status = await calls.handlers.get('ferry:platform.localStatus')!(trusted, {});
    expect(status).toEqual({ ok: true, value: { setupRequired: true } });
  }, 60_000);

  it('registers the ferry:// protocol, a tray and a menu', () => {
    expect(calls.protocolClients).toEqual(['ferry']);
    expect(calls.trays).toHaveLength(1);
    expect(calls.menus.length).toBeGreaterThan(0);
  });
});
