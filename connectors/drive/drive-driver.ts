import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type DriveOptions } from '../../shared/connectors/drive-descriptor';
import { type HashAlgorithm, type Hashes } from '../../shared/connectors/hash-algorithm';
import {
  type Capabilities,
  type ChangeFeed,
  type ChangesOptions,
  type ChangesResult,
  type FolderMaker,
  type Hasher,
  type Renamer,
} from '../capabilities';
import { cancelledError, ConnectorError, isConnectorError, throwIfAborted } from '../connector-error';
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
import { type DigestCheck, pipeObjectBody } from '../object-store/pipe-object-body';
import { baseName, checkEntryName, displayName, joinPath, parentPath } from '../path-safety';
import { checkedRange } from '../remote-files/write-checks';
import { type ResumeStateStore } from '../resume-state-store';
import { DRIVE_CAPABILITIES } from './drive-capabilities';
import { type BackoffPolicy, DRIVE_BACKOFF, withDriveBackoff } from './drive-backoff';
import { DriveChanges } from './drive-changes';
import { DriveWrites } from './drive-writes';
import { runDriveCheck } from './drive-check';
import { createDriveClient, type DriveClient } from './drive-client';
import { googleDocExport } from './google-docs-export';
import { mapDriveError } from './map-drive-error';
import {
  type DriveFile,
  DrivePaths,
  type DriveScope,
  FILE_FIELDS,
  isFolder,
  isGoogleApps,
  quoted,
} from './drive-paths';

/** What a Drive driver receives besides its options: where sessions are remembered, how rate limits are waited out. */
export interface DriveDriverExtras {
  readonly resumeStore?: ResumeStateStore;
  readonly backoff?: BackoffPolicy;
}

const DEFAULT_PAGE_SIZE = 1000;

/**
 * Google Drive on @googleapis/drive. Drive names files by ID and allows several items of one name in a folder,
 * so paths are resolved one segment at a time (folder IDs cached), and a name held twice is refused with
 * Conflict, never guessed. Uploads are in drive-writes.ts; rate limits are backed off with jitter.
 */
export class DriveDriver implements Driver, Hasher, FolderMaker, Renamer, ChangeFeed {
  readonly kind = 'drive';
  readonly capabilities: Capabilities = DRIVE_CAPABILITIES;
  private current: DriveClient | undefined;
  private closed = false;
  /** Paths over Drive's IDs, with the folder-ID cache. */
  private readonly paths: DrivePaths;
  /** The change feed (changes.list), placing changed items under a folder. */
  private readonly changes: DriveChanges;
  /** Uploads and trashing (drive-writes.ts). */
  private readonly writes: DriveWrites;

  constructor(
    private readonly options: DriveOptions,
    private readonly context: DriverContext = {},
    private readonly extras: DriveDriverExtras = {},
  ) {
    this.paths = new DrivePaths({
      client: () => this.client,
      call: (p, run, signal) => this.call(p, run, signal),
      scope: () => this.scope(),
      rootId: this.rootId,
      googleDocs: this.options.googleDocs,
    });
    this.changes = new DriveChanges({
      client: () => this.client,
      call: (p, run, signal) => this.call(p, run, signal),
      scope: () => this.scope(),
      rootId: this.rootId,
      googleDocs: this.options.googleDocs,
      paths: this.paths,
      entryOf: (file, p) => this.entryOf(file, p),
      list: (p, options) => this.list(p, options),
      driveId: this.options.driveId,
    });
    this.writes = new DriveWrites({
      client: () => this.client,
      call: (p, run, signal) => this.call(p, run, signal),
      paths: this.paths,
      options: this.options,
      resumeStore: this.extras.resumeStore ?? this.context.resumeStore,
    });
  }

  /** The client (created on first use; InvalidInput for a malformed key). */
  get client(): DriveClient {
    if (this.closed) throw new ConnectorError('InvalidInput', 'This Google Drive connection was closed.');
    this.current ??= createDriveClient(this.options, this.context.credentials);
    return this.current;
  }

