import { type HashAlgorithm } from '../shared/connectors/hash-algorithm';
import { type Driver, type Entry } from './driver';

/**
 * What a driver can do beyond the core (rclone's Features, VS Code's capability flags). Callers check a flag,
 * or better the type guard below, and fall back.
 */
export interface Capabilities {
  /** Algorithms `hash()` can produce for stored files (empty: none, and `hash` is absent). */
  readonly hashes: readonly HashAlgorithm[];
  /** `read` honours `range`. */
  readonly rangedRead: boolean;
  /** `write` honours `offset` (append to a partial file to resume). */
  readonly resumableWrite: boolean;
  /** `write` without offset is all-or-nothing (temporary name then rename, or a single-object PUT). */
  readonly atomicWrite: boolean;
  /** `rename` exists (server-side move, replacing the target). */
  readonly rename: boolean;
  /** `copy` exists (server-side copy within this storage). */
  readonly serverSideCopy: boolean;
  /** Real folders (`mkdir` exists, empty folders persist) or key prefixes (folders exist only through files). */
  readonly directories: 'real' | 'prefixes';
  /** Precision of stored modification times in ms, or null when they cannot be set. */
  readonly mtimePrecisionMs: number | null;
  /** Largest file the storage accepts, in bytes, or null when unbounded. */
  readonly maxObjectSize: number | null;
  /** `changeCursor` and `changesSince` exist (the storage keeps a feed of changes, like Drive's changes.list). */
  readonly changeFeed?: boolean;
}

/** A driver that can hash stored files. */
export interface Hasher {
  /** Digest (lower-case hex) of the stored file at `path`; may read the whole file. */
  hash(path: string, algorithm: HashAlgorithm, options?: { readonly signal?: AbortSignal }): Promise<string>;
}

/**
 * A driver whose server can hash a stored file itself when asked (SFTP over an SSH exec channel, FTPS through HASH or
 * XSHA256): a check of the bytes the server really holds, unlike a hash computed in this process over the bytes sent.
 */
export interface ServerHasher {
  /** The server's digest (lower-case hex) of the stored file, or undefined when this server offers no way to ask. */
  serverHash(
    path: string,
    algorithm: HashAlgorithm,
    options?: { readonly signal?: AbortSignal },
  ): Promise<string | undefined>;
}

/** A driver with server-side rename. */
export interface Renamer {
  /** Moves `from` to `to`, replacing `to` when it is a file. Parent folders of `to` are created as needed. */
  rename(from: string, to: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/** A driver with server-side copy. */
export interface Copier {
  /** Copies `from` to `to` inside the storage, replacing `to`. */
  copy(from: string, to: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/** A driver with real folders. */
export interface FolderMaker {
  /** Creates the folder and its parents; succeeds when it already exists, Conflict when a file is in the way. */
  mkdir(path: string, options?: { readonly signal?: AbortSignal }): Promise<void>;
}

/** Options of `changesSince`. */
export interface ChangesOptions {
  /** Changes asked per call to the storage (a hint). */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/**
 * What changed under a folder since a cursor: files created, changed, renamed or moved in (their entries, at their
 * connector paths now), paths removed (a removed folder stands for everything under it), and the cursor to ask from
 * next time; or 'expired' when the storage no longer knows the cursor (the caller walks the folder again).
 */
export type ChangesResult =
  | {
      readonly kind: 'changes';
      readonly files: readonly Entry[];
      readonly removed: readonly string[];
      readonly cursor: string;
    }
  | { readonly kind: 'expired' };

/**
 * A driver whose storage keeps a feed of changes (Drive's changes.list): new files found without listing a whole
 * tree. A cursor is taken before a full walk, so nothing added during the walk is missed.
 */
export interface ChangeFeed {
  /** The feed's current position: changes after this moment are reported by `changesSince`. */
  changeCursor(options?: { readonly signal?: AbortSignal }): Promise<string>;
  /** The changes under `folder` (a connector path) since `cursor`; errors other than an expired cursor throw. */
  changesSince(folder: string, cursor: string, options?: ChangesOptions): Promise<ChangesResult>;
}

/** Whether the driver can hash stored files with at least one algorithm. */
export function hasHash(driver: Driver): driver is Driver & Hasher {
  return driver.capabilities.hashes.length > 0 && typeof (driver as Partial<Hasher>).hash === 'function';
}

/** Whether the driver can ask its server for a file's hash (it may still answer that the server offers none). */
export function hasServerHash(driver: Driver): driver is Driver & ServerHasher {
  return typeof (driver as Partial<ServerHasher>).serverHash === 'function';
}

/** Whether the driver has a change feed (callers without one walk the folder). */
export function hasChangeFeed(driver: Driver): driver is Driver & ChangeFeed {
  const feed = driver as Partial<ChangeFeed>;
  return (
    driver.capabilities.changeFeed === true &&
    typeof feed.changeCursor === 'function' &&
    typeof feed.changesSince === 'function'
  );
}

/** Whether the driver can rename server-side. */
export function hasRename(driver: Driver): driver is Driver & Renamer {
  return driver.capabilities.rename && typeof (driver as Partial<Renamer>).rename === 'function';
}

/** Whether the driver can copy server-side. */
export function hasServerSideCopy(driver: Driver): driver is Driver & Copier {
  return driver.capabilities.serverSideCopy && typeof (driver as Partial<Copier>).copy === 'function';
}

/** Whether the driver has real folders and can create them. */
export function hasMkdir(driver: Driver): driver is Driver & FolderMaker {
  return driver.capabilities.directories === 'real' && typeof (driver as Partial<FolderMaker>).mkdir === 'function';
}

/** Whether a resumed transfer into this driver is possible: append at an offset, then rename into place. */
export function canResumeInto(driver: Driver): driver is Driver & Renamer {
  return driver.capabilities.resumableWrite && hasRename(driver);
}
