// The browser's pure helpers: typed-name checks (the same in renderer and main), paths shown to the user, and the
// paths of files dropped from the OS.
import { afterEach, describe, expect, it } from 'vitest';
import { browserNameProblem } from '../../../shared/ipc/browser-ipc';
import { type DragData, droppedPaths } from '../../../renderer/src/screens/browser/dropped-paths';
import { displayPath, isAbsoluteLocalPath, parentOf } from '../../../renderer/src/screens/browser/entry-paths';

/** A drag's data as the browser hands it over: typed strings and File objects. */
function transfer(data: Record<string, string>, files: readonly File[] = []): DragData {
  return { types: Object.keys(data), getData: (type: string) => data[type] ?? '', files } as DragData;
}

describe('browserNameProblem', () => {
  it('accepts one ordinary segment and names what is wrong with anything else', () => {
    expect(browserNameProblem('Rapport 2024 (final).pdf')).toBeUndefined();
    expect(browserNameProblem('.env')).toBeUndefined();
    expect(browserNameProblem('..')).toBe('dots');
    expect(browserNameProblem('../x')).toBe('dots');
    expect(browserNameProblem('a/b')).toBe('slash');
    expect(browserNameProblem('a\\b')).toBe('slash');
    expect(browserNameProblem('/etc')).toBe('absolute');
    expect(browserNameProblem('C:\\x')).toBe('absolute');
    expect(browserNameProblem('a\u0000b')).toBe('control');
    expect(browserNameProblem('')).toBe('empty');
    expect(browserNameProblem('é'.repeat(128))).toBe('tooLong');
  });
});

describe('entry paths', () => {
  it('shows local paths as this computer writes them and connector paths from their root', () => {
    expect(displayPath('local-disk', 'home/ada/a.txt')).toBe('/home/ada/a.txt');
    expect(displayPath('local-disk:C', 'Users/ada')).toBe('C:\\Users\\ada');
    expect(displayPath('c1', 'reports/q1.csv')).toBe('/reports/q1.csv');
    expect(parentOf('a/b/c')).toBe('a/b');
    expect(parentOf('a')).toBe('');
    expect(isAbsoluteLocalPath('/tmp')).toBe(true);
    expect(isAbsoluteLocalPath('D:/data')).toBe(true);
    expect(isAbsoluteLocalPath('tmp')).toBe(false);
  });
});

describe('droppedPaths', () => {
  afterEach(() => {
    delete (globalThis as { ferry?: unknown }).ferry;
  });

  it('reads file:// URIs of a drag, skipping comments and other schemes', () => {
    const data = transfer({
      'text/uri-list':
        '# from the file manager\r\nfile:///home/ada/a%20b.txt\r\nhttps://example.org/x\r\nfile:///C:/Data/x.csv',
    });
    expect(droppedPaths(data)).toEqual(['/home/ada/a b.txt', 'C:\\Data\\x.csv']);
  });

  it('prefers the paths the bridge names for dropped files', () => {
    (globalThis as { ferry?: unknown }).ferry = { pathForFile: (f: File) => `/dropped/${f.name}` };
    const data = transfer({ 'text/uri-list': 'file:///elsewhere' }, [new File(['x'], 'one.txt')]);
    expect(droppedPaths(data)).toEqual(['/dropped/one.txt']);
  });
});
