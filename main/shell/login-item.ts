import { app } from 'electron';
import { AutostartEntry } from '../services/autostart-entry';

/** The argument a login start passes, so Ferry starts in the tray without opening its window. */
export const HIDDEN_ARG = '--hidden';

/** Start at login, as the tray's checkbox sees it. */
export interface LoginItem {
  /** Whether the OS will start Ferry at the next login. */
  isEnabled(): boolean;
  /** Turns it on or off; throws when the OS refused (the checkbox then shows the real state again). */
  setEnabled(enabled: boolean): void;
}

/** Where the current process can register itself: the packaged app only (a dev run would register bare Electron). */
export function loginItem(platform: NodeJS.Platform = process.platform): LoginItem | undefined {
  if (!app.isPackaged) return undefined;
  if (platform === 'darwin') {
    // macOS gives no arguments to login items: startedHidden() asks wasOpenedAtLogin instead.
    return {
      isEnabled: () => app.getLoginItemSettings().openAtLogin,
      setEnabled: (enabled) => app.setLoginItemSettings({ openAtLogin: enabled }),
    };
  }
  if (platform === 'win32') {
    const item = { path: process.execPath, args: [HIDDEN_ARG] };
    return {
      // executableWillLaunchAtLogin is false when the user disabled the entry in Task Manager's Startup apps.
      isEnabled: () => {
        const settings = app.getLoginItemSettings(item);
        return settings.openAtLogin && settings.executableWillLaunchAtLogin;
      },
      setEnabled: (enabled) => app.setLoginItemSettings({ ...item, openAtLogin: enabled, enabled }),
    };
  }
  if (platform === 'linux') {
    // Electron's login item API does nothing on Linux: write an XDG autostart entry. An AppImage runs from a
    // temporary mount, so the entry must start the AppImage file itself ($APPIMAGE).
    const entry = new AutostartEntry({
      fileName: 'ferry.desktop',
      name: app.getName(),
      comment: 'Ferry: background sync in the tray',
      exec: process.env['APPIMAGE'] ?? process.execPath,
      args: [HIDDEN_ARG],
      icon: 'ferry',
    });
    return {
      isEnabled: () => entry.isEnabled(),
      setEnabled: (enabled) => (enabled ? entry.enable() : entry.disable()),
    };
  }
  return undefined;
}

/** Whether this process was started at login (and so should stay in the tray without opening its window). */
export function startedHidden(argv: readonly string[] = process.argv, platform = process.platform): boolean {
  if (argv.includes(HIDDEN_ARG)) return true;
  return platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin;
}
