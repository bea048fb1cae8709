import { type Stats } from 'ssh2';
import { type Entry } from '../driver';
import { baseName } from '../path-safety';

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

/** What an SFTP mode says the entry is. */
export function typeOf(mode: number): 'file' | 'directory' | 'link' | 'other' {
  switch (mode & S_IFMT) {
    case S_IFDIR:
      return 'directory';
    case S_IFREG:
      return 'file';
    case S_IFLNK:
      return 'link';
    default:
      return 'other';
  }
}

/** The entry of a file or folder from its SFTP attributes (mtime in seconds). */
export function entryOf(path: string, stats: Stats): Entry {
  const directory = typeOf(stats.mode) === 'directory';
  return {
    name: baseName(path),
    path,
    type: directory ? 'directory' : 'file',
    ...(directory ? {} : { size: stats.size }),
    mtimeMs: stats.mtime * 1000,
  };
}
