import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { shellLabels } from '../../../main/services/shell-labels';

// Tray host detection against a real private D-Bus session bus (dbus-daemon), with and without a StatusNotifierWatcher;
// the once-only notice when there is none, against a recording dialog.

vi.mock('electron', () => {
  const electron = { dialog: { showMessageBox: vi.fn(() => Promise.resolve({ response: 0 })) } };
  return { ...electron, default: electron };
});
const {
  NO_TRAY_HOST_TOLD_KEY,
  STATUS_NOTIFIER_WATCHER,
  hasTrayHost,
  runCommand,
  sessionBusNameHasOwner,
  tellNoTrayHostOnce,
} = await import('../../../main/shell/tray-host');

const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
const canRun = has('dbus-daemon') && has('dbus-send') && has('gdbus');

/** Writes D-Bus wire values (little-endian), aligned from the start of what it writes. */
class Wire {
  readonly bytes: number[] = [];
  align(n: number): this {
    while (this.bytes.length % n) this.bytes.push(0);
    return this;
  }
  byte(v: number): this {
    this.bytes.push(v);
    return this;
  }
  u32(v: number): this {
    this.align(4).bytes.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    return this;
  }
  string(s: string): this {
    this.u32(Buffer.byteLength(s)).bytes.push(...Buffer.from(s), 0);
    return this;
  }
  signature(s: string): this {
    this.bytes.push(s.length, ...Buffer.from(s), 0);
    return this;
  }
}

/** A method call to org.freedesktop.DBus: Hello, or RequestName(name, DO_NOT_QUEUE). */
function busCall(serial: number, member: 'Hello' | 'RequestName', name?: string): Buffer {
  const body = new Wire();
  if (name) body.string(name).u32(4);
  const fields = new Wire();
  const field = (code: number, type: 'o' | 's' | 'g', value: string) => {
    fields.align(8).byte(code).signature(type);
    if (type === 'g') fields.signature(value);
    else fields.string(value);
  };
  field(1, 'o', '/org/freedesktop/DBus');
  field(2, 's', 'org.freedesktop.DBus');
  field(3, 's', member);
  field(6, 's', 'org.freedesktop.DBus');
  if (name) field(8, 'g', 'su');
  // Fixed header (12 bytes) + the fields array's length (4 bytes): the array's first element lands 8-aligned at 16.
  const header = new Wire().byte('l'.charCodeAt(0)).byte(1).byte(0).byte(1);
  header.u32(body.bytes.length).u32(serial).u32(fields.bytes.length);
  header.bytes.push(...fields.bytes);
  header.align(8);
  return Buffer.from([...header.bytes, ...body.bytes]);
}

/** Connects to the bus and owns `name` until the socket closes (what a tray host does with the watcher's name). */
async function ownName(address: string, name: string): Promise<net.Socket> {
  const socket = net.connect(address.replace(/^unix:path=/, '').split(',')[0]!);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const uid = Buffer.from(String(process.getuid!())).toString('hex');
  socket.write(`\0AUTH EXTERNAL ${uid}\r\n`);
  const reply = await new Promise<string>((resolve) => socket.once('data', (d) => resolve(d.toString())));
  if (!reply.startsWith('OK')) throw new Error(`bus refused: ${reply}`);
  socket.write('BEGIN\r\n');
  socket.write(busCall(1, 'Hello'));
  socket.write(busCall(2, 'RequestName', name));
  socket.on('data', () => {}); // replies are not needed: the test asks the bus itself
  return socket;
}

let daemon: ChildProcess | undefined;
let address = '';

