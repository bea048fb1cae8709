import { Menu, type MenuItemConstructorOptions, shell } from 'electron';
import type { ShellLabels } from '../services/shell-labels';

const DOCS_URL = 'https://github.com/ferry-data/ferry#readme';

/** Installs the native menu with the platform's standard roles and accelerators. */
export function installAppMenu(labels: ShellLabels, actions: { openSettings: () => void; quit: () => void }): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' } as MenuItemConstructorOptions] : []),
    {
      label: labels.file,
      submenu: [
        { label: labels.settings, accelerator: 'CmdOrCtrl+,', click: actions.openSettings },
        { type: 'separator' },
        isMac ? { role: 'close' } : { label: labels.quit, accelerator: 'CmdOrCtrl+Q', click: actions.quit },
      ],
    },
    { label: labels.edit, role: 'editMenu' },
    {
      label: labels.view,
      submenu: [
        { role: 'reload' },
        ...(process.env['ELECTRON_RENDERER_URL'] ? [{ role: 'toggleDevTools' } as MenuItemConstructorOptions] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { label: labels.window, role: 'windowMenu' },
    {
      label: labels.help,
      role: 'help',
      submenu: [{ label: labels.documentation, click: () => shell.openExternal(DOCS_URL) }],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