  /** The ID of the root folder: the folder set, else the Shared Drive's top, else My Drive. */
  get rootId(): string {
    return this.options.folderId ?? this.options.driveId ?? 'root';
  }

  /** Runs an API call, waiting out rate limits; errors mapped for `p`. */
  async call<T>(p: string, run: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await withDriveBackoff(run, this.extras.backoff ?? DRIVE_BACKOFF, signal);
    } catch (error) {
      throw signal?.aborted ? cancelledError(signal, p) : mapDriveError(error, p);
    }
  }

  /** Where listings look: the Shared Drive's corpus when set, else every drive the account reaches. */
  private scope(): DriveScope {
    return {
      supportsAllDrives: true,
      includeItemsFromAllDrives: true,
      ...(this.options.driveId === undefined
        ? { corpora: 'allDrives' }
        : { corpora: 'drive', driveId: this.options.driveId }),
    };
  }

  /** A Drive item as an entry at `p` (Drive's checksums are hex already). */
  private entryOf(file: DriveFile, p: string): Entry {
    const name = baseName(p);
    if (isFolder(file)) return { name, path: p, type: 'directory' };
    const hashes: Hashes = {
      ...(file.md5Checksum == null ? {} : { md5: file.md5Checksum }),
      ...(file.sha256Checksum == null ? {} : { sha256: file.sha256Checksum }),
    };
    const mtime = file.modifiedTime == null ? NaN : Date.parse(file.modifiedTime);
    return {
      name,
      path: p,
      type: 'file',
      ...(file.size == null ? {} : { size: Number(file.size) }),
      ...(Number.isNaN(mtime) ? {} : { mtimeMs: mtime }),
      hashes,
    };
  }

  async list(p: string, options: ListOptions = {}): Promise<ListPage> {
    const folderId = await this.paths.folderId(p, options.signal);
    const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE));
    const { data } = await this.call(
      p,
      () =>
        this.client.api.files.list(
          {
            ...this.scope(),
            q: `${quoted(folderId)} in parents and trashed = false`,
            orderBy: 'name',
            pageSize,
            ...(options.cursor === undefined ? {} : { pageToken: options.cursor }),
            fields: `nextPageToken, files(${FILE_FIELDS})`,
          },
          { signal: options.signal },
        ),
      options.signal,
    );
    throwIfAborted(options.signal, p);
    const files = data.files ?? [];
    if (
      files.length === 0 &&
      data.nextPageToken == null &&
      p !== '' &&
      !(await this.stillThere(folderId, p, options))
    ) {
      // A cached folder removed by someone else lists as empty: look it up again (NotFound when it is gone).
      this.paths.forget(p);
      return this.list(p, options);
    }
    const counts = await this.edgeCounts(
      folderId,
      files,
      options.cursor !== undefined,
      data.nextPageToken != null,
      p,
      options.signal,
    );
    const entries: Entry[] = [];
    const rejected: RejectedEntry[] = [];
    const byName = new Map<string, DriveFile[]>();
    for (const file of files) {
      let name = file.name ?? '';
      if (isGoogleApps(file) && !isFolder(file)) {
        const how = googleDocExport(file.mimeType ?? '', this.options.googleDocs);
        if (how.kind === 'skip') {
          rejected.push({ rawName: displayName(name), reason: how.reason });
          continue;
        }
        name += how.format.extension;
      }
      byName.set(name, [...(byName.get(name) ?? []), file]);
    }
    for (const [name, named] of byName) {
      const checked = checkEntryName(name);
      if (!checked.ok) {
        rejected.push(checked.rejected);
        continue;
      }
      const count = Math.max(named.length, counts.get(named[0]!.name ?? '') ?? 0);
      if (count > 1) {
        // Never merged: none of them is listed, so no transfer picks one at random.
        rejected.push({
          rawName: displayName(name),
          reason: `${count} items share this name in the folder (Drive allows it; rename the extra ones)`,
        });
        continue;
      }
      const file = named[0]!;
      const path = joinPath(p, name);
      if (isFolder(file)) this.paths.learn(path, file.id!);
      entries.push(this.entryOf(file, path));
    }
    return { entries, rejected, ...(data.nextPageToken == null ? {} : { cursor: data.nextPageToken }) };
  }

  /**
   * How many items carry the names at the edges of a page: a name held twice may straddle two pages, where
   * neither page alone shows the duplicate (one query per edge, only for paged listings).
   */
  private async edgeCounts(
    folderId: string,
    files: readonly DriveFile[],
    first: boolean,
    last: boolean,
    p: string,
    signal?: AbortSignal,
  ): Promise<Map<string, number>> {
    const edges = new Set<string>();
    if (first && files.length > 0) edges.add(files[0]!.name ?? '');
    if (last && files.length > 0) edges.add(files.at(-1)!.name ?? '');
    const counts = new Map<string, number>();
    for (const name of edges) counts.set(name, (await this.paths.named(folderId, name, p, signal)).length);
    return counts;
  }

  /** Whether a folder ID still names an untrashed folder. */
  private async stillThere(folderId: string, p: string, options: ListOptions): Promise<boolean> {
    try {
      const { data } = await this.call(
        p,
        () =>
          this.client.api.files.get(
            { fileId: folderId, fields: 'id,trashed', supportsAllDrives: true },
            { signal: options.signal },
          ),
        options.signal,
      );
      return data.trashed !== true;
    } catch (error) {
      if (isConnectorError(error, 'NotFound')) return false;
      throw error;
    }
  }

  async stat(p: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    if (p === '') return { name: '', path: '', type: 'directory' };
    return this.entryOf(await this.paths.resolve(p, options.signal), p);
  }

  /** The bytes of a file (a range of them), checked against Drive's MD5 and SHA-256 when read whole. */
  async read(p: string, options: ReadOptions = {}): Promise<Readable> {
    const file = await this.paths.resolve(p, options.signal);
    if (isFolder(file))
      throw new ConnectorError('InvalidInput', `A folder cannot be read as a file: ${p}`, { path: p });
    if (isGoogleApps(file)) return this.export(file, p, options);
    const size = Number(file.size ?? 0);
    const { offset, length } = checkedRange(p, options.range);
    if (offset > size) {
      throw new ConnectorError('InvalidInput', `Range starts outside the file (size ${size}): ${p}`, { path: p });
    }
    const end = length === undefined ? size : Math.min(size, offset + length);
    if (end <= offset) return Readable.from([]);
    const whole = offset === 0 && end === size;
    const response = await this.call(
      p,
      () =>
        this.client.api.files.get(
          { fileId: file.id!, alt: 'media', supportsAllDrives: true },
          {
            responseType: 'stream',
            rootUrl: this.client.rootUrl,
            signal: options.signal,
            ...(whole ? {} : { headers: { range: `bytes=${offset}-${end - 1}` } }),
          },
        ),
      options.signal,
    );
    const checks: DigestCheck[] = [];
    for (const [label, algorithm, stored] of [
      ['MD5', 'md5', file.md5Checksum],
      ['SHA-256', 'sha256', file.sha256Checksum],
    ] as const) {
      if (!whole || stored == null) continue;
      const digest = createHash(algorithm);
      checks.push({ label, update: (chunk) => digest.update(chunk), matches: () => digest.digest('hex') === stored });
    }
    return pipeObjectBody(response.data as unknown as Readable, {
      path: p,
      signal: options.signal,
      mapError: (error) => mapDriveError(error, p),
      checks,
    });
  }

  /** A Google Docs file exported in the configured format (whole only: exports have no ranges). */
  private async export(file: DriveFile, p: string, options: ReadOptions): Promise<Readable> {
    const how = googleDocExport(file.mimeType ?? '', this.options.googleDocs);
    if (how.kind === 'skip') throw new ConnectorError('Unsupported', `Not copied: ${how.reason}: ${p}`, { path: p });
    if (options.range !== undefined && (options.range.offset !== 0 || options.range.length !== undefined)) {
      throw new ConnectorError('Unsupported', `An exported Google Docs file is read whole: ${p}`, { path: p });
    }
    const response = await this.call(
      p,
      () =>
        this.client.api.files.export(
          { fileId: file.id!, mimeType: how.format.mimeType },
          { responseType: 'stream', signal: options.signal },
        ),
      options.signal,
    );
    return pipeObjectBody(response.data as unknown as Readable, {
      path: p,
      signal: options.signal,
      mapError: (error) => mapDriveError(error, p),
    });
  }

  async write(p: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    return this.writes.write(p, source, options);
  }

  /** Moves a file or an empty folder to Drive's trash (recoverable there for 30 days). */
  async remove(p: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const file = await this.paths.resolve(p, options.signal);
    if (isFolder(file)) {
      const { data } = await this.call(
        p,
        () =>
          this.client.api.files.list(
            {
              ...this.scope(),
              q: `${quoted(file.id!)} in parents and trashed = false`,
              pageSize: 1,
              fields: 'files(id)',
            },
            { signal: options.signal },
          ),
        options.signal,
      );
      if ((data.files ?? []).length > 0)
        throw new ConnectorError('Conflict', `The folder is not empty: ${p}`, { path: p });
    }
    await this.writes.trash(file.id!, p, options.signal);
    this.paths.forget(p);
  }

  /**
   * Moves and renames on the server (one metadata update: new name, new parent). A file already at `to` is moved to
   * the trash first, so the folder never shows two items of that name; a folder in the way is a Conflict.
   */
  async rename(from: string, to: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const signal = options.signal;
    const moving = await this.paths.resolve(from, signal);
    const fromParentId = await this.paths.folderId(parentPath(from), signal);
    const toParentId = await this.paths.ensureFolder(parentPath(to), signal);
    const existing = await this.paths.child(toParentId, to, signal);
    if (existing !== undefined && existing.id !== moving.id) {
      if (isFolder(existing) || isFolder(moving)) {
        throw new ConnectorError('Conflict', `Something is already at ${to}`, { path: to });
      }
      await this.writes.trash(existing.id!, to, signal);
    }
    await this.call(
      from,
      () =>
        this.client.api.files.update(
          {
            fileId: moving.id!,
            requestBody: { name: baseName(to) },
            ...(fromParentId === toParentId ? {} : { addParents: toParentId, removeParents: fromParentId }),
            fields: 'id',
            supportsAllDrives: true,
          },
          { signal },
        ),
      signal,
    );
    if (isFolder(moving)) {
      this.paths.forget(from);
      this.paths.forget(to);
    }
  }

  async mkdir(p: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    await this.paths.ensureFolder(p, options.signal);
  }

  /** Drive's own MD5 or SHA-256 of the file; never read back. */
  async hash(p: string, algorithm: HashAlgorithm, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const file = await this.paths.resolve(p, options.signal);
    const value = algorithm === 'md5' ? file.md5Checksum : algorithm === 'sha256' ? file.sha256Checksum : undefined;
    if (value == null) {
      throw new ConnectorError('Unsupported', `Google Drive keeps no ${algorithm} digest for ${p}.`, { path: p });
    }
    return value;
  }

  /** Drive's current start page token: changes after now are what `changesSince` reports. */
  async changeCursor(options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    return this.changes.cursor(options.signal);
  }

  /** New, changed, renamed and moved-in files under `folder` since the token, and trashed ones (drive-changes.ts). */
  async changesSince(folder: string, cursor: string, options: ChangesOptions = {}): Promise<ChangesResult> {
    return this.changes.since(folder, cursor, options);
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    return runDriveCheck(this, this.options, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.current = undefined;
    this.paths.clear();
    this.context.log?.('drive: closed');
  }
}
