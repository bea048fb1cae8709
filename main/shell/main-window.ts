import path from 'node:path';
import { BrowserWindow, screen } from 'electron';
import type { WindowStateService } from '../services/window-state';
import { RENDERER_URL } from './renderer-protocol';

/** The URL the main window loads: electron-vite's dev server in development, app:// otherwise. */
export const rendererUrl = (): string => process.env['ELECTRON_RENDERER_URL'] ?? RENDERER_URL;

/** Creates the one main window with literal secure webPreferences and remembered bounds. */
export function createMainWindow(windowState: WindowStateService, shouldHideOnClose: () => boolean): BrowserWindow {
  const state = windowState.restore(screen.getAllDisplays().map((d) => d.workArea));
  const window = new BrowserWindow({
    x: state.x,
    y: state.y,
    width: state.width,
    height: state.height,
    minWidth: 800,
    minHeight: 560,
    show: false,
    title: 'Ferry',
    backgroundColor: '#1a1b1e',
    // Written out literally (no spread) so reviewers and electronegativity see every flag.
    webPreferences: {
      preload: path.join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (state.maximized) window.maximize();
  window.once('ready-to-show', () => window.show());

  const save = (): void => {
    if (window.isDestroyed() || window.isMinimized()) return;
    const bounds = window.isMaximized() ? window.getNormalBounds() : window.getBounds();
    windowState.save({ ...bounds, maximized: window.isMaximized() });
  };
  window.on('resized', save);
  window.on('moved', save);
  window.on('close', (event) => {
    save();
    if (shouldHideOnClose()) {
      event.preventDefault();
      window.hide();
    }
  });

  void window.loadURL(rendererUrl());
  return window;
}

/** Brings the window to the front, restoring it from the tray or the taskbar. */
export function revealWindow(window: BrowserWindow): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
