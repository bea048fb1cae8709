import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { CRC32C, type Bucket, type FileMetadata, type Storage } from '@google-cloud/storage';
import { type GcsOptions } from '../../shared/connectors/gcs-descriptor';
import { type HashAlgorithm, type Hashes } from '../../shared/connectors/hash-algorithm';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type Capabilities, type Hasher } from '../capabilities';
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
import { MultiHasher } from '../hashing';
import { baseName, checkEntryName, normalizePath } from '../path-safety';
import { type ResumeStateStore } from '../resume-state-store';
import { destroyOnAbort } from '../stream-abort';
import { createGcsStorage, parseServiceAccount } from './gcs-client';
import { runGcsCheck } from './gcs-check';
import { resumableWrite } from './gcs-resumable-write';
import { mapGcsError } from './map-gcs-error';

/** What a GCS driver receives besides its options: where resumable sessions are remembered. */
export interface GcsDriverExtras {
  readonly resumeStore?: ResumeStateStore;
}

const MiB = 1024 * 1024;
const DEFAULT_PAGE_SIZE = 1000;

const hex = (base64: string | undefined): string | undefined =>
  base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString('hex');

/** Google Cloud Storage on @google-cloud/storage: a bucket, or a prefix in it, as the root. */
export class GcsDriver implements Driver, Hasher {
  readonly kind = 'gcs';
  readonly capabilities: Capabilities = {
    hashes: ['crc32c', 'md5'],
    rangedRead: true,
    resumableWrite: false,
    atomicWrite: true,
    rename: false,
    serverSideCopy: false,
    directories: 'prefixes',
    mtimePrecisionMs: null,
    maxObjectSize: 5 * 1024 * 1024 * MiB,
  };
  private readonly namePrefix: string;
  private current: { storage: Storage; bucket: Bucket } | undefined;
  private closed = false;

  constructor(
    private readonly options: GcsOptions,
    private readonly context: DriverContext = {},
    private readonly extras: GcsDriverExtras = {},
  ) {
    const prefix = normalizePath(options.prefix.replace(/^\/+/, ''));
    this.namePrefix = prefix === '' ? '' : `${prefix}/`;
  }

  /** The bucket handle (client created on first use; InvalidInput for a malformed key). */
  get bucket(): Bucket {
    if (this.closed) throw new ConnectorError('InvalidInput', 'This Cloud Storage connection was closed.');
    if (this.current === undefined) {
      const storage = createGcsStorage(this.options, parseServiceAccount(this.options.serviceAccountJson));
      this.current = { storage, bucket: storage.bucket(this.options.bucket) };
    }
    return this.current.bucket;
  }

  /** The object-name prefix of the root: '' or 'some/folder/'. */
  get rootPrefix(): string {
    return this.namePrefix;
  }

  private objectName(path: string): string {
    return this.namePrefix + path;
  }

  private folderPrefix(path: string): string {
    return path === '' ? this.namePrefix : `${this.namePrefix}${path}/`;
  }

