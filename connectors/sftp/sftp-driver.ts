import { posix } from 'node:path';
import { type Readable } from 'node:stream';
import { type SFTPWrapper, type Stats } from 'ssh2';
import { type SftpOptions } from '../../shared/connectors/sftp-descriptor';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type Capabilities, type FolderMaker, type Renamer, type ServerHasher } from '../capabilities';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { hashCommand, parseHashOutput } from './server-hash-command';
import { SFTP_CAPABILITIES } from './sftp-capabilities';
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
import { runConnectionCheck } from '../check/connection-steps';
import { MultiHasher } from '../hashing';
import { makeFolderChain, removeEmptyFolder } from '../remote-files/folder-steps';
import { FolderSnapshots } from '../remote-files/list-page';
import {
  checkedRange,
  checkReceivedSize,
  checkResumeOffset,
  storedSizeError,
  temporaryName,
} from '../remote-files/write-checks';
import { destroyOnAbort } from '../stream-abort';
import { checkEntryName, parentPath } from '../path-safety';
import { mapSftpError } from './map-sftp-error';
import { DEFAULT_PIPELINE, ParallelReadStream, type PipelineShape } from './parallel-read-stream';
import { parallelWrite } from './parallel-write';
import { sessionCheckSteps } from './sftp-check';
import { entryOf, typeOf } from './sftp-stats';
import { SftpLinkGuard, sftpRootPath } from './sftp-symlinks';
import { openSftpSession, SessionStageError, sftpCall, type SessionProgress, type SftpSession } from './sftp-session';

/** Knobs for tests and benchmarks; users never need them. */
export interface SftpTuning {
  /** READ/WRITE pipeline shape (default 256 KiB x 16). */
  readonly pipeline?: PipelineShape;
  /** Start with plain sequential streams instead of the parallel pipeline. */
  readonly streamsOnly?: boolean;
}

/** One 32 KiB request at a time: for servers that mishandle pipelined requests. */
const SEQUENTIAL_PIPELINE: PipelineShape = { chunkSize: 32 * 1024, concurrency: 1 };

/** SFTP driver (OpenSSH and compatible servers) on ssh2-sftp-client / ssh2, one multiplexed session per driver. */
export class SftpDriver implements Driver, Renamer, FolderMaker, ServerHasher {
  readonly kind = 'sftp';
  readonly capabilities: Capabilities = SFTP_CAPABILITIES;
  private readonly snapshots = new FolderSnapshots();
  private current: Promise<SftpSession> | undefined;
  private closed = false;
  private parallelReads: boolean;
  private parallelWrites: boolean;
  private readonly pipeline: PipelineShape;
  private readonly links = new SftpLinkGuard((path) => this.remote(path));
  private serverHashing: 'unknown' | 'unavailable' = 'unknown';

  constructor(
    private readonly options: SftpOptions,
    private readonly context: DriverContext = {},
    private readonly tuning: SftpTuning = {},
  ) {
    this.pipeline = tuning.pipeline ?? DEFAULT_PIPELINE;
    this.parallelReads = tuning.streamsOnly !== true;
    this.parallelWrites = tuning.streamsOnly !== true;
  }

  /** Whether transfers still use the parallel pipeline (false after a server misbehaved with it). */
  get usesParallelTransfers(): { readonly reads: boolean; readonly writes: boolean } {
    return { reads: this.parallelReads, writes: this.parallelWrites };
  }

  private remote(path: string): string {
    const root = sftpRootPath(this.options.root);
    if (path === '') return root;
    return root === '.' ? path : posix.join(root, path);
  }

  private async session(): Promise<SftpSession> {
    if (this.closed) throw new ConnectorError('InvalidInput', 'This SFTP connection was closed.');
    if (this.current !== undefined) {
      const existing = await this.current.catch(() => undefined);
      if (existing?.alive()) return existing;
      this.current = undefined;
    }
    return this.open().catch((error: unknown) => {
      throw mapSftpError(error instanceof SessionStageError ? error.error : error);
    });
  }

  /** Opens a new session (reporting its stages) and keeps it for the following operations. */
  private open(progress: SessionProgress = {}, signal?: AbortSignal): Promise<SftpSession> {
    const opening = openSftpSession(this.options, this.context, progress, signal);
    opening.catch(() => undefined);
    this.current = opening;
    return opening;
  }

