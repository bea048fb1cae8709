import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// Start at login on Linux: an XDG autostart desktop entry (https://specifications.freedesktop.org/autostart-spec/),
// which GNOME, KDE, Xfce, Cinnamon, MATE and LXQt all read. macOS and Windows go through Electron instead.

/** What the autostart entry launches and how it is named. */
export interface AutostartOptions {
  /** File name in the autostart folder, e.g. 'ferry.desktop'. */
  readonly fileName: string;
  /** The application's name (the entry's Name=). */
  readonly name: string;
  /** Absolute path of the executable to start (an AppImage's own path, not its mount point). */
  readonly exec: string;
  /** Arguments after the executable (e.g. '--hidden' to start in the tray). */
  readonly args?: readonly string[];
  readonly comment?: string;
  /** Icon name from the icon theme, or an absolute path. */
  readonly icon?: string;
  /** Where XDG_CONFIG_HOME is read (process.env by default). */
  readonly env?: NodeJS.ProcessEnv;
}

/** The XDG autostart folder: $XDG_CONFIG_HOME/autostart, ~/.config/autostart when it is unset or not absolute. */
export function autostartDir(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env['XDG_CONFIG_HOME'];
  // The base directory spec says relative values are invalid and must be ignored.
  const base = configured && path.isAbsolute(configured) ? configured : path.join(os.homedir(), '.config');
  return path.join(base, 'autostart');
}

/** Characters that force an Exec argument into double quotes (desktop entry spec, "The Exec key"). */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** One Exec argument: quoted when needed, `%` doubled so it is never read as a field code. */
function execArgument(arg: string): string {
  const literal = arg.replaceAll('%', '%%');
  return RESERVED.test(literal) || literal === '' ? `"${literal.replace(/["`$\\]/g, '\\$&')}"` : literal;
}

/** A value of type string in a desktop entry: backslash escapes, no raw line breaks. */
function entryString(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t');
}

/** The Exec= value launching `exec` with `args`, escaped for a desktop entry. */
export function execValue(exec: string, args: readonly string[] = []): string {
  return entryString([exec, ...args].map(execArgument).join(' '));
}

/** The desktop entry's text. */
export function desktopEntryText(options: AutostartOptions): string {
  for (const value of [
    options.exec,
    ...(options.args ?? []),
    options.name,
    options.comment ?? '',
    options.icon ?? '',
  ]) {
    // A line break would end the value and start an arbitrary key: refuse rather than escape.
    if ([...value].some((c) => c !== '\t' && (c < ' ' || c === '\x7f')))
      throw new Error('autostart entry values cannot hold control characters');
  }
  if (!path.isAbsolute(options.exec)) throw new Error(`autostart needs an absolute executable path: ${options.exec}`);
  const lines = [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${entryString(options.name)}`,
    ...(options.comment ? [`Comment=${entryString(options.comment)}`] : []),
    `Exec=${execValue(options.exec, options.args)}`,
    ...(options.icon ? [`Icon=${entryString(options.icon)}`] : []),
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
  ];
  return `${lines.join('\n')}\n`;
}

/** The keys of the [Desktop Entry] group of a desktop file's text. */
function entryKeys(text: string): Map<string, string> {
  const keys = new Map<string, string>();
  let inEntry = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('[')) inEntry = line.trim() === '[Desktop Entry]';
    else if (inEntry && line.includes('=') && !line.startsWith('#')) {
      const at = line.indexOf('=');
      keys.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
    }
  }
  return keys;
}

/** The app's XDG autostart entry: on (the file exists and is not disabled), turned on (written), turned off (removed). */
export class AutostartEntry {
  /** Where the entry lives. */
  readonly path: string;

  constructor(private readonly options: AutostartOptions) {
    this.path = path.join(autostartDir(options.env), options.fileName);
  }

  /** Whether the session will start the app: the file exists and no desktop tool marked it hidden or disabled. */
  isEnabled(): boolean {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch {
      return false;
    }
    const keys = entryKeys(text);
    return keys.get('Hidden') !== 'true' && keys.get('X-GNOME-Autostart-enabled') !== 'false';
  }

  /** Writes the entry atomically: a partial file is never visible under the .desktop name. */
  enable(): void {
    const text = desktopEntryText(this.options);
    const dir = path.dirname(this.path);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A dot name without the .desktop suffix: session managers ignore it while it is being written.
    const temporary = path.join(dir, `.${this.options.fileName}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
    try {
      const fd = fs.openSync(temporary, 'wx', 0o644);
      try {
        fs.writeFileSync(fd, text);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(temporary, this.path);
    } catch (error) {
      fs.rmSync(temporary, { force: true });
      throw error;
    }
  }

  /** Removes the entry; nothing happens when it is absent. */
  disable(): void {
    fs.rmSync(this.path, { force: true });
  }
}
