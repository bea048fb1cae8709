import path from 'node:path';
import { type BrowserWindow, app, dialog, powerMonitor, shell } from 'electron';
import Store from 'electron-store';
import type { Screen } from '../../shared/screens';
import { resolveLanguage } from '../../shared/settings';
import { type Composition, compose } from '../app/compose';
import { nativeLocalChooser } from '../services/browser/native-chooser';
import { PROTOCOL, findDeepLinkArg, parseDeepLink, parseJoinLink } from '../services/deep-link';
import { openSecretStore } from '../services/secrets/open-secret-store';
import { SettingsService } from '../services/settings-service';
import { shellLabels } from '../services/shell-labels';
import { installAppMenu } from './app-menu';
import { AppTray, TRAY_ACTIVITY_COUNT } from './app-tray';
import { hasTrayHost, tellNoTrayHostOnce } from './tray-host';
import { loginItem, startedHidden } from './login-item';
import { registerIpcHandlers, windowEventSink } from './ipc-bridge';
import { createMainWindow, revealWindow } from './main-window';
import { showNotification } from './notifications';
import { handleRendererProtocol, registerRendererScheme } from './renderer-protocol';
import { secureWebContents } from './web-security';

// Electron's entry point: wires the plain-Node services of main/ to windows, tray, menu and the OS.

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerRendererScheme();
  app.setAsDefaultProtocolClient(PROTOCOL);

  const store = new Store({ name: 'settings', clearInvalidConfig: true });
  const settings = new SettingsService(store);
  let services: Composition | undefined;
  let mainWindow: BrowserWindow | undefined;
  let tray: AppTray | undefined;
  let quitting = false;
  // Assumed until hasTrayHost() answers; false on a Linux desktop without a StatusNotifier host.
  let trayHost = true;
  let pendingScreen: Screen | undefined;
  // A ferry://join link that arrived before the window could take it.
  let pendingJoin: string | undefined;
  const emit = windowEventSink(() => mainWindow);

  const labels = () => shellLabels(resolveLanguage(settings.get().language, app.getLocale()));
  const quit = (): void => {
    quitting = true;
    app.quit();
  };
  const show = (screen?: Screen): void => {
    if (!services) {
      pendingScreen = screen ?? pendingScreen;
      return;
    }
    if (!mainWindow || mainWindow.isDestroyed()) openWindow();
    if (mainWindow) revealWindow(mainWindow);
    if (screen) emit('app.navigate', { screen });
  };
  const openDeepLink = (url: string | undefined): void => {
    const join = url ? parseJoinLink(url) : undefined;
    if (join) {
      const ready = services !== undefined && mainWindow !== undefined && !mainWindow.isDestroyed();
      show('organisation');
      if (ready) emit('app.join', join);
      else pendingJoin = join.link;
      return;
    }
    const target = url ? parseDeepLink(url) : undefined;
    show(target?.screen);
  };
  const openWindow = (): void => {
    if (!services) return;
    mainWindow = createMainWindow(
      services.services.windowState,
      () => !quitting && trayHost && settings.get().closeToTray,
    );
    mainWindow.webContents.on('did-finish-load', () => {
      if (pendingScreen) emit('app.navigate', { screen: pendingScreen });
      if (pendingJoin) emit('app.join', { link: pendingJoin });
      pendingScreen = undefined;
      pendingJoin = undefined;
    });
    mainWindow.on('closed', () => (mainWindow = undefined));
  };

  pendingScreen = parseDeepLink(findDeepLinkArg(process.argv) ?? '')?.screen;
  pendingJoin = parseJoinLink(findDeepLinkArg(process.argv) ?? '')?.link;
  if (pendingJoin) pendingScreen = 'organisation';
  app.on('second-instance', (_event, argv) => openDeepLink(findDeepLinkArg(argv)));
  app.on('open-url', (event, url) => {
    event.preventDefault();
    openDeepLink(url);
  });
  app.on('before-quit', () => (quitting = true));
  // The local workspace's platform runs in this process: let it finish requests and close its database first.
  let stopped = false;
  app.on('will-quit', (event) => {
    if (!services || stopped) return;
    event.preventDefault();
    void services
      .stop()
      .catch((error: unknown) => console.error('the local workspace did not stop cleanly', error))
      .finally(() => {
        stopped = true;
        app.quit();
      });
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin' || !settings.get().closeToTray) app.quit();
  });
  app.on('activate', () => show());

  // compose() sends settings.changed to the window; the shell only relabels its menu and tray.
  settings.onChange(() => {
    installAppMenu(labels(), { openSettings: () => show('settings'), quit });
    tray?.setLabels(labels());
  });

  void app.whenReady().then(async () => {
    secureWebContents();
    handleRendererProtocol(path.join(__dirname, '../renderer'));
    // Secrets: the OS keychain, or (said plainly in the UI) memory for this session only.
    const { store: secrets, keychainProblem } = await openSecretStore('Ferry');
    services = compose({
      store,
      settings,
      secrets,
      ...(keychainProblem ? { keychainProblem } : {}),
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
      chooseSavePath: async (suggestedName) => {
        // Audit and activity exports are CSV; a downloaded file keeps whatever type it has.
        const options = {
          defaultPath: path.join(
            app.getPath(suggestedName.endsWith('.csv') ? 'documents' : 'downloads'),
            suggestedName,
          ),
          ...(suggestedName.endsWith('.csv') ? { filters: [{ name: 'CSV', extensions: ['csv'] }] } : {}),
        };
        const result = mainWindow
          ? await dialog.showSaveDialog(mainWindow, options)
          : await dialog.showSaveDialog(options);
        return result.canceled || !result.filePath ? null : result.filePath;
      },
      // The Browser's upload and download places come from the OS's own open dialog.
      chooseLocalPaths: nativeLocalChooser((o) =>
        mainWindow ? dialog.showOpenDialog(mainWindow, o) : dialog.showOpenDialog(o),
      ),
      outlets: {
        emit,
        // A transfer's notification opens Transfers; the agent's open Activity.
        notify: (request) =>
          showNotification(request, () => show(request.kind.startsWith('sync-') ? 'activity' : 'transfers')),
      },
    });
    registerIpcHandlers(services.dispatch, () => mainWindow);
    installAppMenu(labels(), { openSettings: () => show('settings'), quit });
    const agent = services.services.sync;
    let recent = agent.activity.list({ limit: TRAY_ACTIVITY_COUNT }).entries;
    const appTray = new AppTray(
      {
        open: (screen) => show(screen),
        quit,
        sync: {
          syncNow: () => void agent.syncNow(),
          pause: (hours) => void agent.pauseFor(hours),
          resume: () => void agent.resume(),
        },
        startAtLogin: loginItem(),
      },
      labels(),
    );
    tray = appTray;
    appTray.update(agent.status(), recent);
    agent.onStatus((status) => appTray.update(status, recent));
    agent.onActivity((entry) => {
      recent = [entry, ...recent].slice(0, TRAY_ACTIVITY_COUNT);
      appTray.update(agent.status(), recent);
    });
    // After a suspend, bindings whose interval passed meanwhile run now (the platform is reached again first).
    powerMonitor.on('resume', () => agent.runDue());
    // A login start stays in the tray; the panel gets 10 s to register its tray host first.
    const hidden = startedHidden();
    if (!hidden) openWindow();
    void hasTrayHost({ waitMs: hidden ? 10_000 : 0 }).then((present) => {
      trayHost = present;
      if (present) return;
      // No tray: the window is the only way in, and closing it quits.
      if (!mainWindow) openWindow();
      tellNoTrayHostOnce(store, labels().tray, mainWindow);
    });
  });
}
