import { randomBytes } from 'node:crypto';
import { type ConnectionOptions } from 'node:tls';
import { posix } from 'node:path';
import { PassThrough, Readable, Transform, Writable } from 'node:stream';
import { type FileInfo, FileType } from 'basic-ftp';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type FtpsOptions } from '../../shared/connectors/ftps-descriptor';
import { type Capabilities, type FolderMaker, type Renamer } from '../capabilities';
import { runCheckSteps } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { cancelledError, ConnectorError, throwIfAborted } from '../connector-error';
import {
  type CheckOptions,
  type Driver,
  type DriverContext,
  type Entry,
  type ListOptions,
  type ListPage,
  type ReadOptions,
  type RejectedEntry,
  type WriteOptions,
  type WriteResult,
} from '../driver';
import { HashingStream } from '../hashing';
import { baseName, checkEntryName, parentPath } from '../path-safety';
import { FtpsClientPool } from './ftps-client-pool';
import { ftpsSessionSteps } from './ftps-check';
import { type FtpsConnection, type FtpsProgress, mapOpenError, openFtpsConnection } from './ftps-session';
import { mapFtpError } from './map-ftp-error';
import { tlsOptionsFor } from './tls-trust';

/** Knobs for tests and benchmarks. */
export interface FtpsTuning {
  /** Control connections at most (one transfer each); default 4. */
  readonly connections?: number;
}

const DEFAULT_PAGE_SIZE = 1000;

/** FTPS driver (explicit or implicit TLS, passive mode) on basic-ftp, with a small pool of control connections. */
export class FtpsDriver implements Driver, Renamer, FolderMaker {
  readonly kind = 'ftps';
  readonly capabilities: Capabilities = {
    hashes: [],
    rangedRead: true,
    resumableWrite: true,
    atomicWrite: true,
    rename: true,
    serverSideCopy: false,
    directories: 'real',
    mtimePrecisionMs: null,
    maxObjectSize: null,
  };
  private readonly pool: FtpsClientPool;
  private tls: Promise<ConnectionOptions> | undefined;

  constructor(
    private readonly options: FtpsOptions,
    private readonly context: DriverContext = {},
    private readonly tuning: FtpsTuning = {},
  ) {
    this.pool = new FtpsClientPool(() => this.connect(), tuning.connections ?? 4);
  }

  private trust(): Promise<ConnectionOptions> {
    this.tls ??= tlsOptionsFor(this.options).catch((error: unknown) => {
      this.tls = undefined;
      throw error;
    });
    return this.tls;
  }

  /** Opens one signed-in control connection (reporting its stages to `progress`). */
  async connect(progress?: FtpsProgress): Promise<FtpsConnection> {
    try {
      return await openFtpsConnection(this.options, await this.trust(), progress);
    } catch (error) {
      throw progress === undefined ? mapOpenError(error) : error;
    }
  }

  private remote(connection: FtpsConnection, path: string): string {
    return path === '' ? connection.root : posix.join(connection.root, path);
  }

  private async run<T>(
    path: string,
    signal: AbortSignal | undefined,
    fn: (connection: FtpsConnection) => Promise<T>,
  ): Promise<T> {
    throwIfAborted(signal, path);
    try {
      return await this.pool.use(fn);
    } catch (error) {
      if (signal?.aborted) throw cancelledError(signal, path);
      throw mapFtpError(error, path);
    }
  }

  private async isFolder(connection: FtpsConnection, remote: string): Promise<boolean> {
    try {
      await connection.client.cd(remote);
      return true;
    } catch (error) {
      if (connection.client.closed) throw error;
      return false;
    }
  }

