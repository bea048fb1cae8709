import { type ConnectionOptions } from 'node:tls';
import { posix } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { type FileInfo, FileType } from 'basic-ftp';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type FtpsOptions } from '../../shared/connectors/ftps-descriptor';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { type Capabilities, type FolderMaker, type Renamer, type ServerHasher } from '../capabilities';
import { FTPS_CAPABILITIES } from './ftps-capabilities';
import { runConnectionCheck } from '../check/connection-steps';
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
import { makeFolderChain, removeEmptyFolder } from '../remote-files/folder-steps';
import { FolderSnapshots } from '../remote-files/list-page';
import {
  checkedRange,
  checkReceivedSize,
  checkResumeOffset,
  storedSizeError,
  temporaryName,
} from '../remote-files/write-checks';
import { ResumeRefusedError } from '../resume-refused-error';
import { destroyOnAbort } from '../stream-abort';
import { baseName, checkEntryName, parentPath } from '../path-safety';
import { FtpsClientPool } from './ftps-client-pool';
import { downloadRange } from './ftps-download';
import { ftpsSessionSteps } from './ftps-check';
import { type FtpsConnection, type FtpsProgress, mapOpenError, openFtpsConnection } from './ftps-session';
import { appendRefusalReply } from './append-refusal';
import { mapFtpError } from './map-ftp-error';
import { askFtpServerHash, type FtpHashAnswer, ftpHashMethod, hashReplyTimeoutMs } from './ftps-server-hash';
import { tlsOptionsFor } from './tls-trust';

/** Control connections at most per driver (one transfer each). */
const MAX_CONNECTIONS = 4;

/** FTPS driver (explicit or implicit TLS, passive mode) on basic-ftp, with a small pool of control connections. */
export class FtpsDriver implements Driver, Renamer, FolderMaker, ServerHasher {
  readonly kind = 'ftps';
  readonly capabilities: Capabilities = FTPS_CAPABILITIES;
  private readonly snapshots = new FolderSnapshots();
  private readonly pool: FtpsClientPool;
  private tls: Promise<ConnectionOptions> | undefined;
  private features: Promise<ReadonlyMap<string, string>> | undefined;
  // Hash commands the server refused for every file (listed in FEAT but not implemented or not allowed).
  private readonly refusedHashCommands = new Set<string>();
  // Why the server refused APPE once: it will refuse again, so a later write at an offset fails at once.
  private resumeRefusal: string | undefined;

  constructor(
    private readonly options: FtpsOptions,
    private readonly context: DriverContext = {},
  ) {
    this.pool = new FtpsClientPool(() => this.connect(), MAX_CONNECTIONS);
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
    return this.snapshots.page(folder, options, () => this.readFolder(folder, options.signal));
  }

