import { type Readable } from 'node:stream';
import { type HashAlgorithm } from '../shared/connectors/hash-algorithm';
import {
  type Capabilities,
  type ChangeFeed,
  type ChangesOptions,
  type Copier,
  type FolderMaker,
  type Hasher,
  hasServerHash,
  type Renamer,
  type ServerHasher,
} from './capabilities';
import { ConnectorError } from './connector-error';
import { type Driver, type ListOptions, type ReadOptions, type WriteOptions } from './driver';

type Signal = { readonly signal?: AbortSignal };

/** A driver as the lazy wrapper gives it: the core plus the optional operations its capabilities announce. */
export type LazyDriver = Driver & Partial<Hasher & Renamer & Copier & FolderMaker & ServerHasher & ChangeFeed>;

/**
 * A driver whose implementation, and the SDK behind it, is loaded on first use (`load` runs a dynamic import), so a
 * process that never touches this kind never loads its SDK. Kind and capabilities are known up front; the optional
 * operations are the ones the capabilities announce (hash with hashes, rename, copy with serverSideCopy, mkdir with
 * real folders, the change feed with changeFeed), which is what the capability guards check, and each is forwarded
 * to the loaded driver; `serverHash` is always offered and answers undefined for a kind whose servers cannot hash.
 */
export function lazyDriver(kind: string, capabilities: Capabilities, load: () => Promise<Driver>): LazyDriver {
  let loaded: Promise<LazyDriver> | undefined;
  let closedUnused = false;
  const real = async (): Promise<LazyDriver> => {
    if (closedUnused) throw new ConnectorError('InvalidInput', `This ${kind} connection was closed.`);
    loaded ??= load();
    return loaded;
  };
  // An operation the capabilities announce but the loaded driver lacks is a bug of this kind's capability module.
  const operation = <T extends keyof Hasher | keyof Renamer | keyof Copier | keyof FolderMaker | keyof ChangeFeed>(
    driver: LazyDriver,
    name: T,
  ): NonNullable<LazyDriver[T]> => {
    const method = driver[name];
    if (method === undefined) throw new ConnectorError('Unsupported', `The ${kind} driver has no ${name} operation.`);
    return method.bind(driver) as NonNullable<LazyDriver[T]>;
  };
  return {
    kind,
    capabilities,
    list: async (path: string, options?: ListOptions) => (await real()).list(path, options),
    stat: async (path: string, options?: Signal) => (await real()).stat(path, options),
    read: async (path: string, options?: ReadOptions) => (await real()).read(path, options),
    write: async (path: string, source: Readable, options?: WriteOptions) =>
      (await real()).write(path, source, options),
    remove: async (path: string, options?: Signal) => (await real()).remove(path, options),
    check: async (options) => (await real()).check(options),
    // Whether a server can hash is learnt by asking it, so every lazy driver offers the question.
    serverHash: async (path: string, algorithm: HashAlgorithm, options?: Signal) => {
      const driver = await real();
      return hasServerHash(driver) ? driver.serverHash(path, algorithm, options) : undefined;
    },
    async close() {
      // Never used: nothing to release, and no reason to load the SDK now.
      if (loaded === undefined) {
        closedUnused = true;
        return;
      }
      const driver = await loaded.catch(() => undefined);
      await driver?.close();
    },
    ...(capabilities.hashes.length === 0
      ? {}
      : {
          hash: async (path: string, algorithm: HashAlgorithm, options?: Signal) =>
            operation(await real(), 'hash')(path, algorithm, options),
        }),
    ...(capabilities.rename
      ? {
          rename: async (from: string, to: string, options?: Signal) =>
            operation(await real(), 'rename')(from, to, options),
        }
      : {}),
    ...(capabilities.serverSideCopy
      ? {
          copy: async (from: string, to: string, options?: Signal) =>
            operation(await real(), 'copy')(from, to, options),
        }
      : {}),
    ...(capabilities.changeFeed === true
      ? {
          changeCursor: async (options?: Signal) => operation(await real(), 'changeCursor')(options),
          changesSince: async (folder: string, cursor: string, options?: ChangesOptions) =>
            operation(await real(), 'changesSince')(folder, cursor, options),
        }
      : {}),
    ...(capabilities.directories === 'real'
      ? { mkdir: async (path: string, options?: Signal) => operation(await real(), 'mkdir')(path, options) }
      : {}),
  };
}
