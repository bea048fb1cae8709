import { Menu, Tray, nativeImage } from 'electron';
import type { ShellLabels } from '../services/shell-labels';
import trayIconPath from '../../build/tray-icon.png?asset';

/** What the tray menu can ask the app to do. */
export interface TrayActions {
  readonly open: () => void;
  readonly quit: () => void;
}

/** The tray icon and its menu (open, quit); later issues add sync status and pause. */
export class AppTray {
  private readonly tray: Tray;

  constructor(
    private readonly actions: TrayActions,
    labels: ShellLabels,
  ) {
    this.tray = new Tray(nativeImage.createFromPath(trayIconPath));
    this.tray.on('click', () => actions.open());
    this.setLabels(labels);
  }

  /** Rebuilds the menu in another language. */
  setLabels(labels: ShellLabels): void {
    this.tray.setToolTip(labels.trayTooltip);
    this.tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: labels.open, click: () => this.actions.open() },
        { type: 'separator' },
        { label: labels.quit, click: () => this.actions.quit() },
      ]),
    );
  }

  destroy(): void {
    this.tray.destroy();
  }
}
