import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { SettingsService } from '../../../main/services/settings-service';
import { DEFAULT_SETTINGS } from '../../../shared/settings';

const userData = mkdtempSync(path.join(os.tmpdir(), 'ferry-unit-'));

// electron-store imports 'electron': give it the main-process API it uses, nothing more.
vi.mock('electron', () => {
  const electron = {
    app: { getPath: () => userData, getVersion: () => '1.0.0', getName: () => 'Ferry' },
    ipcMain: { on: vi.fn(), handle: vi.fn() },
    shell: { openPath: vi.fn() },
  };
  return { ...electron, default: electron };
});

describe('SettingsService on electron-store (electron mocked)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(userData, 'case-'));
  });

  it('starts with defaults, persists changes to disk and notifies listeners once per change', async () => {
    const { default: Store } = await import('electron-store');
    const service = new SettingsService(new Store({ name: 'settings', cwd: dir }));
    expect(service.get()).toEqual(DEFAULT_SETTINGS);
    const listener = vi.fn();
    service.onChange(listener);
    service.set({ theme: 'dark' });
    service.set({ theme: 'dark' }); // no change, no event
    expect(listener).toHaveBeenCalledTimes(1);
    const onDisk = JSON.parse(readFileSync(path.join(dir, 'settings.json'), 'utf8')) as { settings: unknown };
    expect(onDisk.settings).toMatchObject({ theme: 'dark' });
    const reopened = new SettingsService(new Store({ name: 'settings', cwd: dir }));
    expect(reopened.get().theme).toBe('dark');
  });
});

describe('SettingsService on a JSON file', () => {
  it('keeps valid fields and replaces corrupt ones with defaults', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-unit-'));
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, JSON.stringify({ settings: { language: 'fr', theme: 'neon', closeToTray: 'yes', x: 1 } }));
    const service = new SettingsService(new JsonFileStore(file));
    expect(service.get()).toEqual({ ...DEFAULT_SETTINGS, language: 'fr' });
  });

  it('survives an unreadable file', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-unit-'));
    const file = path.join(dir, 'settings.json');
    writeFileSync(file, '{not json');
    const service = new SettingsService(new JsonFileStore(file));
    expect(service.get()).toEqual(DEFAULT_SETTINGS);
    service.set({ closeToTray: false });
    expect(new SettingsService(new JsonFileStore(file)).get().closeToTray).toBe(false);
  });
});
