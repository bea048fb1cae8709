import { Menu, type MenuItemConstructorOptions, type NativeImage, Tray, nativeImage } from 'electron';
import errorIcon2x from '../../build/tray-error@2x.png?asset';
import errorIcon from '../../build/tray-error.png?asset';
import idleIcon2x from '../../build/tray-idle@2x.png?asset';
import idleIcon from '../../build/tray-idle.png?asset';
import pausedIcon2x from '../../build/tray-paused@2x.png?asset';
import pausedIcon from '../../build/tray-paused.png?asset';
import syncingIcon2x from '../../build/tray-syncing@2x.png?asset';
import syncingIcon from '../../build/tray-syncing.png?asset';
import { type ActivityEntry, SYNC_PAUSE_HOURS, type SyncState, type SyncStatus } from '../../shared/ipc/sync-ipc';
import type { Screen } from '../../shared/screens';
import type { ShellLabels, TrayLabels } from '../services/shell-labels';
import type { LoginItem } from './login-item';

/** How many activity entries the tray menu lists. */
export const TRAY_ACTIVITY_COUNT = 5;

/** The sync agent's commands the tray offers. */
export interface TraySyncActions {
  readonly syncNow: () => void;
  readonly pause: (hours: number) => void;
  readonly resume: () => void;
}

/** What the tray menu can ask the app to do. */
export interface TrayActions {
  /** Shows the window, on a screen when given (an activity entry opens 'activity'). */
  readonly open: (screen?: Screen) => void;
  readonly quit: () => void;
  /** The agent's commands; without them (no agent) the menu shows the status but offers no sync command. */
  readonly sync?: TraySyncActions;
  /** Start at login (the checkbox); absent where Ferry cannot register itself, e.g. a development run. */
  readonly startAtLogin?: LoginItem;
}

const ICONS: Readonly<Record<SyncState, readonly [string, string]>> = {
  idle: [idleIcon, idleIcon2x],
  syncing: [syncingIcon, syncingIcon2x],
  paused: [pausedIcon, pausedIcon2x],
  error: [errorIcon, errorIcon2x],
};

/** A 16 px icon with its 32 px image as the 2x representation (electron-vite's hashed names hide the @2x file). */
function trayImage([normal, double]: readonly [string, string]): NativeImage {
  const image = nativeImage.createFromPath(normal);
  const hiDpi = nativeImage.createFromPath(double);
  if (!hiDpi.isEmpty()) image.addRepresentation({ scaleFactor: 2, buffer: hiDpi.toPNG() });
  return image;
}

