import { type Readable } from 'node:stream';
import { type HashAlgorithm } from '../shared/connectors/hash-algorithm';
import {
  type ChangeFeed,
  type ChangesOptions,
  type Copier,
  type FolderMaker,
  type Hasher,
  type Renamer,
  type ServerHasher,
} from './capabilities';
import { ConnectorError, throwIfAborted } from './connector-error';
import {
  type Driver,
  type Entry,
  type ListOptions,
  type ListPage,
  type ReadOptions,
  type WriteOptions,
} from './driver';
import { normalizePath } from './path-safety';

type Signal = { readonly signal?: AbortSignal };

/** A driver as callers get it: the core plus whichever optional operations the wrapped driver has. */
export type GuardedDriver = Driver & Partial<Hasher & Renamer & Copier & FolderMaker & ServerHasher & ChangeFeed>;

const guarded = new WeakSet<Driver>();

/** Orders entries by name in code-unit order, the order every listing promises. */
export function byName(a: Entry, b: Entry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

// A path argument normalised before any I/O, and the operation refused once cancelled.
function enter(path: string, signal: AbortSignal | undefined): string {
  const p = normalizePath(path);
  throwIfAborted(signal, p);
  return p;
}

/**
 * Wraps a driver with what every driver needs before touching its storage (the registry applies it to each
 * driver it creates): every path normalised by path safety, writing or removing the root itself refused,
 * cancellation checked before the call, and list entries sorted by name. The driver behind it receives only
 * normalised paths. Wrapping twice returns the same wrapper.
 */
export function guardDriver(driver: Driver): GuardedDriver {
  if (guarded.has(driver)) return driver;
  const inner = driver as GuardedDriver;
  const { hash, rename, copy, mkdir, serverHash, changeCursor, changesSince } = inner;
  const wrapper: GuardedDriver = {
    get kind() {
      return inner.kind;
    },
    get capabilities() {
      return inner.capabilities;
    },
    async list(path: string, options: ListOptions = {}): Promise<ListPage> {
      const page = await inner.list(enter(path, options.signal), options);
      return { ...page, entries: [...page.entries].sort(byName) };
    },
    stat: async (path: string, options: Signal = {}) => inner.stat(enter(path, options.signal), options),
    read: async (path: string, options: ReadOptions = {}) => inner.read(enter(path, options.signal), options),
    async write(path: string, source: Readable, options: WriteOptions = {}) {
      const p = normalizePath(path);
      if (p === '') throw new ConnectorError('InvalidInput', 'Cannot write to the root folder itself.');
      throwIfAborted(options.signal, p);
      return inner.write(p, source, options);
    },
    async remove(path: string, options: Signal = {}) {
      const p = normalizePath(path);
      if (p === '') throw new ConnectorError('InvalidInput', 'Cannot remove the root folder.');
      throwIfAborted(options.signal, p);
      return inner.remove(p, options);
    },
    check: (options) => inner.check(options),
    close: () => inner.close(),
    ...(hash === undefined
      ? {}
      : {
          hash: async (path: string, algorithm: HashAlgorithm, options: Signal = {}) =>
            hash.call(inner, enter(path, options.signal), algorithm, options),
        }),
    ...(mkdir === undefined
      ? {}
      : {
          mkdir: async (path: string, options: Signal = {}) => mkdir.call(inner, enter(path, options.signal), options),
        }),
    ...(serverHash === undefined
      ? {}
      : {
          serverHash: async (path: string, algorithm: HashAlgorithm, options: Signal = {}) =>
            serverHash.call(inner, enter(path, options.signal), algorithm, options),
        }),
    ...(changeCursor === undefined || changesSince === undefined
      ? {}
      : {
          changeCursor: async (options: Signal = {}) => {
            throwIfAborted(options.signal, '');
            return changeCursor.call(inner, options);
          },
          changesSince: async (folder: string, cursor: string, options: ChangesOptions = {}) =>
            changesSince.call(inner, enter(folder, options.signal), cursor, options),
        }),
    ...(rename === undefined ? {} : { rename: pairOperation(inner, rename) }),
    ...(copy === undefined ? {} : { copy: pairOperation(inner, copy) }),
  };
  guarded.add(wrapper);
  return wrapper;
}

// rename and copy: both paths normalised, cancellation checked against the source.
function pairOperation(
  inner: Driver,
  operation: (from: string, to: string, options?: Signal) => Promise<void>,
): (from: string, to: string, options?: Signal) => Promise<void> {
  return async (from, to, options = {}) => {
    const source = normalizePath(from);
    const target = normalizePath(to);
    throwIfAborted(options.signal, source);
    return operation.call(inner, source, target, options);
  };
}
