// A stand-in for the 'electron' module, recording what Ferry's built main bundle asks of it (smoke test only).
const { EventEmitter } = require('node:events');
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');

const calls = {
  windows: [],
  handlers: new Map(),
  ipcOn: [],
  privilegedSchemes: [],
  protocolHandlers: new Map(),
  headerHooks: [],
  permissionRequestHandler: undefined,
  permissionCheckHandler: undefined,
  protocolClients: [],
  menus: [],
  trays: [],
  appEvents: new Map(),
  powerEvents: new Map(),
  opened: [],
  loginItemSettings: [],
  messageBoxes: [],
};
const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'ferry-smoke-'));

const app = {
  requestSingleInstanceLock: () => true,
  setAsDefaultProtocolClient: (scheme) => calls.protocolClients.push(scheme),
  getName: () => 'Ferry',
  getVersion: () => '0.0.0-smoke',
  getLocale: () => 'en-US',
  getPath: () => userData,
  isReady: () => true,
  whenReady: () => Promise.resolve(),
  quit: () => {},
  isPackaged: false,
  getLoginItemSettings: () => ({ openAtLogin: false, executableWillLaunchAtLogin: false, wasOpenedAtLogin: false }),
  setLoginItemSettings: (settings) => calls.loginItemSettings.push(settings),
  on(event, listener) {
    calls.appEvents.set(event, listener);
    return app;
  },
};

class WebContents extends EventEmitter {
  constructor() {
    super();
    this.mainFrame = { url: 'app://ferry/index.html', parent: null };
    this.sent = [];
  }
  send(channel, payload) {
    this.sent.push({ channel, payload });
  }
  setWindowOpenHandler(handler) {
    this.windowOpenHandler = handler;
  }
}

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    calls.windows.push(this);
    calls.appEvents.get('web-contents-created')?.({}, this.webContents);
  }
  loadURL(url) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isMaximized() {
    return false;
  }
  maximize() {}
  show() {}
  hide() {}
  focus() {}
  restore() {}
  getBounds() {
    return { x: 10, y: 10, width: 1200, height: 800 };
  }
}

class Tray extends EventEmitter {
  constructor(image) {
    super();
    this.image = image;
    calls.trays.push(this);
  }
  setImage(image) {
    this.image = image;
  }
  setToolTip(text) {
    this.tooltip = text;
  }
  setContextMenu(menu) {
    this.menu = menu;
  }
  destroy() {}
}

// An image read from disk as Electron would (an empty image when the file is missing), with its extra scale factors.
class NativeImage {
  constructor(p) {
    this.path = p;
    this.png = fs.existsSync(p) ? fs.readFileSync(p) : undefined;
    this.representations = [];
  }
  isEmpty() {
    return this.png === undefined;
  }
  toPNG() {
    return this.png ?? Buffer.alloc(0);
  }
  addRepresentation(options) {
    this.representations.push(options);
  }
}

const electron = {
  app,
  BrowserWindow,
  Tray,
  ipcMain: {
    handle: (channel, handler) => calls.handlers.set(channel, handler),
    on: (channel) => calls.ipcOn.push(channel),
  },
  protocol: {
    registerSchemesAsPrivileged: (schemes) => calls.privilegedSchemes.push(...schemes),
    handle: (scheme, handler) => calls.protocolHandlers.set(scheme, handler),
  },
  session: {
    defaultSession: {
      setPermissionRequestHandler: (h) => (calls.permissionRequestHandler = h),
      setPermissionCheckHandler: (h) => (calls.permissionCheckHandler = h),
      setDevicePermissionHandler: () => {},
      webRequest: { onHeadersReceived: (h) => calls.headerHooks.push(h) },
    },
  },
  powerMonitor: { on: (event, listener) => calls.powerEvents.set(event, listener) },
  screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
  Menu: {
    buildFromTemplate: (template) => ({ template }),
    setApplicationMenu: (menu) => calls.menus.push(menu),
  },
  nativeImage: { createFromPath: (p) => new NativeImage(p) },
  dialog: {
    showMessageBox: (...args) => (calls.messageBoxes.push(args.at(-1)), Promise.resolve({ response: 0 })),
    showSaveDialog: () => Promise.resolve({ canceled: true }),
  },
  // Like a Linux desktop without a notification server.
  Notification: class {
    static isSupported() {
      return false;
    }
  },
  shell: { openExternal: (url) => (calls.opened.push(url), Promise.resolve()), openPath: () => Promise.resolve('') },
};

module.exports = { ...electron, default: electron, __calls: calls, __userData: userData };
