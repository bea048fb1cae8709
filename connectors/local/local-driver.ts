import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, type Stats } from 'node:fs';
import {
  copyFile,
  lstat,
  mkdir,
  open,
  readdir,
  rename,
  rmdir,
  stat,
  unlink,
  utimes,
  type FileHandle,
} from 'node:fs/promises';
import nodePath from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { type LocalOptions } from '../../shared/connectors/local-descriptor';
import { type Capabilities } from '../capabilities';
import { runCheckSteps } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { ConnectorError, throwIfAborted } from '../connector-error';
import {
  type CheckOptions,
  type Driver,
  type Entry,
  type ListOptions,
  type ListPage,
  type ReadOptions,
  type RejectedEntry,
  type WriteOptions,
  type WriteResult,
} from '../driver';
import { HashingStream } from '../hashing';
import { mapNodeError, mapStreamError, nodeErrorCode } from '../map-node-error';
import { FolderSnapshots, type Named } from '../remote-files/list-page';
import { baseName, checkEntryName, displayName, normalizePath, parentPath, resolveInside } from '../path-safety';
import { destroyOnAbort } from '../stream-abort';
import { localLinkVerdict } from './local-links';

const CHUNK = 1024 * 1024;
/** Temporary files of writes in progress: hidden from listings, removed when a write fails. */
const TEMP_PREFIX = '.ferry-tmp-';
// Hidden and '.part', like the transfer engine's partials: folder watchers skip the file while it is written.
const TEMP_SUFFIX = '.part';
const TEMP_NAME = /^\.ferry-tmp-[0-9a-f]{16}(?:\.part)?$/;

type Signal = { readonly signal?: AbortSignal };

/** A folder on the local disk: temporary file then rename, fsync, mtimes, md5/sha1/sha256 computed on demand. */
export class LocalDriver implements Driver {
  readonly kind = 'local';
  readonly capabilities: Capabilities = {
    hashes: ['md5', 'sha1', 'sha256'],
    rangedRead: true,
    resumableWrite: true,
    atomicWrite: true,
    rename: true,
    serverSideCopy: true,
    directories: 'real',
    mtimePrecisionMs: 1,
    maxObjectSize: null,
  };
  /** Absolute path of the connector's folder. */
  readonly root: string;
  private readonly snapshots = new FolderSnapshots<Named>();

  constructor(options: LocalOptions) {
    this.root = nodePath.resolve(options.root);
  }

  async list(path: string, options: ListOptions = {}): Promise<ListPage> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const dir = await this.resolve(p);
    // Names only are kept between the pages of a walk: each page is described (lstat) when served.
    const page = await this.snapshots.page(p, options, async () => {
      try {
        const names = await readdir(dir);
        return { entries: names.filter((n) => !TEMP_NAME.test(n)).map((name) => ({ name })), rejected: [] };
      } catch (error) {
        throw nodeErrorCode(error) === 'ENOTDIR'
          ? new ConnectorError('InvalidInput', `Not a folder: ${p}`, { path: p })
          : mapNodeError(error, p);
      }
    });
    const rejected: RejectedEntry[] = [];
    const entries: Entry[] = [];
    const described = await Promise.all(page.entries.map(({ name }) => this.describeChild(p, dir, name)));
    for (const item of described) {
      if (item === undefined) continue;
      if ('reason' in item) rejected.push(item);
      else entries.push(item);
    }
    return { entries, rejected, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
  }

