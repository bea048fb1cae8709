// The browser's upload and download use the OS's open dialog when the host has one, and say so when it has none.
import { describe, expect, it } from 'vitest';
import { BrowserService } from '../../../main/services/browser/browser-service';
import { type OpenDialog, nativeLocalChooser } from '../../../main/services/browser/native-chooser';
import { localDiskLocation } from '../../../main/services/connectors/local-disk';

const drivers = {
  open: async () => {
    throw new Error('no driver needed');
  },
  localLocation: (p: string) => localDiskLocation(p, 'linux'),
};

describe('chooseLocal', () => {
  it('answers native: false without a dialog (the harness keeps its picker)', async () => {
    expect(await new BrowserService({ drivers }).chooseLocal('items')).toEqual({ native: false, locations: [] });
  });

  it('asks the dialog for a folder or for files, and returns the choice as local-disk locations', async () => {
    const asked: unknown[] = [];
    let answer = { canceled: false, filePaths: ['/home/ada/a.txt', '/home/ada/b c.txt'] };
    const open: OpenDialog = async (options) => (asked.push(options.properties), answer);
    const service = new BrowserService({ drivers, chooseLocal: nativeLocalChooser(open, 'linux') });
    expect(await service.chooseLocal('items')).toEqual({
      native: true,
      locations: [
        { connectorId: 'local-disk', path: 'home/ada/a.txt' },
        { connectorId: 'local-disk', path: 'home/ada/b c.txt' },
      ],
    });
    answer = { canceled: true, filePaths: [] };
    expect(await service.chooseLocal('folder')).toEqual({ native: true, locations: [] });
    expect(asked).toEqual([
      ['openFile', 'multiSelections'],
      ['openDirectory', 'createDirectory'],
    ]);
  });
});
