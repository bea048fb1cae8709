import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import type { ActivityEntry, SyncStatus } from '../../../shared/ipc/sync-ipc';
import { shellLabels } from '../../../main/services/shell-labels';

// The tray against a recording 'electron': what it shows per agent state, what its items call, what it rebuilds.

const recorded = vi.hoisted(() => ({
  trays: [] as {
    image: { path: string };
    images: { path: string }[];
    tooltips: string[];
    menus: { template: MenuItemConstructorOptions[] }[];
    listeners: Map<string, () => void>;
  }[],
  built: 0,
  representations: [] as { base: string; scaleFactor: number; buffer: string }[],
}));

vi.mock('electron', () => {
  const image = (p: string) => ({
    path: p,
    isEmpty: () => false,
    toPNG: () => Buffer.from(`png of ${p}`),
    addRepresentation: (r: { scaleFactor: number; buffer: Buffer }) =>
      recorded.representations.push({ base: p, scaleFactor: r.scaleFactor, buffer: r.buffer.toString() }),
  });
  class Tray {
    images: { path: string }[] = [];
    tooltips: string[] = [];
    menus: { template: MenuItemConstructorOptions[] }[] = [];
    listeners = new Map<string, () => void>();
    constructor(public image: { path: string }) {
      recorded.trays.push(this);
    }
    setImage(i: { path: string }) {
      this.images.push(i);
      this.image = i;
    }
    setToolTip(t: string) {
      this.tooltips.push(t);
    }
    setContextMenu(m: { template: MenuItemConstructorOptions[] }) {
      this.menus.push(m);
    }
    on(event: string, listener: () => void) {
      this.listeners.set(event, listener);
    }
    destroy() {}
  }
  const electron = {
    Tray,
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => {
        recorded.built++;
        return { template };
      },
    },
    nativeImage: { createFromPath: image },
    app: {},
  };
  return { ...electron, default: electron };
});

const { AppTray } = await import('../../../main/shell/app-tray');

const root = path.resolve(__dirname, '../../..');
const today = (hours: number) => new Date(2026, 11, 7, hours, 0);
const status = (patch: Partial<SyncStatus> = {}): SyncStatus => ({
  state: 'idle',
  pausedUntil: null,
  running: 0,
  bindings: 2,
  lastRunAt: null,
  problem: null,
  ...patch,
});
let nextId = 1;
const entry = (kind: ActivityEntry['kind'], file?: string): ActivityEntry => ({
  id: nextId++,
  at: today(9).toISOString(),
  kind,
  bindingId: 'b1',
  bindingName: 'Daily reports',
  ...(file ? { path: `exports/2026/${file}` } : {}),
});

function makeTray(language: 'en' | 'fr' = 'en', loginFails = false) {
  let loginEnabled = false;
  const actions = {
    open: vi.fn(),
    quit: vi.fn(),
    sync: { syncNow: vi.fn(), pause: vi.fn(), resume: vi.fn() },
    startAtLogin: {
      isEnabled: vi.fn(() => loginEnabled),
      setEnabled: vi.fn((on: boolean) => {
        if (loginFails) throw new Error('read-only file system');
        loginEnabled = on;
      }),
    },
  };
  const appTray = new AppTray(actions, shellLabels(language), () => today(9));
  const tray = recorded.trays.at(-1)!;
  const menu = () => tray.menus.at(-1)!.template;
  return { appTray, tray, actions, menu };
}

/** The menu as text: one line per item, '-' for a separator, submenus indented, [x]/[ ] for checkboxes, (off) when disabled. */
function outline(items: MenuItemConstructorOptions[], indent = ''): string[] {
  return items.flatMap((item) => {
    if (item.type === 'separator') return [`${indent}-`];
    const box = item.type === 'checkbox' ? (item.checked ? '[x] ' : '[ ] ') : '';
    const line = `${indent}${box}${item.label}${item.enabled === false ? ' (off)' : ''}`;
    return [line, ...outline((item.submenu as MenuItemConstructorOptions[] | undefined) ?? [], `${indent}  `)];
  });
}

/** Clicks the item with this label (searching submenus). */
function click(items: MenuItemConstructorOptions[], label: string, checked?: boolean): void {
  for (const item of items) {
    if (item.label === label) {
      expect(item.enabled, `${label} is clickable`).not.toBe(false);
      (item.click as (i: { checked?: boolean }) => void)({ checked });
      return;
    }
    if (Array.isArray(item.submenu)) {
      const inner = item.submenu as MenuItemConstructorOptions[];
      if (JSON.stringify(inner).includes(JSON.stringify(label))) return click(inner, label, checked);
    }
  }
  throw new Error(`no item ${label}`);
}

beforeEach(() => {
  recorded.trays.length = 0;
  recorded.built = 0;
});