  async stat(path: string, options: Signal = {}): Promise<Entry> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const file = await this.resolve(p);
    try {
      return toEntry(p, await stat(file));
    } catch (error) {
      throw mapNodeError(error, p);
    }
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const file = await this.resolve(p);
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (error) {
      throw mapNodeError(error, p);
    }
    try {
      const info = await handle.stat();
      if (!info.isFile()) throw new ConnectorError('InvalidInput', `Not a file: ${p}`, { path: p });
      const start = options.range?.offset ?? 0;
      if (!Number.isSafeInteger(start) || start < 0 || start > info.size) {
        throw new ConnectorError('InvalidInput', `Range starts outside the file (size ${info.size}): ${p}`, {
          path: p,
        });
      }
      const end = options.range?.length === undefined ? info.size : Math.min(info.size, start + options.range.length);
      if (end <= start) {
        await handle.close();
        return Readable.from([]);
      }
      const stream = handle.createReadStream({ start, end: end - 1, highWaterMark: CHUNK, autoClose: true });
      destroyOnAbort(stream, options.signal, p);
      return stream;
    } catch (error) {
      await handle.close().catch(() => undefined);
      throw mapNodeError(error, p);
    }
  }

  async write(path: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    this.snapshots.clear();
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot write to the root folder itself.');
    throwIfAborted(options.signal, p);
    const final = await this.resolve(p);
    await this.makeFolders(parentPath(p));
    if (options.offset !== undefined) return this.append(p, final, source, options);
    const temp = nodePath.join(
      nodePath.dirname(final),
      `${TEMP_PREFIX}${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`,
    );
    const hashing = new HashingStream(options.hashes ?? []);
    const detach = destroyOnAbort(source, options.signal, p);
    try {
      const handle = await open(temp, 'wx');
      await pipeline(source, hashing, createWriteStream('', { fd: handle, flush: true, highWaterMark: CHUNK }));
      throwIfAborted(options.signal, p);
      const written = hashing.hasher.bytes;
      if (options.size !== undefined && written !== options.size) {
        throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${written}: ${p}`, {
          path: p,
        });
      }
      if (options.mtimeMs !== undefined) await utimes(temp, new Date(options.mtimeMs), new Date(options.mtimeMs));
      try {
        await rename(temp, final);
      } catch (error) {
        const code = nodeErrorCode(error);
        if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
          throw new ConnectorError('Conflict', `A folder is in the way: ${p}`, { path: p, cause: error });
        }
        throw error;
      }
      // No `stored`: the disk vouches for nothing; the hashes are of the bytes this process wrote.
      return { size: written, written, hashes: hashing.hasher.digest() };
    } catch (error) {
      source.destroy();
      await unlink(temp).catch(() => undefined);
      throw mapStreamError(error, options.signal, p);
    } finally {
      detach();
    }
  }

  async remove(path: string, options: Signal = {}): Promise<void> {
    this.snapshots.clear();
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot remove the root folder.');
    throwIfAborted(options.signal, p);
    const file = await this.resolve(p);
    try {
      if ((await lstat(file)).isDirectory()) await rmdir(file);
      else await unlink(file);
    } catch (error) {
      const code = nodeErrorCode(error);
      if (code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new ConnectorError('Conflict', `The folder is not empty: ${p}`, { path: p, cause: error });
      }
      throw mapNodeError(error, p);
    }
  }

  async mkdir(path: string, options: Signal = {}): Promise<void> {
    this.snapshots.clear();
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    await this.makeFolders(p);
  }

  async rename(from: string, to: string, options: Signal = {}): Promise<void> {
    this.snapshots.clear();
    const src = normalizePath(from);
    const dst = normalizePath(to);
    throwIfAborted(options.signal, src);
    const [a, b] = await Promise.all([this.resolve(src), this.resolve(dst)]);
    await this.makeFolders(parentPath(dst));
    try {
      await rename(a, b);
    } catch (error) {
      const code = nodeErrorCode(error);
      if (code === 'EISDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') {
        throw new ConnectorError('Conflict', `A folder is in the way: ${dst}`, { path: dst, cause: error });
      }
      throw mapNodeError(error, src);
    }
  }

  async copy(from: string, to: string, options: Signal = {}): Promise<void> {
    this.snapshots.clear();
    const src = normalizePath(from);
    const dst = normalizePath(to);
    throwIfAborted(options.signal, src);
    const [a, b] = await Promise.all([this.resolve(src), this.resolve(dst)]);
    await this.makeFolders(parentPath(dst));
    const temp = nodePath.join(nodePath.dirname(b), `${TEMP_PREFIX}${randomBytes(8).toString('hex')}${TEMP_SUFFIX}`);
    try {
      await copyFile(a, temp);
      await rename(temp, b);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw mapNodeError(error, src);
    }
  }

  async hash(path: string, algorithm: HashAlgorithm, options: Signal = {}): Promise<string> {
    if (!this.capabilities.hashes.includes(algorithm)) {
      throw new ConnectorError('Unsupported', `The local driver does not compute ${algorithm}.`);
    }
    const hash = createHash(algorithm);
    for await (const chunk of await this.read(path, options)) hash.update(chunk as Buffer);
    return hash.digest('hex');
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    return runCheckSteps(
      [
        {
          id: 'connect',
          label: 'Open the folder',
          hint: 'Create the folder, fix the path, or give this account access to it.',
          run: async () => {
            let info;
            try {
              info = await stat(this.root);
            } catch (error) {
              throw mapNodeError(error, this.root);
            }
            if (!info.isDirectory()) throw new ConnectorError('InvalidInput', `Not a folder: ${this.root}`);
            return { status: 'ok', detail: `${this.root} is a folder.` };
          },
        },
        ...rootAccessSteps(this, options),
      ],
      options.signal,
    );
  }

  async close(): Promise<void> {}

  private async resolve(p: string): Promise<string> {
    return resolveInside(this.root, p);
  }

  private async makeFolders(p: string): Promise<void> {
    if (p === '') return;
    const dir = await this.resolve(p);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      const code = nodeErrorCode(error);
      if (code === 'EEXIST' || code === 'ENOTDIR') {
        throw new ConnectorError('Conflict', `A file is in the way of folder ${p}`, { path: p, cause: error });
      }
      throw mapNodeError(error, p);
    }
  }

  private async append(p: string, final: string, source: Readable, options: WriteOptions): Promise<WriteResult> {
    const offset = options.offset ?? 0;
    const hashing = new HashingStream(options.hashes ?? []);
    const detach = destroyOnAbort(source, options.signal, p);
    try {
      let handle: FileHandle;
      try {
        handle = await open(final, 'r+');
      } catch (error) {
        // Offset 0 starts a partial that does not exist yet (with its parent folders, as a write does).
        if (nodeErrorCode(error) !== 'ENOENT') throw mapNodeError(error, p);
        if (offset !== 0) {
          throw new ConnectorError('Conflict', `Resume offset ${offset} differs from the partial size 0: ${p}`, {
            path: p,
          });
        }
        await mkdir(nodePath.dirname(final), { recursive: true });
        handle = await open(final, 'wx').catch((second: unknown) => {
          throw mapNodeError(second, p);
        });
      }
      const size = (await handle.stat()).size;
      if (size !== offset) {
        await handle.close();
        throw new ConnectorError('Conflict', `Resume offset ${offset} differs from the partial size ${size}: ${p}`, {
          path: p,
        });
      }
      await pipeline(
        source,
        hashing,
        createWriteStream('', { fd: handle, start: offset, flush: true, highWaterMark: CHUNK }),
      );
      throwIfAborted(options.signal, p);
      const written = hashing.hasher.bytes;
      if (options.size !== undefined && written !== options.size) {
        throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${written}: ${p}`, {
          path: p,
        });
      }
      if (options.mtimeMs !== undefined) await utimes(final, new Date(options.mtimeMs), new Date(options.mtimeMs));
      return { size: offset + written, written, hashes: hashing.hasher.digest() };
    } catch (error) {
      source.destroy();
      throw mapStreamError(error, options.signal, p);
    } finally {
      detach();
    }
  }

  /** A listed child of `folder` (its real folder `dir`), a refusal by name, or undefined once removed meanwhile. */
  private async describeChild(folder: string, dir: string, name: string): Promise<Entry | RejectedEntry | undefined> {
    const checked = checkEntryName(name);
    if (!checked.ok) return checked.rejected;
    const p = folder === '' ? name : `${folder}/${name}`;
    try {
      // A child that is no link is inside the root as its folder is: one lstat describes it. (Windows names also
      // need resolveInside's checks.)
      const own = await lstat(nodePath.join(dir, name));
      if (!own.isSymbolicLink() && process.platform !== 'win32') return described(p, name, own);
      // Links outside the root, broken links and loops are reported by name (local-links.ts).
      const link = await localLinkVerdict(this.root, folder, name);
      if (typeof link === 'object') return link.rejected;
      return described(p, name, await stat(await this.resolve(p)));
    } catch (error) {
      if (nodeErrorCode(error) === 'ENOENT') return undefined; // Removed while listing.
      const reason = error instanceof ConnectorError ? error.message : 'unreadable';
      return { rawName: displayName(name), reason };
    }
  }
}

/** The entry of a file or folder; anything else (socket, device, fifo) is refused by name. */
function described(p: string, name: string, info: Stats): Entry | RejectedEntry {
  if (!info.isFile() && !info.isDirectory()) return { rawName: displayName(name), reason: 'not a file or folder' };
  return toEntry(p, info);
}

function toEntry(p: string, info: { isDirectory(): boolean; size: number; mtimeMs: number }): Entry {
  return info.isDirectory()
    ? { name: baseName(p), path: p, type: 'directory', mtimeMs: Math.floor(info.mtimeMs) }
    : { name: baseName(p), path: p, type: 'file', size: info.size, mtimeMs: Math.floor(info.mtimeMs) };
}