  private async run<T>(
    path: string,
    signal: AbortSignal | undefined,
    fn: (sftp: SFTPWrapper) => Promise<T>,
    confine: 'target' | 'parent' = 'target',
  ): Promise<T> {
    throwIfAborted(signal, path);
    const session = await this.session();
    try {
      // Symbolic links may not lead outside the root (sftp-symlinks.ts).
      await this.links.confine(session.sftp, path, confine);
      return await fn(session.sftp);
    } catch (error) {
      if (signal?.aborted) throw cancelledError(signal, path);
      throw mapSftpError(error, path);
    }
  }

  async list(folder: string, options: ListOptions = {}): Promise<ListPage> {
    return this.snapshots.page(folder, options, () => this.readFolder(folder, options.signal));
  }

  // The whole folder, as SFTP lists it (READDIR gives no order and no pages).
  private readFolder(
    folder: string,
    signal: AbortSignal | undefined,
  ): Promise<{ entries: Entry[]; rejected: RejectedEntry[] }> {
    return this.run(folder, signal, async (sftp) => {
      const stats = await sftpCall.stat(sftp, this.remote(folder));
      if (typeOf(stats.mode) !== 'directory') {
        throw new ConnectorError('NotFound', `Not a folder: ${folder === '' ? '(root)' : folder}`, { path: folder });
      }
      const raw = await sftpCall.readdir(sftp, this.remote(folder));
      const ancestry = this.links.ancestry(sftp, folder);
      const entries: Entry[] = [];
      const rejected: RejectedEntry[] = [];
      for (const item of raw) {
        const checked = checkEntryName(item.filename);
        if (!checked.ok) {
          rejected.push(checked.rejected);
          continue;
        }
        const childPath = folder === '' ? checked.name : `${folder}/${checked.name}`;
        let attrs: Stats = item.attrs as Stats;
        if (typeOf(attrs.mode) === 'link') {
          // Links inside the root are followed for their type; the others are reported by name.
          const followed = await this.links.follow(sftp, childPath, checked.name, ancestry);
          if (!followed.ok) {
            rejected.push(followed.rejected);
            continue;
          }
          attrs = followed.stats;
        }
        const type = typeOf(attrs.mode);
        if (type === 'file' || type === 'directory') entries.push(entryOf(childPath, attrs));
      }
      return { entries, rejected };
    });
  }

  /**
   * Asks the server to hash a stored file over an SSH exec channel (`sha256sum`, as rclone does), on the path SFTP
   * resolves; undefined when the account cannot run commands (sftp-only, exec disabled) or lacks the tool, which is
   * then remembered for this driver.
   */
  async serverHash(
    normalized: string,
    algorithm: HashAlgorithm,
    options: { readonly signal?: AbortSignal } = {},
  ): Promise<string | undefined> {
    if (this.serverHashing === 'unavailable') return undefined;
    return this.run(normalized, options.signal, async (sftp) => {
      const absolute = await sftpCall.realpath(sftp, this.remote(normalized));
      const command = hashCommand(algorithm, absolute);
      if (command === undefined) return undefined;
      const session = await this.session();
      const result = await session.exec(command, options.signal);
      const digest = result.code === 0 ? parseHashOutput(result.stdout, algorithm) : undefined;
      if (digest === undefined) this.serverHashing = 'unavailable';
      return digest;
    });
  }

  async stat(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    return this.run(normalized, options.signal, async (sftp) =>
      entryOf(normalized, await sftpCall.stat(sftp, this.remote(normalized))),
    );
  }