/** Shortens text for a menu or a tooltip (Windows cuts tooltips at 127 characters). */
function shorten(text: string, max: number, middle = false): string {
  if (text.length <= max) return text;
  if (!middle) return `${text.slice(0, max - 1)}…`;
  const head = Math.ceil((max - 1) / 2);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

/** The end of a pause: the time today, the weekday and time otherwise (a 24 h pause ends tomorrow). */
function formatUntil(until: Date, now: Date, locale: string): string {
  const today = until.toDateString() === now.toDateString();
  const format: Intl.DateTimeFormatOptions = { hour: 'numeric', minute: '2-digit' };
  return new Intl.DateTimeFormat(locale, today ? format : { ...format, weekday: 'short' }).format(until);
}

/** The status line: the menu's first item and the tooltip's text. */
export function statusLine(status: SyncStatus, labels: TrayLabels, now: Date = new Date()): string {
  switch (status.state) {
    case 'idle':
      return labels.upToDate;
    case 'syncing':
      return labels.syncing(status.running);
    case 'paused':
      return status.pausedUntil
        ? labels.pausedUntil(formatUntil(new Date(status.pausedUntil), now, labels.locale))
        : labels.paused;
    case 'error':
      return labels.problem(status.problem);
  }
}

/** An activity entry in the menu: what happened to which file (or binding, when no file is involved). */
export function activityLine(entry: ActivityEntry, labels: TrayLabels): string {
  const file = entry.path?.split('/').pop();
  return labels.activity[entry.kind](shorten(file || entry.bindingName, 40, true));
}

/** The tray icon, its tooltip and its menu: the agent's status, sync now, pause/resume, recent activity, open, quit. */
export class AppTray {
  private readonly tray: Tray;
  private readonly icons = new Map<SyncState, NativeImage>();
  private status: SyncStatus | undefined;
  private activities: readonly ActivityEntry[] = [];
  private startAtLogin: boolean;
  // What the tray shows now: update() touches the OS tray only for what changed.
  private shown = { state: '', tooltip: '', menu: '' };

  constructor(
    private readonly actions: TrayActions,
    private labels: ShellLabels,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.tray = new Tray(this.icon('idle'));
    this.shown.state = 'idle';
    this.tray.on('click', () => actions.open());
    this.startAtLogin = this.readStartAtLogin();
    this.render();
  }

  /** Shows the agent's status and its latest activity (newest first); cheap when nothing visible changed. */
  update(status: SyncStatus, lastActivities: readonly ActivityEntry[]): void {
    this.status = status;
    this.activities = lastActivities.slice(0, TRAY_ACTIVITY_COUNT);
    this.render();
  }

  /** Rebuilds the menu in another language. */
  setLabels(labels: ShellLabels): void {
    this.labels = labels;
    this.render();
  }

  destroy(): void {
    this.tray.destroy();
  }

  private icon(state: SyncState): NativeImage {
    let image = this.icons.get(state);
    if (!image) this.icons.set(state, (image = trayImage(ICONS[state])));
    return image;
  }

  private readStartAtLogin(): boolean {
    try {
      return this.actions.startAtLogin?.isEnabled() ?? false;
    } catch (error) {
      console.error('could not read the start-at-login setting', error);
      return false;
    }
  }

  private setStartAtLogin(enabled: boolean): void {
    try {
      this.actions.startAtLogin?.setEnabled(enabled);
    } catch (error) {
      console.error('could not change the start-at-login setting', error);
    }
    this.startAtLogin = this.readStartAtLogin();
    // The checkbox toggled itself: rebuild even when the real state is the previous one.
    this.shown.menu = '';
    this.render();
  }

  private render(): void {
    const tray = this.labels.tray;
    const state = this.status?.state ?? 'idle';
    if (state !== this.shown.state) {
      this.tray.setImage(this.icon(state));
      this.shown.state = state;
    }
    const line = this.status ? shorten(statusLine(this.status, tray, this.now()), 100) : undefined;
    const tooltip = line ? tray.tooltip(line) : 'Ferry';
    if (tooltip !== this.shown.tooltip) {
      this.tray.setToolTip(tooltip);
      this.shown.tooltip = tooltip;
    }
    const template = this.menu(line);
    // Click handlers are closures over the same actions: the visible parts decide whether the menu changed.
    const key = JSON.stringify(template);
    if (key !== this.shown.menu) {
      this.tray.setContextMenu(Menu.buildFromTemplate(template));
      this.shown.menu = key;
    }
  }

  private menu(line: string | undefined): MenuItemConstructorOptions[] {
    const { labels, actions } = this;
    const tray = labels.tray;
    const items: MenuItemConstructorOptions[] = [];
    if (line !== undefined) {
      items.push({ label: shorten(line, 60), enabled: false });
      const sync = actions.sync;
      if (sync) {
        items.push({ label: tray.syncNow, click: () => sync.syncNow() });
        items.push(
          this.status?.state === 'paused'
            ? { label: tray.resume, click: () => sync.resume() }
            : {
                label: tray.pause,
                submenu: SYNC_PAUSE_HOURS.map((hours) => ({
                  label: tray.pauseFor(hours),
                  click: () => sync.pause(hours),
                })),
              },
        );
      }
      items.push({ type: 'separator' }, { label: tray.recentActivity, enabled: false });
      if (this.activities.length === 0) items.push({ label: tray.noActivity, enabled: false });
      for (const entry of this.activities) {
        items.push({ label: activityLine(entry, tray), click: () => actions.open('activity') });
      }
      items.push({ type: 'separator' });
    }
    items.push({ label: labels.open, click: () => actions.open() });
    if (actions.startAtLogin) {
      items.push({
        label: tray.startAtLogin,
        type: 'checkbox',
        checked: this.startAtLogin,
        click: (item) => this.setStartAtLogin(item.checked),
      });
    }
    items.push({ type: 'separator' }, { label: labels.quit, click: () => actions.quit() });
    return items;
  }
}
