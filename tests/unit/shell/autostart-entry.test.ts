import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AutostartEntry, autostartDir, execValue } from '../../../main/services/autostart-entry';

// The Linux start-at-login file, written and removed for real under a temporary XDG_CONFIG_HOME.

const temp = () => mkdtempSync(path.join(os.tmpdir(), 'ferry-autostart-'));
const options = (config: string, exec = '/opt/Ferry/ferry') => ({
  fileName: 'ferry.desktop',
  name: 'Ferry',
  comment: 'Ferry: background sync in the tray',
  exec,
  args: ['--hidden'],
  icon: 'ferry',
  env: { XDG_CONFIG_HOME: config },
});

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('AutostartEntry', () => {
  it('writes $XDG_CONFIG_HOME/autostart/ferry.desktop starting the app hidden, and removes it', () => {
    const config = temp();
    const entry = new AutostartEntry(options(config));
    const file = path.join(config, 'autostart', 'ferry.desktop');
    expect(entry.path).toBe(file);
    expect(entry.isEnabled()).toBe(false);

    entry.enable();
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Ferry',
        'Comment=Ferry: background sync in the tray',
        'Exec=/opt/Ferry/ferry --hidden',
        'Icon=ferry',
        'Terminal=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
    expect(readdirSync(path.dirname(file))).toEqual(['ferry.desktop']); // no temporary file left
    expect(entry.isEnabled()).toBe(true);

    entry.disable();
    expect(readdirSync(path.dirname(file))).toEqual([]);
    expect(entry.isEnabled()).toBe(false);
    entry.disable(); // already off: nothing to do, no error
  });

  it('replaces an entry another version wrote, and keeps other apps’ entries', () => {
    const config = temp();
    new AutostartEntry(options(config, '/old/ferry')).enable();
    writeFileSync(path.join(config, 'autostart', 'other.desktop'), '[Desktop Entry]\nExec=other\n');
    new AutostartEntry(options(config, '/opt/Ferry/ferry')).enable();
    expect(readFileSync(path.join(config, 'autostart', 'ferry.desktop'), 'utf8')).toContain(
      'Exec=/opt/Ferry/ferry --hidden\n',
    );
    new AutostartEntry(options(config)).disable();
    expect(readdirSync(path.join(config, 'autostart'))).toEqual(['other.desktop']);
  });

  it('falls back to ~/.config when XDG_CONFIG_HOME is unset, empty or relative', () => {
    const home = temp();
    vi.stubEnv('HOME', home);
    const expected = path.join(home, '.config', 'autostart');
    expect(autostartDir({})).toBe(expected);
    expect(autostartDir({ XDG_CONFIG_HOME: '' })).toBe(expected);
    expect(autostartDir({ XDG_CONFIG_HOME: 'relative/config' })).toBe(expected);
    const entry = new AutostartEntry({ ...options(''), env: {} });
    entry.enable();
    expect(readdirSync(expected)).toEqual(['ferry.desktop']);
  });

  it('reads an entry a desktop tool disabled (Hidden=true, X-GNOME-Autostart-enabled=false) as off', () => {
    const config = temp();
    const entry = new AutostartEntry(options(config));
    entry.enable();
    const text = readFileSync(entry.path, 'utf8');
    writeFileSync(entry.path, `${text}Hidden=true\n`);
    expect(entry.isEnabled()).toBe(false);
    writeFileSync(entry.path, text.replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(entry.isEnabled()).toBe(false);
    // A key of another group does not count.
    writeFileSync(entry.path, `${text}\n[Desktop Action x]\nHidden=true\n`);
    expect(entry.isEnabled()).toBe(true);
    entry.enable(); // turning it on again rewrites an enabled entry
    writeFileSync(entry.path, `${text}Hidden=true\n`);
    entry.enable();
    expect(entry.isEnabled()).toBe(true);
  });

  it('quotes and escapes the executable path as the desktop entry spec says', () => {
    expect(execValue('/opt/Ferry/ferry', ['--hidden'])).toBe('/opt/Ferry/ferry --hidden');
    expect(execValue('/home/ann/My Apps/Ferry.AppImage', ['--hidden'])).toBe(
      '"/home/ann/My Apps/Ferry.AppImage" --hidden',
    );
    // Inside quotes " ` $ \ take a backslash; then the string value doubles every backslash; % is never a field code.
    expect(execValue('/opt/a"b`c$d\\e%f', [])).toBe('"/opt/a\\\\"b\\\\`c\\\\$d\\\\\\\\e%%f"');
    expect(execValue('/opt/100%/ferry', [])).toBe('/opt/100%%/ferry');
  });

  it('refuses line breaks and relative paths, writing nothing', () => {
    const config = temp();
    expect(() => new AutostartEntry(options(config, '/opt/ferry\nExec=/tmp/evil')).enable()).toThrow(/control/);
    expect(() => new AutostartEntry(options(config, 'ferry')).enable()).toThrow(/absolute/);
    expect(() => readdirSync(path.join(config, 'autostart'))).toThrow(); // not even the folder
  });

  it('leaves no temporary file when the final rename fails', () => {
    const config = temp();
    const entry = new AutostartEntry(options(config));
    // A non-empty folder where the file should go: rename() fails.
    mkdirSync(path.join(entry.path, 'x'), { recursive: true });
    expect(() => entry.enable()).toThrow();
    expect(readdirSync(path.dirname(entry.path))).toEqual(['ferry.desktop']);
    expect(statSync(entry.path).isDirectory()).toBe(true);
  });
});