  async list(folder: string, options: ListOptions = {}): Promise<ListPage> {
    return this.run(folder, options.signal, async (connection) => {
      // CWD then a bare LIST: a path argument to LIST is a glob pattern on many servers.
      await connection.client.cd(this.remote(connection, folder));
      const raw: FileInfo[] = await connection.client.list();
      const entries: Entry[] = [];
      const rejected: RejectedEntry[] = [];
      for (const item of raw) {
        if (item.name === '.' || item.name === '..') continue;
        const checked = checkEntryName(item.name);
        if (!checked.ok) {
          rejected.push(checked.rejected);
          continue;
        }
        const childPath = folder === '' ? checked.name : `${folder}/${checked.name}`;
        if (item.type === FileType.Directory) entries.push({ name: checked.name, path: childPath, type: 'directory' });
        else if (item.type === FileType.File) {
          entries.push({ name: checked.name, path: childPath, type: 'file', size: item.size });
        }
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const cursor = options.cursor;
      const from = cursor === undefined ? 0 : entries.findIndex((e) => e.name > cursor);
      const size = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
      const page = from < 0 ? [] : entries.slice(from, from + size);
      const last = page.at(-1);
      const more = from >= 0 && from + size < entries.length;
      return {
        entries: page,
        rejected: cursor === undefined ? rejected : [],
        ...(more && last !== undefined ? { cursor: last.name } : {}),
      };
    });
  }

  private async statWith(connection: FtpsConnection, path: string): Promise<Entry> {
    const remote = this.remote(connection, path);
    if (path !== '') {
      try {
        const size = await connection.client.size(remote);
        const modified = await connection.client.lastMod(remote).catch(() => undefined);
        return {
          name: baseName(path),
          path,
          type: 'file',
          size,
          ...(modified === undefined ? {} : { mtimeMs: modified.getTime() }),
        };
      } catch (error) {
        if (connection.client.closed) throw error;
      }
    }
    if (await this.isFolder(connection, remote)) return { name: baseName(path), path, type: 'directory' };
    throw new ConnectorError('NotFound', `Not found: ${path}`, { path });
  }

  async stat(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    return this.run(normalized, options.signal, (connection) => this.statWith(connection, normalized));
  }

  async read(normalized: string, options: ReadOptions = {}): Promise<Readable> {
    const offset = options.range?.offset ?? 0;
    const length = options.range?.length;
    if (
      !Number.isSafeInteger(offset) ||
      offset < 0 ||
      (length !== undefined && (!Number.isSafeInteger(length) || length < 0))
    ) {
      throw new ConnectorError('InvalidInput', `Invalid byte range for ${normalized}.`, { path: normalized });
    }
    let connection: FtpsConnection;
    let size: number;
    let remote: string;
    try {
      connection = await this.pool.acquire();
    } catch (error) {
      throw mapFtpError(error, normalized);
    }
    try {
      remote = this.remote(connection, normalized);
      const entry = await this.statWith(connection, normalized);
      if (entry.type !== 'file') {
        throw new ConnectorError('InvalidInput', `A folder cannot be read as a file: ${normalized}`, {
          path: normalized,
        });
      }
      size = entry.size ?? 0;
    } catch (error) {
      this.pool.release(connection, !connection.client.closed);
      throw mapFtpError(error, normalized);
    }
    const end = Math.min(size, length === undefined ? size : offset + length);
    if (end <= offset) {
      this.pool.release(connection, true);
      return Readable.from([]);
    }
    return this.download(connection, remote, normalized, offset, end, size, options.signal);
  }

  // Streams [offset, end) through REST + RETR; a shorter range closes the connection once it has enough bytes.
  private download(
    connection: FtpsConnection,
    remote: string,
    path: string,
    offset: number,
    end: number,
    size: number,
    signal: AbortSignal | undefined,
  ): Readable {
    const out = new PassThrough({ highWaterMark: 256 * 1024 });
    let remaining = end - offset;
    let finished = false;
    let released = false;
    const release = (healthy: boolean): void => {
      if (released) return;
      released = true;
      this.pool.release(connection, healthy);
    };
    const sink = new Writable({
      highWaterMark: 256 * 1024,
      write: (chunk: Buffer, _encoding, callback) => {
        if (finished) return callback();
        const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
        remaining -= part.length;
        out.write(part, () => callback());
        if (remaining === 0) {
          finished = true;
          out.end();
          // Stop the server sending the rest of the file: this connection cannot be reused.
          if (end < size) connection.client.close();
        }
      },
    });
    const onAbort = (): void => void out.destroy(cancelledError(signal, path));
    signal?.addEventListener('abort', onAbort, { once: true });
    out.once('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (!finished) {
        finished = true;
        connection.client.close();
        release(false);
      }
    });
    connection.client.downloadTo(sink, remote, offset).then(
      () => {
        if (remaining > 0 && !out.destroyed) {
          out.destroy(new ConnectorError('Retryable', `The server ended the download of ${path} early.`, { path }));
        }
        release(!connection.client.closed);
      },
      (error: unknown) => {
        if (!finished) out.destroy(mapFtpError(error, path));
        release(false);
      },
    );
    return out;
  }

  async write(normalized: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    const signal = options.signal;
    const onAbort = (): void => void source.destroy(cancelledError(signal, normalized));
    signal?.addEventListener('abort', onAbort, { once: true });
    let temp: string | undefined;
    try {
      return await this.run(normalized, signal, async (connection) => {
        const target = this.remote(connection, normalized);
        if (await this.isFolder(connection, target)) {
          throw new ConnectorError('Conflict', `A folder is in the way: ${normalized}`, { path: normalized });
        }
        if (options.offset !== undefined)
          return this.append(connection, normalized, target, source, options.offset, options);
        await this.makeFolders(connection, parentPath(normalized));
        temp = posix.join(
          posix.dirname(target),
          `.${baseName(normalized).slice(0, 200)}.ferry-${randomBytes(6).toString('hex')}.part`,
        );
        const result = await this.upload(connection, normalized, temp, source, 0, options, 'replace');
        await connection.client.rename(temp, target);
        temp = undefined;
        return result;
      });
    } catch (error) {
      const leftover = temp;
      if (leftover !== undefined) await this.pool.use((c) => c.client.remove(leftover, true)).catch(() => undefined);
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      if (!source.destroyed && !source.readableEnded) source.destroy();
    }
  }

  private async append(
    connection: FtpsConnection,
    path: string,
    target: string,
    source: Readable,
    offset: number,
    options: WriteOptions,
  ): Promise<WriteResult> {
    const current = await connection.client.size(target).catch((error: unknown) => {
      if (connection.client.closed) throw error;
      return undefined;
    });
    if ((current ?? 0) !== offset) {
      throw new ConnectorError('Conflict', `Cannot resume ${path} at ${offset}: it holds ${current ?? 0} bytes.`, {
        path,
        hint: 'Start the transfer again from the size the file has now.',
      });
    }
    if (current === undefined) await this.makeFolders(connection, parentPath(path));
    return this.upload(connection, path, target, source, offset, options, 'append');
  }

  // STOR replaces, APPE appends (resume); both are checked against SIZE afterwards.
  private async upload(
    connection: FtpsConnection,
    path: string,
    remote: string,
    source: Readable,
    offset: number,
    options: WriteOptions,
    mode: 'replace' | 'append',
  ): Promise<WriteResult> {
    const hashing = new HashingStream(options.hashes ?? [], 256 * 1024);
    source.once('error', (error) => hashing.destroy(error));
    // vsftpd answers a TLS data connection closed right after its handshake (a 0-byte file) with a decode-error
    // alert and kills the session; ending an empty upload a moment later avoids it (measured: 100 ms suffices).
    const body = new Transform({
      transform: (chunk: Buffer, _encoding, callback) => callback(null, chunk),
      flush: (callback) => (hashing.hasher.bytes === 0 ? setTimeout(callback, 250) : callback()),
    });
    source.pipe(hashing).pipe(body);
    hashing.once('error', (error) => body.destroy(error));
    if (mode === 'append') await connection.client.appendFrom(body, remote);
    else await connection.client.uploadFrom(body, remote);
    throwIfAborted(options.signal, path);
    const written = hashing.hasher.bytes;
    if (options.size !== undefined && written !== options.size) {
      throw new ConnectorError('Integrity', `Expected ${options.size} bytes for ${path} but received ${written}.`, {
        path,
      });
    }
    const stored = await connection.client.size(remote);
    if (stored !== offset + written) {
      throw new ConnectorError(
        'Retryable',
        `The server stored ${stored} bytes of ${path} instead of ${offset + written}.`,
        {
          path,
        },
      );
    }
    return { size: stored, written, hashes: hashing.hasher.digest() };
  }

  private async makeFolders(connection: FtpsConnection, folder: string): Promise<void> {
    if (folder === '') return;
    let current = '';
    for (const segment of folder.split('/')) {
      current = current === '' ? segment : `${current}/${segment}`;
      const remote = this.remote(connection, current);
      if (await this.isFolder(connection, remote)) continue;
      // Another connection may create it at the same moment: only "still not a folder" is an error.
      let refusal: unknown;
      await connection.client.send(`MKD ${remote}`).catch((error: unknown) => {
        if (connection.client.closed) throw error;
        refusal = error;
      });
      if (!(await this.isFolder(connection, remote))) {
        const inTheWay = await connection.client.size(remote).then(
          () => true,
          () => false,
        );
        // Nothing in the way: the server's refusal says why (no write permission, most often).
        if (!inTheWay && refusal !== undefined) throw mapFtpError(refusal, current);
        throw new ConnectorError('Conflict', `Cannot create folder ${current}: a file is in the way.`, {
          path: current,
        });
      }
    }
  }

  async remove(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await this.run(normalized, options.signal, async (connection) => {
      const entry = await this.statWith(connection, normalized);
      const remote = this.remote(connection, normalized);
      if (entry.type === 'file') {
        await connection.client.remove(remote);
        return;
      }
      try {
        await connection.client.send(`RMD ${remote}`);
      } catch (error) {
        if (connection.client.closed) throw error;
        await connection.client.cd(remote);
        const children = (await connection.client.list()).filter((e) => e.name !== '.' && e.name !== '..');
        if (children.length > 0) {
          throw new ConnectorError('Conflict', `The folder is not empty: ${normalized}`, { path: normalized });
        }
        throw error;
      }
    });
  }

  async mkdir(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await this.run(normalized, options.signal, (connection) => this.makeFolders(connection, normalized));
  }

  async rename(source: string, target: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await this.run(source, options.signal, async (connection) => {
      await this.statWith(connection, source);
      await this.makeFolders(connection, parentPath(target));
      await connection.client.rename(this.remote(connection, source), this.remote(connection, target));
    });
  }

  /** Resolve, connect, TLS handshake (certificate subject and fingerprint), sign in, then list/read/write on the root. */
  async check(options: CheckOptions = {}): Promise<CheckReport> {
    const fresh = new FtpsDriver(this.options, this.context, this.tuning);
    try {
      const session = ftpsSessionSteps((progress) => fresh.connect(progress), this.options);
      const report = await runCheckSteps([...session.plans, ...rootAccessSteps(fresh, options)], options.signal);
      return session.annotate(report);
    } finally {
      await fresh.close();
    }
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
