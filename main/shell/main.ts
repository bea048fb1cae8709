import path from 'node:path';
import { type BrowserWindow, app, shell } from 'electron';
import Store from 'electron-store';
import type { Screen } from '../../shared/screens';
import { resolveLanguage } from '../../shared/settings';
import { PROTOCOL, findDeepLinkArg, parseDeepLink } from '../services/deep-link';
import { MainServices } from '../services/main-services';
import { shellLabels } from '../services/shell-labels';
import { installAppMenu } from './app-menu';
import { AppTray } from './app-tray';
import { registerIpcHandlers, windowEventSink } from './ipc-bridge';
import { createMainWindow, revealWindow } from './main-window';
import { handleRendererProtocol, registerRendererScheme } from './renderer-protocol';
import { secureWebContents } from './web-security';

// Electron's entry point: wires the plain-Node services of main/ to windows, tray, menu and the OS.

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerRendererScheme();
  app.setAsDefaultProtocolClient(PROTOCOL);

  const services = new MainServices({
    store: new Store({ name: 'settings', clearInvalidConfig: true }),
    host: {
      name: app.getName(),
      version: app.getVersion(),
      get locale() {
        return app.getLocale();
      },
      dataDir: app.getPath('userData'),
      versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
    },
    openExternal: (url) => shell.openExternal(url),
  });

  let mainWindow: BrowserWindow | undefined;
  let tray: AppTray | undefined;
  let quitting = false;
  let pendingScreen: Screen | undefined;
  const emit = windowEventSink(() => mainWindow);

  const labels = () => shellLabels(resolveLanguage(services.settings.get().language, app.getLocale()));
  const quit = (): void => {
    quitting = true;
    app.quit();
  };
  const show = (screen?: Screen): void => {
    if (!app.isReady()) {
      pendingScreen = screen ?? pendingScreen;
      return;
    }
    if (!mainWindow || mainWindow.isDestroyed()) openWindow();
    if (mainWindow) revealWindow(mainWindow);
    if (screen) emit('app.navigate', { screen });
  };
  const openDeepLink = (url: string | undefined): void => {
    const target = url ? parseDeepLink(url) : undefined;
    show(target?.screen);
  };
  const openWindow = (): void => {
    mainWindow = createMainWindow(services, () => !quitting && services.settings.get().closeToTray);
    mainWindow.webContents.on('did-finish-load', () => {
      if (pendingScreen) emit('app.navigate', { screen: pendingScreen });
      pendingScreen = undefined;
    });
    mainWindow.on('closed', () => (mainWindow = undefined));
  };

  pendingScreen = parseDeepLink(findDeepLinkArg(process.argv) ?? '')?.screen;
  app.on('second-instance', (_event, argv) => openDeepLink(findDeepLinkArg(argv)));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
  });
  app.on('before-quit', () => (quitting = true));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || !services.settings.get().closeToTray) app.quit();
  });
  app.on('activate', () => show());

  services.settings.onChange((settings) => {
    emit('settings.changed', settings);
    installAppMenu(labels(), { openSettings: () => show('settings'), quit });
    tray?.setLabels(labels());
  });

  void app.whenReady().then(() => {
    secureWebContents();
    handleRendererProtocol(path.join(__dirname, '../renderer'));
    registerIpcHandlers(services, () => mainWindow);
    installAppMenu(labels(), { openSettings: () => show('settings'), quit });
    tray = new AppTray({ open: () => show(), quit }, labels());
    openWindow();
  });
}
