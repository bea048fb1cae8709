import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAIN_BUNDLE, loadMainBundle } from './load-main-bundle';

// The tray of the BUILT main bundle under the stub 'electron': its icons were emitted next to the bundle and load.

const root = path.resolve(__dirname, '../..');
type Image = { path: string; png?: Buffer; representations: { scaleFactor: number; buffer: Buffer }[] };
type MenuItem = { label?: string; type?: string; click?: () => void; submenu?: MenuItem[] };
type StubTray = { image: Image; tooltip: string; menu: { template: MenuItem[] } };
let trays: StubTray[];
type StubWindow = { emit: (event: string, e: { preventDefault: () => void }) => void };
type Calls = {
  trays: StubTray[];
  powerEvents: Map<string, () => void>;
  windows: StubWindow[];
  messageBoxes: { message: string }[];
};
let calls: Calls;

/** A PNG's width and height (IHDR). */
const size = (png: Buffer) => [png.readUInt32BE(16), png.readUInt32BE(20)];

beforeAll(async () => {
  // As on a Linux desktop whose panel has no tray (main-bundle.test.ts runs the case with one).
  process.env.FERRY_TRAY = '0';
  calls = loadMainBundle<Calls>();
  trays = calls.trays;
  for (let i = 0; i < 200 && trays.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
});

describe('tray of the built main bundle', () => {
  it('shows the 16 px idle icon with its 32 px 2x representation, both read from files next to the bundle', () => {
    expect(trays).toHaveLength(1);
    const image = trays[0]!.image;
    expect(path.basename(image.path)).toMatch(/^tray-idle-.+\.png$/);
    expect(image.path.startsWith(path.join(root, 'out/main'))).toBe(true);
    expect(size(image.png!)).toEqual([16, 16]);
    expect(image.representations).toHaveLength(1);
    expect(image.representations[0]!.scaleFactor).toBe(2);
    expect(size(image.representations[0]!.buffer)).toEqual([32, 32]);
  });

  it('emitted every state icon (1x and 2x) the bundle refers to', () => {
    const code = readFileSync(MAIN_BUNDLE, 'utf8');
    // electron-vite names an asset <name>-<8-character hash>.png.
    const found = [...code.matchAll(/"\.\/chunks\/((tray-[a-z]+(?:@2x)?)-[\w-]{8}\.png)"/g)];
    const referenced = found.map((m) => m[1]!);
    const names = found.map((m) => m[2]!).sort();
    expect(names).toEqual(['error', 'idle', 'paused', 'syncing'].flatMap((s) => [`tray-${s}`, `tray-${s}@2x`]).sort());
    for (const file of referenced) expect(existsSync(path.join(root, 'out/main/chunks', file)), file).toBe(true);
  });

  it('has a tooltip and a menu that opens and quits Ferry', () => {
    const { tooltip, menu } = trays[0]!;
    expect(tooltip).toMatch(/^Ferry/);
    const labels = menu.template.map((item) => item.label);
    expect(labels).toContain('Open Ferry');
    expect(labels).toContain('Quit Ferry');
  });

  it('drives the sync agent: pause for an hour shows paused, resume goes back, a wake from sleep catches up', async () => {
    const tray = trays[0]!;
    const find = (label: RegExp) => {
      const all = tray.menu.template.flatMap((item) => [item, ...(item.submenu ?? [])]);
      const item = all.find((i) => i.label !== undefined && label.test(i.label));
      if (item === undefined) throw new Error(`no menu item ${label} in ${all.map((i) => i.label).join(', ')}`);
      return item;
    };
    expect(find(/^Sync now$/)).toBeDefined();
    find(/1 hour/).click!();
    for (let i = 0; i < 100 && !/Paused/.test(tray.tooltip); i++) await new Promise((r) => setTimeout(r, 20));
    expect(tray.tooltip).toMatch(/Paused until/);
    // Resume stores the lifted pause in electron-store (which refuses undefined) and goes back to idle.
    find(/^Resume/).click!();
    for (let i = 0; i < 100 && /Paused/.test(tray.tooltip); i++) await new Promise((r) => setTimeout(r, 20));
    expect(tray.tooltip).not.toMatch(/Paused/);
    expect(calls.powerEvents.has('resume')).toBe(true);
  });

  it('without a tray host, tells the user once and lets closing the window quit', async () => {
    for (let i = 0; i < 100 && calls.messageBoxes.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(calls.messageBoxes.map((box) => box.message)).toEqual([expect.stringMatching(/tray/i)]);
    let prevented = false;
    calls.windows[0]!.emit('close', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(false);
  });
});