  // The whole folder, as FTP lists it (LIST has no pages).
  private readFolder(
    folder: string,
    signal: AbortSignal | undefined,
  ): Promise<{ entries: Entry[]; rejected: RejectedEntry[] }> {
    return this.run(folder, signal, async (connection) => {
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
      return { entries, rejected };
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

  /**
   * Asks the server to hash a stored file: HASH (after OPTS HASH) or XSHA256/XSHA1/XMD5, whichever its FEAT lists
   * (read once per driver); undefined when it offers none for `algorithm` or refuses the command itself. The server
   * answers only once it has read the whole file: the reply timeout grows with the size, and cancelling closes the
   * control connection.
   */
  async serverHash(
    normalized: string,
    algorithm: HashAlgorithm,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<string | undefined> {
    return this.run(normalized, options.signal, async (connection) => {
      const features = (this.features ??= connection.client.features().catch((error: unknown) => {
        this.features = undefined;
        throw error;
      }));
      const method = ftpHashMethod(await features, algorithm);
      if (method === undefined) return undefined;
      const key = method.kind === 'hash' ? `HASH ${method.name}` : method.command;
      if (this.refusedHashCommands.has(key)) return undefined;
      // The server reads the whole file before it answers: a cancellation closes the connection (the pool drops it).
      const remote = this.remote(connection, normalized);
      const { client } = connection;
      // No size (a folder, a missing file): the hash command itself says what is wrong.
      const size = await client.size(remote).catch((error: unknown) => {
        if (client.closed) throw error;
        return 0;
      });
      throwIfAborted(options.signal, normalized);
      const onAbort = (): void => client.close();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      // basic-ftp reads its context's timeout at each command; it is typed readonly, yet setting it is how to change it.
      const context = client.ftp as { timeout: number };
      const idle = context.timeout;
      context.timeout = hashReplyTimeoutMs(size, idle);
      let answer: FtpHashAnswer;
      try {
        answer = await askFtpServerHash(client, method, remote, normalized);
      } finally {
        context.timeout = idle;
        options.signal?.removeEventListener('abort', onAbort);
      }
      if (answer.kind === 'digest') return answer.hex;
      if (answer.lasting) this.refusedHashCommands.add(key);
      return undefined;
    });
  }

  async stat(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    return this.run(normalized, options.signal, (connection) => this.statWith(connection, normalized));
  }

  async read(normalized: string, options: ReadOptions = {}): Promise<Readable> {
    const { offset, length } = checkedRange(normalized, options.range);
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
    return downloadRange(connection, remote, normalized, { offset, end, size }, options.signal, (healthy) =>
      this.pool.release(connection, healthy),
    );
  }

  async write(normalized: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    this.snapshots.clear();
    const offset = options.offset ?? 0;
    if (offset > 0 && this.resumeRefusal !== undefined) {
      source.destroy();
      throw new ResumeRefusedError(normalized, this.resumeRefusal);
    }
    const detach = destroyOnAbort(source, options.signal, normalized);
    let temp: string | undefined;
    // An APPE that failed the way a refusal to resume does (confirmed below by the file's size on the server).
    let appendFailure: { readonly reply: string; readonly error: unknown } | undefined;
    try {
      return await this.run(normalized, options.signal, async (connection) => {
        const target = this.remote(connection, normalized);
        if (await this.isFolder(connection, target)) {
          throw new ConnectorError('Conflict', `A folder is in the way: ${normalized}`, { path: normalized });
        }
        if (options.offset !== undefined) {
          try {
            return await this.append(connection, normalized, target, source, options.offset, options);
          } catch (error) {
            const reply = offset > 0 ? appendRefusalReply(error) : undefined;
            if (reply !== undefined) appendFailure = { reply, error };
            throw error;
          }
        }
        await this.makeFolders(connection, parentPath(normalized));
        temp = posix.join(posix.dirname(target), temporaryName(normalized));
        const result = await this.upload(connection, normalized, temp, source, 0, options, 'replace');
        await connection.client.rename(temp, target);
        temp = undefined;
        return result;
      });
    } catch (error) {
      const leftover = temp;
      if (leftover !== undefined) await this.pool.use((c) => c.client.remove(leftover, true)).catch(() => undefined);
      if (appendFailure !== undefined && !options.signal?.aborted) {
        await this.confirmResumeRefused(normalized, offset, appendFailure.reply, appendFailure.error);
      }
      throw error;
    } finally {
      detach();
      if (!source.destroyed && !source.readableEnded) source.destroy();
    }
  }

  // The server accepted no byte (its SIZE is still the offset): the APPE was refused, not cut. Throws when so.
  private async confirmResumeRefused(path: string, offset: number, reply: string, cause: unknown): Promise<void> {
    const stored = await this.pool
      .use((connection) => connection.client.size(this.remote(connection, path)))
      .catch(() => undefined);
    if (stored !== offset) return;
    this.resumeRefusal = reply;
    throw new ResumeRefusedError(path, reply, cause);
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
    checkResumeOffset(path, offset, current ?? 0);
    if (current === undefined) await this.makeFolders(connection, parentPath(path));
    // Nothing to continue (absent or empty): STOR, which every server allows; APPE only resumes.
    return this.upload(connection, path, target, source, offset, options, offset === 0 ? 'replace' : 'append');
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
    checkReceivedSize(path, options.size, written);
    const stored = await connection.client.size(remote);
    if (stored !== offset + written) throw storedSizeError(path, stored, offset + written);
    return { size: stored, written, hashes: hashing.hasher.digest() };
  }

  private makeFolders(connection: FtpsConnection, folder: string): Promise<void> {
    const { client } = connection;
    return makeFolderChain(folder, {
      state: async (path) =>
        (await this.isFolder(connection, this.remote(connection, path)))
          ? { kind: 'folder' }
          : { kind: 'absent', error: undefined },
      create: (path) =>
        client.send(`MKD ${this.remote(connection, path)}`).then(
          () => undefined,
          (error: unknown) => {
            if (client.closed) throw error;
            return error;
          },
        ),
      failed: async (path, refusal) => {
        const inTheWay = await client.size(this.remote(connection, path)).then(
          () => true,
          () => false,
        );
        // Nothing in the way: the server's refusal says why (no write permission, most often).
        if (!inTheWay && refusal !== undefined) return mapFtpError(refusal, path);
        return new ConnectorError('Conflict', `Cannot create folder ${path}: a file is in the way.`, { path });
      },
    });
  }

  async remove(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.snapshots.clear();
    await this.run(normalized, options.signal, async (connection) => {
      const entry = await this.statWith(connection, normalized);
      const remote = this.remote(connection, normalized);
      if (entry.type === 'file') {
        await connection.client.remove(remote);
        return;
      }
      await removeEmptyFolder(
        normalized,
        () => connection.client.send(`RMD ${remote}`),
        async (refusal) => {
          if (connection.client.closed) throw refusal;
          await connection.client.cd(remote);
          return (await connection.client.list()).filter((e) => e.name !== '.' && e.name !== '..').length;
        },
      );
    });
  }

  async mkdir(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.snapshots.clear();
    await this.run(normalized, options.signal, (connection) => this.makeFolders(connection, normalized));
  }

  async rename(source: string, target: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.snapshots.clear();
    await this.run(source, options.signal, async (connection) => {
      await this.statWith(connection, source);
      await this.makeFolders(connection, parentPath(target));
      await connection.client.rename(this.remote(connection, source), this.remote(connection, target));
    });
  }

  /** Resolve, connect, TLS handshake (certificate subject and fingerprint), sign in, then list/read/write on the root. */
  async check(options: CheckOptions = {}): Promise<CheckReport> {
    const fresh = new FtpsDriver(this.options, this.context);
    return runConnectionCheck(
      fresh,
      ftpsSessionSteps((progress) => fresh.connect(progress), this.options),
      options,
    );
  }

  async close(): Promise<void> {
    this.pool.close();
  }
}