  async list(path: string, options: ListOptions = {}): Promise<ListPage> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const prefix = this.folderPrefix(p);
    const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE));
    let response: { items?: FileMetadata[]; prefixes?: string[]; nextPageToken?: string };
    try {
      const [, , raw] = await this.bucket.getFiles({
        prefix,
        delimiter: '/',
        maxResults: pageSize,
        autoPaginate: false,
        ...(options.cursor === undefined ? {} : { pageToken: options.cursor }),
      });
      response = (raw ?? {}) as typeof response;
    } catch (error) {
      throw mapGcsError(error, p);
    }
    throwIfAborted(options.signal, p);
    const entries: Entry[] = [];
    const rejected: RejectedEntry[] = [];
    const add = (raw: string, make: (name: string) => Entry): void => {
      const checked = checkEntryName(raw);
      if (checked.ok) entries.push(make(checked.name));
      else rejected.push(checked.rejected);
    };
    let markerSeen = false;
    for (const folder of response.prefixes ?? []) {
      add(folder.slice(prefix.length, -1), (name) => ({
        name,
        path: p === '' ? name : `${p}/${name}`,
        type: 'directory',
      }));
    }
    for (const item of response.items ?? []) {
      const raw = (item.name ?? '').slice(prefix.length);
      if (raw === '') {
        markerSeen = true;
        continue;
      }
      add(raw, (name) => this.fileEntry(p === '' ? name : `${p}/${name}`, item));
    }
    if (p !== '' && options.cursor === undefined && entries.length === 0 && rejected.length === 0 && !markerSeen) {
      throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const cursor = response.nextPageToken;
    return { entries, rejected, ...(cursor === undefined ? {} : { cursor }) };
  }

  private fileEntry(path: string, metadata: FileMetadata): Entry {
    const hashes: { [A in HashAlgorithm]?: string } = {};
    if (metadata.md5Hash !== undefined) hashes.md5 = hex(metadata.md5Hash);
    if (metadata.crc32c !== undefined) hashes.crc32c = hex(metadata.crc32c);
    const updated = metadata.updated === undefined ? NaN : Date.parse(String(metadata.updated));
    return {
      name: baseName(path),
      path,
      type: 'file',
      size: Number(metadata.size ?? 0),
      ...(Number.isNaN(updated) ? {} : { mtimeMs: updated }),
      ...(Object.keys(hashes).length > 0 ? { hashes: hashes as Hashes } : {}),
    };
  }

  private async metadata(p: string): Promise<FileMetadata> {
    try {
      const [metadata] = await this.bucket.file(this.objectName(p)).getMetadata();
      return metadata;
    } catch (error) {
      throw mapGcsError(error, p);
    }
  }

  private async isFolder(p: string): Promise<boolean> {
    try {
      const [files] = await this.bucket.getFiles({ prefix: this.folderPrefix(p), maxResults: 1, autoPaginate: false });
      return files.length > 0;
    } catch (error) {
      throw mapGcsError(error, p);
    }
  }

  async stat(path: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    if (p === '') return { name: '', path: '', type: 'directory' };
    try {
      return this.fileEntry(p, await this.metadata(p));
    } catch (error) {
      if (!(error instanceof ConnectorError && error.code === 'NotFound')) throw error;
      if (await this.isFolder(p)) return { name: baseName(p), path: p, type: 'directory' };
      throw error;
    }
  }

  /**
   * Streams an object or a range of it, pinned to the generation seen first (a concurrent overwrite cannot mix
   * two versions). Whole reads are checked against the stored CRC32C and MD5 as they stream.
   */
  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const metadata = await this.metadata(p);
    const size = Number(metadata.size ?? 0);
    const range = options.range;
    if (range !== undefined) {
      if (!Number.isSafeInteger(range.offset) || range.offset < 0 || range.offset > size || (range.length ?? 0) < 0) {
        throw new ConnectorError('InvalidInput', `Range starts outside the file (size ${size}): ${p}`, { path: p });
      }
    }
    const start = range?.offset ?? 0;
    const end = range?.length === undefined ? size : Math.min(size, start + range.length);
    if (end <= start) return Readable.from([]);
    const file = this.bucket.file(this.objectName(p), { generation: Number(metadata.generation) });
    const whole = start === 0 && end === size;
    const body = file.createReadStream({
      ...(whole ? {} : { start, end: end - 1 }),
      // Ferry checks both digests below; the SDK's own check would only see one.
      validation: false,
      decompress: false,
    });
    const crc = whole ? new CRC32C() : undefined;
    const md5 = whole ? createHash('md5') : undefined;
    const out = new Transform({
      highWaterMark: MiB,
      transform(chunk: Buffer, _encoding, callback) {
        crc?.update(chunk);
        md5?.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        if (crc !== undefined && metadata.crc32c !== undefined && crc.toString() !== metadata.crc32c) {
          return callback(
            new ConnectorError('Integrity', `Downloaded bytes do not match the stored CRC32C: ${p}`, { path: p }),
          );
        }
        if (md5 !== undefined && metadata.md5Hash !== undefined && md5.digest('base64') !== metadata.md5Hash) {
          return callback(
            new ConnectorError('Integrity', `Downloaded bytes do not match the stored MD5: ${p}`, { path: p }),
          );
        }
        callback();
      },
    });
    body.on('error', (error) =>
      out.destroy(options.signal?.aborted ? cancelledError(options.signal, p) : mapGcsError(error, p)),
    );
    out.on('close', () => body.destroy());
    body.pipe(out);
    destroyOnAbort(out, options.signal, p);
    return out;
  }

  async write(path: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot write to the root folder itself.');
    if (options.offset !== undefined) {
      throw new ConnectorError('Unsupported', 'Objects cannot be appended to; resumable uploads resume instead.', {
        path: p,
      });
    }
    throwIfAborted(options.signal, p);
    const hasher = new MultiHasher(options.hashes ?? []);
    const threshold = this.options.simpleUploadThresholdMiB * MiB;
    const file = this.bucket.file(this.objectName(p));
    const detach = destroyOnAbort(source, options.signal, p);
    try {
      // Read ahead up to the threshold: a stream that ends there is sent in one request.
      const head: Buffer[] = [];
      let headBytes = 0;
      const iterator = source[Symbol.asyncIterator]();
      let ended = false;
      if (options.size === undefined || options.size <= threshold) {
        while (headBytes <= threshold) {
          const next = await iterator.next();
          if (next.done === true) {
            ended = true;
            break;
          }
          head.push(next.value as Buffer);
          headBytes += (next.value as Buffer).length;
        }
      }
      if (ended) {
        const body = Buffer.concat(head, headBytes);
        await this.simpleUpload(p, body, options);
        hasher.update(body);
      } else {
        async function* all(): AsyncGenerator<Buffer> {
          yield* head;
          for (;;) {
            const next = await iterator.next();
            if (next.done === true) return;
            yield next.value as Buffer;
          }
        }
        await resumableWrite(
          {
            file,
            bucket: this.options.bucket,
            path: p,
            chunkSize: this.options.chunkSizeMiB * MiB,
            size: options.size,
            resumeStore: this.extras.resumeStore ?? this.context.resumeStore,
            signal: options.signal,
          },
          Readable.from(all(), { objectMode: false }),
          hasher,
        );
      }
    } catch (error) {
      source.destroy();
      throw options.signal?.aborted ? cancelledError(options.signal, p) : mapGcsError(error, p);
    } finally {
      detach();
    }
    return { size: hasher.bytes, written: hasher.bytes, hashes: hasher.digest() };
  }

  /** One multipart request declaring the MD5 and CRC32C, which the service checks before storing. */
  private async simpleUpload(p: string, body: Buffer, options: WriteOptions): Promise<void> {
    if (options.size !== undefined && body.length !== options.size) {
      throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${body.length}: ${p}`, {
        path: p,
      });
    }
    throwIfAborted(options.signal, p);
    const md5Hash = createHash('md5').update(body).digest('base64');
    const crc32c = new CRC32C();
    crc32c.update(body);
    const file = this.bucket.file(this.objectName(p));
    await file.save(body, {
      resumable: false,
      validation: false,
      metadata: { md5Hash, crc32c: crc32c.toString() },
    });
    if (file.metadata.md5Hash !== undefined && file.metadata.md5Hash !== md5Hash) {
      throw new ConnectorError('Integrity', `The stored MD5 differs from what was sent: ${p}`, { path: p });
    }
  }

  async remove(path: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot remove the root folder.');
    throwIfAborted(options.signal, p);
    let name = this.objectName(p);
    try {
      await this.metadata(p);
    } catch (error) {
      if (!(error instanceof ConnectorError && error.code === 'NotFound')) throw error;
      const listing = await this.list(p, { pageSize: 2, signal: options.signal });
      if (listing.entries.length > 0 || listing.rejected.length > 0) {
        throw new ConnectorError('Conflict', `The folder is not empty: ${p}`, { path: p });
      }
      name = this.folderPrefix(p); // only the folder marker is left
    }
    try {
      await this.bucket.file(name).delete();
    } catch (error) {
      throw mapGcsError(error, p);
    }
  }

  async hash(path: string, algorithm: HashAlgorithm, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const metadata = await this.metadata(p);
    const value = algorithm === 'md5' ? metadata.md5Hash : algorithm === 'crc32c' ? metadata.crc32c : undefined;
    if (value === undefined) {
      // Composite objects have no MD5; other algorithms are not kept by the service.
      throw new ConnectorError('Unsupported', `Cloud Storage keeps no ${algorithm} digest for ${p}.`, { path: p });
    }
    return hex(value)!;
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    return runGcsCheck(this, this.options, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.current = undefined;
    this.context.log?.('gcs: closed');
  }
}
