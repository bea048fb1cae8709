import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Start at login per platform: Electron's login items on macOS and Windows, a real autostart file on Linux.

const electronApp = vi.hoisted(() => ({
  isPackaged: true,
  getName: () => 'Ferry',
  settings: { openAtLogin: false, executableWillLaunchAtLogin: false, wasOpenedAtLogin: false },
  set: [] as unknown[],
  asked: [] as unknown[],
}));

vi.mock('electron', () => {
  const app = {
    get isPackaged() {
      return electronApp.isPackaged;
    },
    getName: electronApp.getName,
    getLoginItemSettings: (options?: unknown) => (electronApp.asked.push(options), { ...electronApp.settings }),
    setLoginItemSettings: (settings: { openAtLogin: boolean }) => {
      electronApp.set.push(settings);
      electronApp.settings.openAtLogin = settings.openAtLogin;
      electronApp.settings.executableWillLaunchAtLogin = settings.openAtLogin;
    },
  };
  return { app, default: { app } };
});

const { HIDDEN_ARG, loginItem, startedHidden } = await import('../../../main/shell/login-item');

beforeEach(() => {
  electronApp.isPackaged = true;
  electronApp.settings = { openAtLogin: false, executableWillLaunchAtLogin: false, wasOpenedAtLogin: false };
  electronApp.set.length = 0;
  electronApp.asked.length = 0;
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('loginItem', () => {
  it('Linux: an XDG autostart entry starting the executable hidden, removed when turned off', () => {
    const config = mkdtempSync(path.join(os.tmpdir(), 'ferry-login-'));
    vi.stubEnv('XDG_CONFIG_HOME', config);
    vi.stubEnv('APPIMAGE', undefined);
    const item = loginItem('linux')!;
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    const file = path.join(config, 'autostart', 'ferry.desktop');
    expect(readFileSync(file, 'utf8')).toContain(`\nExec=${process.execPath} --hidden\n`);
    expect(item.isEnabled()).toBe(true);
    item.setEnabled(false);
    expect(readdirSync(path.dirname(file))).toEqual([]);
    expect(item.isEnabled()).toBe(false);
    expect(electronApp.set).toEqual([]); // Electron's API does nothing on Linux: never used there
  });

  it('Linux AppImage: the entry starts the AppImage file, not its temporary mount', () => {
    const config = mkdtempSync(path.join(os.tmpdir(), 'ferry-login-'));
    vi.stubEnv('XDG_CONFIG_HOME', config);
    vi.stubEnv('APPIMAGE', '/home/ann/Apps/Ferry 0.1.AppImage');
    loginItem('linux')!.setEnabled(true);
    const text = readFileSync(path.join(config, 'autostart', 'ferry.desktop'), 'utf8');
    expect(text).toContain('\nExec="/home/ann/Apps/Ferry 0.1.AppImage" --hidden\n');
  });

  it('macOS: Electron login item', () => {
    const item = loginItem('darwin')!;
    expect(item.isEnabled()).toBe(false);
    item.setEnabled(true);
    expect(electronApp.set).toEqual([{ openAtLogin: true }]);
    expect(item.isEnabled()).toBe(true);
  });

  it('Windows: the run key with --hidden, off when Task Manager disabled it', () => {
    const item = loginItem('win32')!;
    item.setEnabled(true);
    expect(electronApp.set).toEqual([{ path: process.execPath, args: [HIDDEN_ARG], openAtLogin: true, enabled: true }]);
    expect(item.isEnabled()).toBe(true);
    expect(electronApp.asked.at(-1)).toEqual({ path: process.execPath, args: [HIDDEN_ARG] });
    electronApp.settings.executableWillLaunchAtLogin = false; // disabled in Task Manager's Startup apps
    expect(item.isEnabled()).toBe(false);
  });

  it('none in a development run (it would register bare Electron)', () => {
    electronApp.isPackaged = false;
    expect(loginItem('linux')).toBeUndefined();
    expect(loginItem('darwin')).toBeUndefined();
  });
});

describe('startedHidden', () => {
  it('is true with --hidden, or on macOS when opened at login', () => {
    expect(startedHidden(['/opt/Ferry/ferry', '--hidden'], 'linux')).toBe(true);
    expect(startedHidden(['/opt/Ferry/ferry'], 'linux')).toBe(false);
    expect(startedHidden(['/Applications/Ferry.app/Contents/MacOS/Ferry'], 'darwin')).toBe(false);
    electronApp.settings.wasOpenedAtLogin = true;
    expect(startedHidden(['/Applications/Ferry.app/Contents/MacOS/Ferry'], 'darwin')).toBe(true);
  });
});