beforeAll(async () => {
  if (!canRun) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-bus-'));
  daemon = spawn('dbus-daemon', ['--session', '--nofork', '--print-address', `--address=unix:path=${dir}/bus`], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  address = await new Promise<string>((resolve) => daemon!.stdout!.once('data', (d) => resolve(String(d).trim())));
});

afterAll(() => {
  daemon?.kill();
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.skipIf(!canRun)('hasTrayHost on a real session bus', () => {
  it('asks the bus with dbus-send: its own name is owned, the watcher is not', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', address);
    expect(await sessionBusNameHasOwner('org.freedesktop.DBus')).toBe(true);
    expect(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER)).toBe(false);
    expect(await hasTrayHost({ platform: 'linux' })).toBe(false);
    // Other systems always have a tray (the menu bar, the notification area).
    expect(await hasTrayHost({ platform: 'darwin' })).toBe(true);
    expect(await hasTrayHost({ platform: 'win32' })).toBe(true);
  });

  it('finds a running StatusNotifierWatcher, also one that registers while it waits', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', address);
    const asked: string[] = [];
    const run = (file: string, args: readonly string[]) => (asked.push(file), runCommand(file, args));
    const late = setTimeout(() => void ownName(address, STATUS_NOTIFIER_WATCHER).then((s) => (watcher = s)), 300);
    let watcher: net.Socket | undefined;
    try {
      expect(await hasTrayHost({ platform: 'linux', run, waitMs: 10_000, pollMs: 100 })).toBe(true);
      expect(asked.length).toBeGreaterThan(1); // it said "no" first, then kept asking
      expect(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER)).toBe(true);
    } finally {
      clearTimeout(late);
      watcher?.destroy();
    }
    // The panel went away: no tray again.
    for (let i = 0; i < 50 && (await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER)); i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(await hasTrayHost({ platform: 'linux' })).toBe(false);
  });

  it('gives up after waitMs when no watcher comes', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', address);
    const started = Date.now();
    expect(await hasTrayHost({ platform: 'linux', waitMs: 300, pollMs: 100 })).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('falls back to gdbus when dbus-send is missing', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', address);
    const bin = mkdtempSync(path.join(os.tmpdir(), 'ferry-bin-'));
    symlinkSync(spawnSync('sh', ['-c', 'command -v gdbus']).stdout.toString().trim(), path.join(bin, 'gdbus'));
    vi.stubEnv('PATH', bin);
    expect(await sessionBusNameHasOwner('org.freedesktop.DBus')).toBe(true);
    expect(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER)).toBe(false);
    expect(await hasTrayHost({ platform: 'linux' })).toBe(false);
  });

  it('follows FERRY_TRAY=1 or 0 over what the bus says, on any platform', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', address);
    expect(await hasTrayHost({ platform: 'linux' })).toBe(false);
    expect(await hasTrayHost({ platform: 'linux', env: { FERRY_TRAY: '1' } })).toBe(true);
    expect(await hasTrayHost({ platform: 'darwin', env: { FERRY_TRAY: '0' } })).toBe(false);
    expect(await hasTrayHost({ platform: 'linux', env: { FERRY_TRAY: 'yes' } })).toBe(false);
  });

  it('assumes a tray when it cannot ask: no session bus, or neither dbus-send nor gdbus', async () => {
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', 'unix:path=/nonexistent/ferry-bus');
    expect(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER)).toBeUndefined();
    expect(await hasTrayHost({ platform: 'linux' })).toBe(true);
    vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', address);
    vi.stubEnv('PATH', mkdtempSync(path.join(os.tmpdir(), 'ferry-empty-bin-')));
    expect(await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER)).toBeUndefined();
    expect(await hasTrayHost({ platform: 'linux' })).toBe(true);
  });
});

describe('tellNoTrayHostOnce', () => {
  it('tells the user once, in their language, and remembers it', async () => {
    const { dialog } = await import('electron');
    const shown = vi.mocked(dialog.showMessageBox);
    shown.mockClear();
    const values = new Map<string, unknown>();
    const store = { get: (k: string) => values.get(k), set: (k: string, v: unknown) => void values.set(k, v) };
    tellNoTrayHostOnce(store, shellLabels('fr').tray);
    tellNoTrayHostOnce(store, shellLabels('fr').tray);
    expect(shown).toHaveBeenCalledOnce();
    expect(shown.mock.calls[0]).toEqual([
      expect.objectContaining({
        message: 'Aucune zone de notification',
        detail: expect.stringContaining('fermer la fenêtre de Ferry quitte Ferry'),
      }),
    ]);
    expect(values.get(NO_TRAY_HOST_TOLD_KEY)).toBe(true);
  });
});
