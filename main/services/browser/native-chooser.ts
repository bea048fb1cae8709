import type { LocalChooser } from './browser-service';

/** What the chooser asks of the OS's open dialog (a subset of Electron's `properties`). */
type OpenProperty = 'openFile' | 'openDirectory' | 'multiSelections' | 'createDirectory';

/** Shows the OS's open dialog (Electron's `dialog.showOpenDialog`, bound to the window by the shell). */
export type OpenDialog = (options: {
  properties: OpenProperty[];
}) => Promise<{ readonly canceled: boolean; readonly filePaths: readonly string[] }>;

/**
 * The browser's LocalChooser over the OS's open dialog: a folder to download into, or files to upload. The shell
 * passes it to compose() as `chooseLocalPaths`; the harness passes nothing and keeps its in-app picker.
 */
export function nativeLocalChooser(open: OpenDialog, platform: NodeJS.Platform = process.platform): LocalChooser {
  return async (mode) => {
    const properties: OpenProperty[] =
      mode === 'folder'
        ? ['openDirectory', 'createDirectory']
        : // Linux and Windows dialogs cannot offer files and folders at once: files there, as other apps do.
          platform === 'darwin'
          ? ['openFile', 'openDirectory', 'multiSelections']
          : ['openFile', 'multiSelections'];
    const result = await open({ properties });
    return result.canceled ? null : result.filePaths;
  };
}