  async read(normalized: string, options: ReadOptions = {}): Promise<Readable> {
    const { offset, length } = checkedRange(normalized, options.range);
    return this.run(normalized, options.signal, async (sftp) => {
      const remote = this.remote(normalized);
      const handle = await sftpCall.open(sftp, remote, 'r');
      let size: number;
      try {
        const stats = await sftpCall.fstat(sftp, handle);
        if (typeOf(stats.mode) === 'directory') {
          throw new ConnectorError('InvalidInput', `A folder cannot be read as a file: ${normalized}`, {
            path: normalized,
          });
        }
        size = stats.size;
      } catch (error) {
        await sftpCall.close(sftp, handle).catch(() => undefined);
        throw error;
      }
      const end = Math.min(size, length === undefined ? size : offset + length);
      // Sequential mode is the same reader with one request in flight: it too fails, never ends short, on a loss.
      const stream = new ParallelReadStream(
        sftp,
        handle,
        offset,
        Math.max(offset, end),
        this.parallelReads ? this.pipeline : SEQUENTIAL_PIPELINE,
        async (emitted, complete) => {
          await sftpCall.close(sftp, handle).catch(() => undefined);
          if (complete) this.verifyRead(normalized, emitted, Math.max(0, end - offset));
        },
        (error) => mapSftpError(error, normalized),
      );
      stream.once('close', destroyOnAbort(stream, options.signal, normalized));
      return stream;
    });
  }

  // A short parallel read of a file that did not shrink means the server mishandles pipelined READs.
  private verifyRead(path: string, emitted: number, expected: number): void {
    if (emitted >= expected) return;
    this.parallelReads = false;
    this.context.log?.(`sftp: parallel read of ${path} ended early; using sequential streams from now on`);
    throw new ConnectorError(
      'Retryable',
      `The server ended the read of ${path} after ${emitted} of ${expected} bytes.`,
      { path, hint: 'Retry: Ferry now reads this server sequentially.' },
    );
  }

  async write(normalized: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    this.snapshots.clear();
    const detach = destroyOnAbort(source, options.signal, normalized);
    try {
      return await this.run(normalized, options.signal, (sftp) =>
        options.offset === undefined
          ? this.writeAtomically(sftp, normalized, source, options)
          : this.writeAt(sftp, normalized, source, options.offset, options),
      );
    } finally {
      detach();
      if (!source.destroyed && !source.readableEnded) source.destroy();
    }
  }

  private async writeAtomically(
    sftp: SFTPWrapper,
    path: string,
    source: Readable,
    options: WriteOptions,
  ): Promise<WriteResult> {
    await this.makeFolders(sftp, parentPath(path));
    const target = await sftpCall.stat(sftp, this.remote(path)).catch(() => undefined);
    if (target !== undefined && typeOf(target.mode) === 'directory') {
      throw new ConnectorError('Conflict', `A folder is in the way: ${path}`, { path, hint: 'Choose a file path.' });
    }
    const parent = parentPath(path);
    const tempName = temporaryName(path);
    const temp = this.remote(parent === '' ? tempName : `${parent}/${tempName}`);
    const handle = await sftpCall.open(sftp, temp, 'w');
    let open = true;
    try {
      const result = await this.pump(sftp, handle, path, source, 0, options);
      open = false;
      await sftpCall.close(sftp, handle);
      await this.replace(sftp, temp, this.remote(path));
      return result;
    } catch (error) {
      if (open) await sftpCall.close(sftp, handle).catch(() => undefined);
      await sftpCall.unlink(sftp, temp).catch(() => undefined);
      throw error;
    }
  }

  private async writeAt(
    sftp: SFTPWrapper,
    path: string,
    source: Readable,
    offset: number,
    options: WriteOptions,
  ): Promise<WriteResult> {
    const remote = this.remote(path);
    const existing = await sftpCall.stat(sftp, remote).catch(() => undefined);
    const current = existing?.size ?? 0;
    if (existing !== undefined && typeOf(existing.mode) === 'directory') {
      throw new ConnectorError('Conflict', `A folder is in the way: ${path}`, { path });
    }
    checkResumeOffset(path, offset, current);
    if (existing === undefined) await this.makeFolders(sftp, parentPath(path));
    const handle = await sftpCall.open(sftp, remote, existing === undefined ? 'w' : 'r+');
    try {
      return await this.pump(sftp, handle, path, source, offset, options);
    } finally {
      await sftpCall.close(sftp, handle).catch(() => undefined);
    }
  }