describe('AppTray', () => {
  it('before any status: the idle icon, Open, Quit and the start-at-login box, no sync commands', () => {
    const { tray, menu } = makeTray();
    expect(tray.image.path).toContain('tray-idle.png');
    expect(tray.tooltips).toEqual(['Ferry']);
    expect(outline(menu())).toEqual(['Open Ferry', '[ ] Start at login', '-', 'Quit Ferry']);
  });

  it('idle: up to date, sync now, the pause submenu and the last activities', () => {
    const { appTray, tray, menu } = makeTray();
    appTray.update(status(), [entry('delivered', 'report.csv'), entry('failed', 'data.csv'), entry('warning')]);
    expect(tray.tooltips.at(-1)).toBe('Ferry — Up to date');
    expect(outline(menu())).toEqual([
      'Up to date (off)',
      'Sync now',
      'Pause',
      '  For 1 hour',
      '  For 8 hours',
      '  For 24 hours',
      '-',
      'Recent activity (off)',
      'Delivered report.csv',
      'Failed: data.csv',
      'Stopped with a warning: Daily reports',
      '-',
      'Open Ferry',
      '[ ] Start at login',
      '-',
      'Quit Ferry',
    ]);
  });

  it('syncing: the syncing icon and how many bindings run', () => {
    const { appTray, tray, menu } = makeTray();
    appTray.update(status({ state: 'syncing', running: 2 }), []);
    expect(tray.image.path).toContain('tray-syncing.png');
    expect(tray.tooltips.at(-1)).toBe('Ferry — Syncing 2 bindings…');
    expect(outline(menu()).slice(0, 1)).toEqual(['Syncing 2 bindings… (off)']);
    expect(outline(menu())).toContain('No activity yet (off)');
    appTray.update(status({ state: 'syncing', running: 1 }), []);
    expect(tray.tooltips.at(-1)).toBe('Ferry — Syncing 1 binding…');
  });

  it('paused: the paused icon, until when, and Resume instead of Pause', () => {
    const { appTray, tray, menu, actions } = makeTray();
    appTray.update(status({ state: 'paused', pausedUntil: today(14).toISOString() }), []);
    expect(tray.image.path).toContain('tray-paused.png');
    expect(tray.tooltips.at(-1)).toMatch(/^Ferry — Paused until 2:00\sPM$/u);
    const lines = outline(menu());
    expect(lines.slice(0, 3)).toEqual([
      expect.stringMatching(/^Paused until 2:00\sPM \(off\)$/u),
      'Sync now',
      'Resume syncing',
    ]);
    expect(lines).not.toContain('Pause');
    click(menu(), 'Resume syncing');
    expect(actions.sync.resume).toHaveBeenCalledOnce();
    // A 24-hour pause ends tomorrow: the day is named.
    appTray.update(status({ state: 'paused', pausedUntil: new Date(2026, 11, 8, 9, 0).toISOString() }), []);
    expect(tray.tooltips.at(-1)).toMatch(/^Ferry — Paused until Tue 9:00\sAM$/u);
    appTray.update(status({ state: 'paused', pausedUntil: null }), []);
    expect(tray.tooltips.at(-1)).toBe('Ferry — Paused');
  });

  it('error: the error icon and the problem in the tooltip and the menu', () => {
    const { appTray, tray, menu } = makeTray();
    appTray.update(status({ state: 'error', problem: 'SFTP server unreachable' }), [entry('failed', 'data.csv')]);
    expect(tray.image.path).toContain('tray-error.png');
    expect(tray.tooltips.at(-1)).toBe('Ferry — Sync problem: SFTP server unreachable');
    expect(outline(menu())[0]).toBe('Sync problem: SFTP server unreachable (off)');
    appTray.update(status({ state: 'error', problem: 'x'.repeat(300) }), []);
    expect(tray.tooltips.at(-1)!.length).toBeLessThan(128); // Windows cuts tooltips at 127 characters
  });

  it('each item calls its action', () => {
    const { appTray, tray, menu, actions } = makeTray();
    appTray.update(status(), [entry('delivered', 'report.csv')]);
    click(menu(), 'Sync now');
    expect(actions.sync.syncNow).toHaveBeenCalledOnce();
    click(menu(), 'For 8 hours');
    expect(actions.sync.pause).toHaveBeenCalledWith(8);
    click(menu(), 'Delivered report.csv');
    expect(actions.open).toHaveBeenLastCalledWith('activity');
    click(menu(), 'Open Ferry');
    expect(actions.open).toHaveBeenLastCalledWith();
    tray.listeners.get('click')!();
    expect(actions.open).toHaveBeenCalledTimes(3);
    click(menu(), 'Quit Ferry');
    expect(actions.quit).toHaveBeenCalledOnce();
    expect(actions.sync.resume).not.toHaveBeenCalled();
  });

  it('start at login: the checkbox turns it on and off and shows the real state when the OS refuses', () => {
    const { menu, actions } = makeTray();
    click(menu(), 'Start at login', true);
    expect(actions.startAtLogin.setEnabled).toHaveBeenLastCalledWith(true);
    expect(outline(menu())).toContain('[x] Start at login');
    click(menu(), 'Start at login', false);
    expect(actions.startAtLogin.setEnabled).toHaveBeenLastCalledWith(false);
    expect(outline(menu())).toContain('[ ] Start at login');

    const failing = makeTray('en', true);
    const before = failing.tray.menus.length;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    click(failing.menu(), 'Start at login', true);
    expect(logged).toHaveBeenCalledWith('could not change the start-at-login setting', expect.any(Error));
    logged.mockRestore();
    // Electron ticked the box itself: the menu is rebuilt unticked.
    expect(failing.tray.menus.length).toBe(before + 1);
    expect(outline(failing.menu())).toContain('[ ] Start at login');
  });

  it('lists the last five activities only', () => {
    const { appTray, menu } = makeTray();
    const entries = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => entry('published', `${n}.csv`));
    appTray.update(status(), entries);
    const lines = outline(menu()).filter((l) => l.startsWith('Published'));
    expect(lines).toEqual([
      'Published a.csv',
      'Published b.csv',
      'Published c.csv',
      'Published d.csv',
      'Published e.csv',
    ]);
  });

  it('touches the OS tray only for what changed', () => {
    const { appTray, tray } = makeTray();
    const activities = [entry('delivered', 'report.csv')];
    appTray.update(status(), activities);
    const counts = () => [tray.images.length, tray.tooltips.length, tray.menus.length, recorded.built];
    const after = counts();
    appTray.update(status(), [...activities]);
    appTray.update(status({ lastRunAt: today(9).toISOString() }), activities); // not shown: nothing to redraw
    expect(counts()).toEqual(after);
    appTray.update(status(), [entry('published', 'new.csv'), ...activities]);
    expect(counts()).toEqual([after[0], after[1], after[2]! + 1, after[3]! + 1]);
    appTray.update(status({ state: 'syncing', running: 1 }), activities);
    expect(tray.images.length).toBe(after[0]! + 1);
  });

  it('speaks French', () => {
    const { appTray, tray, menu } = makeTray('fr');
    appTray.update(status({ state: 'paused', pausedUntil: today(14).toISOString() }), [
      entry('delivered', 'report.csv'),
      entry('failed', 'data.csv'),
    ]);
    expect(tray.tooltips.at(-1)).toBe("Ferry — En pause jusqu'à 14:00");
    expect(outline(menu())).toEqual([
      "En pause jusqu'à 14:00 (off)",
      'Synchroniser maintenant',
      'Reprendre la synchronisation',
      '-',
      'Activité récente (off)',
      'Livré : report.csv',
      'Échec : data.csv',
      '-',
      'Ouvrir Ferry',
      "[ ] Lancer à l'ouverture de session",
      '-',
      'Quitter Ferry',
    ]);
    appTray.update(status({ state: 'syncing', running: 2 }), []);
    expect(tray.tooltips.at(-1)).toBe('Ferry — 2 synchronisations en cours…');
    appTray.update(status({ state: 'error', problem: 'serveur SFTP injoignable' }), []);
    expect(tray.tooltips.at(-1)).toBe('Ferry — Problème de synchronisation : serveur SFTP injoignable');
    expect(outline(menu())).toContain('Suspendre');
    expect(outline(menu())).toContain('  Pendant 1 heure');
    expect(outline(menu())).toContain('  Pendant 24 heures');
  });

  it('relabels when the language changes', () => {
    const { appTray, tray, menu } = makeTray('en');
    appTray.update(status(), []);
    appTray.setLabels(shellLabels('fr'));
    expect(tray.tooltips.at(-1)).toBe('Ferry — À jour');
    expect(outline(menu())[0]).toBe('À jour (off)');
  });

  it('gives every state its 16 px icon with the 32 px one as its 2x representation', () => {
    recorded.representations.length = 0;
    const { appTray, tray } = makeTray();
    for (const state of ['syncing', 'paused', 'error', 'idle'] as const) appTray.update(status({ state }), []);
    for (const state of ['idle', 'syncing', 'paused', 'error']) {
      const normal = tray.images.find((i) => i.path.includes(`tray-${state}.png`)) ?? tray.image;
      expect(recorded.representations).toContainEqual({
        base: normal.path,
        scaleFactor: 2,
        buffer: expect.stringContaining(`tray-${state}@2x.png`),
      });
      // The files exist and have the sizes their names promise (PNG IHDR width and height).
      for (const [file, size] of [
        [`build/tray-${state}.png`, 16],
        [`build/tray-${state}@2x.png`, 32],
      ] as const) {
        const png = readFileSync(path.join(root, file));
        expect([png.readUInt32BE(16), png.readUInt32BE(20)], file).toEqual([size, size]);
      }
    }
  });
});
