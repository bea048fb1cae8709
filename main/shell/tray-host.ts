// Whether this desktop shows tray icons: without a tray host, closing the window quits Ferry (no icon brings it back).
import { execFile } from 'node:child_process';
import { type BrowserWindow, dialog } from 'electron';
import type { KeyValueStore } from '../services/key-value-store';
import type { TrayLabels } from '../services/shell-labels';

/** Runs a command and gives its standard output; rejects when it is missing, fails or times out. */
export type CommandRunner = (file: string, args: readonly string[]) => Promise<string>;

/** Runs commands with the process's environment, two seconds at most. */
export const runCommand: CommandRunner = (file, args) =>
  new Promise((resolve, reject) =>
    execFile(file, [...args], { timeout: 2000 }, (error, stdout) => (error ? reject(error) : resolve(stdout))),
  );

/** The StatusNotifierItem watcher: the tray host of KDE, and of GNOME with the AppIndicator extension, Xfce, etc. */
export const STATUS_NOTIFIER_WATCHER = 'org.kde.StatusNotifierWatcher';

/** Whether a name has an owner on the session bus (dbus-send, else gdbus); undefined when neither could ask. */
export async function sessionBusNameHasOwner(
  name: string,
  run: CommandRunner = runCommand,
): Promise<boolean | undefined> {
  const askers: readonly [string, string[], RegExp][] = [
    [
      'dbus-send',
      [
        '--session',
        '--print-reply',
        '--dest=org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus.NameHasOwner',
        `string:${name}`,
      ],
      /boolean (true|false)/,
    ],
    [
      'gdbus',
      [
        'call',
        '--session',
        '--dest',
        'org.freedesktop.DBus',
        '--object-path',
        '/org/freedesktop/DBus',
        '--method',
        'org.freedesktop.DBus.NameHasOwner',
        name,
      ],
      /\((true|false),\)/,
    ],
  ];
  for (const [file, args, answer] of askers) {
    try {
      const found = answer.exec(await run(file, args));
      if (found) return found[1] === 'true';
    } catch {
      // Missing command or no session bus: try the next asker.
    }
  }
  return undefined;
}

/** Options of hasTrayHost. */
export interface TrayHostOptions {
  readonly platform?: NodeJS.Platform;
  readonly run?: CommandRunner;
  /** Keep asking this long while the answer is "no" (at login the panel may register its watcher after Ferry). */
  readonly waitMs?: number;
  readonly pollMs?: number;
  /** FERRY_TRAY=1 or 0 overrides the guess (a desktop whose tray it gets wrong, e.g. an XEmbed-only panel). */
  readonly env?: NodeJS.ProcessEnv;
}

/**
 * Heuristic: only Linux may lack a tray, and only when the session bus answers that no StatusNotifierWatcher runs
 * (e.g. GNOME without AppIndicator); no bus or no dbus-send/gdbus counts as a tray, an XEmbed-only tray as none.
 */
export async function hasTrayHost(options: TrayHostOptions = {}): Promise<boolean> {
  const forced = (options.env ?? process.env).FERRY_TRAY;
  if (forced === '1' || forced === '0') return forced === '1';
  if ((options.platform ?? process.platform) !== 'linux') return true;
  const deadline = Date.now() + (options.waitMs ?? 0);
  for (;;) {
    if ((await sessionBusNameHasOwner(STATUS_NOTIFIER_WATCHER, options.run)) !== false) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1000));
  }
}

/** Where the store remembers that the user was told there is no tray. */
export const NO_TRAY_HOST_TOLD_KEY = 'shell.noTrayHostTold';

/** Tells the user once (remembered in `store`) that without a tray closing the window quits Ferry. */
export function tellNoTrayHostOnce(store: KeyValueStore, labels: TrayLabels, parent?: BrowserWindow): void {
  if (store.get(NO_TRAY_HOST_TOLD_KEY) === true) return;
  store.set(NO_TRAY_HOST_TOLD_KEY, true);
  const message = { type: 'info', title: 'Ferry', message: labels.noTrayHostTitle, detail: labels.noTrayHost } as const;
  void (parent ? dialog.showMessageBox(parent, message) : dialog.showMessageBox(message));
}