  // Writes the bytes, then checks counts against the caller's size and the server's own view of the file.
  private async pump(
    sftp: SFTPWrapper,
    handle: Buffer,
    path: string,
    source: Readable,
    offset: number,
    options: WriteOptions,
  ): Promise<WriteResult> {
    const hasher = new MultiHasher(options.hashes ?? []);
    const written = this.parallelWrites
      ? await parallelWrite(sftp, handle, source, offset, this.pipeline, hasher, options.signal)
      : await parallelWrite(sftp, handle, source, offset, SEQUENTIAL_PIPELINE, hasher, options.signal);
    throwIfAborted(options.signal, path);
    checkReceivedSize(path, options.size, written);
    const stats = await sftpCall.fstat(sftp, handle);
    if (stats.size !== offset + written) {
      if (this.parallelWrites) {
        this.parallelWrites = false;
        this.context.log?.(
          `sftp: parallel write of ${path} left ${stats.size} bytes; writing sequentially from now on`,
        );
      }
      throw storedSizeError(path, stats.size, offset + written, 'Retry: Ferry now writes to this server sequentially.');
    }
    if (options.mtimeMs !== undefined) {
      const seconds = Math.floor(options.mtimeMs / 1000);
      await sftpCall.futimes(sftp, handle, seconds, seconds);
    }
    return { size: offset + written, written, hashes: hasher.digest() };
  }

  // posix-rename overwrites atomically; plain SFTPv3 RENAME refuses an existing target.
  private async replace(sftp: SFTPWrapper, from: string, to: string): Promise<void> {
    try {
      await sftpCall.posixRename(sftp, from, to);
    } catch (error) {
      if (!/not supported/i.test(error instanceof Error ? error.message : '')) throw error;
      await sftpCall.unlink(sftp, to).catch(() => undefined);
      await sftpCall.rename(sftp, from, to);
    }
  }

  private makeFolders(sftp: SFTPWrapper, folder: string): Promise<void> {
    return makeFolderChain(folder, {
      state: (path) =>
        sftpCall.stat(sftp, this.remote(path)).then(
          (stats) => ({ kind: typeOf(stats.mode) === 'directory' ? 'folder' : 'other' }),
          (error: unknown) => ({ kind: 'absent', error }),
        ),
      create: (path) =>
        sftpCall.mkdir(sftp, this.remote(path)).then(
          () => undefined,
          (error: unknown) => error,
        ),
      inTheWay: (path) => new ConnectorError('Conflict', `A file is in the way of folder ${path}`, { path }),
      // Still absent: the refusal says why (no write permission in the parent, most often), not "not found".
      failed: (path, refusal, state) =>
        state.kind === 'other'
          ? new ConnectorError('Conflict', `Not a folder: ${path}`)
          : mapSftpError(refusal ?? state.error, path),
    });
  }

  async remove(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.snapshots.clear();
    await this.run(
      normalized,
      options.signal,
      async (sftp) => {
        const remote = this.remote(normalized);
        const stats = await sftpCall.lstat(sftp, remote);
        if (typeOf(stats.mode) !== 'directory') return sftpCall.unlink(sftp, remote);
        await removeEmptyFolder(
          normalized,
          () => sftpCall.rmdir(sftp, remote),
          async () => (await sftpCall.readdir(sftp, remote).catch(() => [])).length,
        );
      },
      'parent',
    );
  }

  async mkdir(normalized: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.snapshots.clear();
    await this.run(normalized, options.signal, (sftp) => this.makeFolders(sftp, normalized));
  }

  async rename(source: string, target: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    this.snapshots.clear();
    await this.run(source, options.signal, async (sftp) => {
      await sftpCall.stat(sftp, this.remote(source));
      await this.links.confine(sftp, parentPath(target));
      await this.makeFolders(sftp, parentPath(target));
      await this.replace(sftp, this.remote(source), this.remote(target));
    });
  }

  /** Resolve, connect, SSH handshake (host-key fingerprint), sign in, then list/read/write on the root. */
  async check(options: CheckOptions = {}): Promise<CheckReport> {
    const fresh = new SftpDriver(this.options, this.context, this.tuning);
    return runConnectionCheck(
      fresh,
      sessionCheckSteps((progress) => fresh.open(progress, options.signal)),
      options,
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const session = await this.current?.catch(() => undefined);
    this.current = undefined;
    await session?.close();
  }
}
