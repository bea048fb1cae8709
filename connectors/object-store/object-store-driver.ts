import { type Readable } from 'node:stream';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type Capabilities, type Hasher } from '../capabilities';
import { cancelledError, ConnectorError, isConnectorError, throwIfAborted } from '../connector-error';
import {
  type ByteRange,
  type CheckOptions,
  type Driver,
  type DriverContext,
  type Entry,
  type ListOptions,
  type ListPage,
  type ReadOptions,
  type WriteOptions,
  type WriteResult,
} from '../driver';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { pooledParts } from '../chunked-upload/part-chunker';
import { hashReadable, MultiHasher } from '../hashing';
import { baseName } from '../path-safety';
import { type ResumeStateStore, type UploadPartEvent } from '../resume-state-store';
import { destroyOnAbort } from '../stream-abort';
import { fileEntry, type ObjectFacts, type ObjectPage, toListPage } from './object-page';
import { objectRootPrefix } from './object-root-prefix';
import { DEFAULT_RANGED_READ, type RangedReadTuning } from './parallel-ranged-read';
import { probeSource } from './probe-source';

/** What an object store's call was doing, for error mapping (a SAS lacking the matching permission...). */
export type StoreOperation = 'list' | 'read' | 'write' | 'delete';

/** What an object-store driver receives besides its options: resume state for chunked uploads, part events. */
export interface ObjectStoreExtras {
  /** Where interrupted chunked uploads are remembered so a later write of the same file continues them. */
  readonly resumeStore?: ResumeStateStore;
  /** Called for each part sent or skipped (already stored) by a chunked upload. */
  readonly onPart?: (event: UploadPartEvent) => void;
  /** When large reads split into parallel ranged GETs (tests and benchmarks lower the cutoff). */
  readonly rangedRead?: Partial<RangedReadTuning>;
}

/** The fixed traits of one kind of object store. */
export interface ObjectStoreTraits {
  /** The store's name in messages ('S3', 'Azure Blob'). */
  readonly label: string;
  /** Largest page the listing call accepts. */
  readonly maxPageSize: number;
  /** Why `write` refuses an offset (objects are replaced whole; chunked uploads resume instead). */
  readonly appendRefusal: string;
  /** Every request carries an MD5 the store verifies, so the whole file's MD5 is known stored after a write. */
  readonly verifiesMd5OnWrite: boolean;
}

/** The chunked path of a write: every byte of the stream (the probed ones first), and the part size to use. */
export interface ChunkedWrite {
  /** Connector path. */
  readonly path: string;
  readonly rest: AsyncIterable<Buffer>;
  /** Digests the caller asked for: feed it every byte. */
  readonly hasher: MultiHasher;
  /** The part size chosen for the announced size (the single-request limit). */
  readonly partSize: number;
  readonly size?: number;
  readonly signal?: AbortSignal;
}

/** One listing request: at most `pageSize` names, after the store's `cursor`. */
export interface PageRequest {
  readonly pageSize: number;
  readonly cursor?: string;
  readonly signal?: AbortSignal;
}

const DEFAULT_PAGE_SIZE = 1000;

/**
 * The part of S3, Azure Blob and Cloud Storage drivers that is the same for every object store: a bucket (or a
 * prefix in it) as the root, folders as key prefixes with optional zero-byte "folder/" markers, stat through a head
 * request falling back to the prefix, removal of a file or an empty folder's marker, and the write skeleton (one
 * request for a stream within one part, else the store's chunked upload; hashing while streaming; size checks;
 * error mapping). A store supplies its object API through the abstract members below. Paths arrive normalised, the
 * root refused for writes and removals, cancellation checked: the registry wraps every driver with guardDriver.
 */
export abstract class ObjectStoreDriver<Head> implements Driver, Hasher {
  abstract readonly kind: string;
  abstract readonly capabilities: Capabilities;
  /** Name prefix of the root: '' or 'some/folder/'. */
  protected readonly namePrefix: string;
  protected closed = false;

  protected constructor(
    prefix: string,
    private readonly traits: ObjectStoreTraits,
    protected readonly context: DriverContext,
    private readonly extras: ObjectStoreExtras,
  ) {
    this.namePrefix = objectRootPrefix(prefix);
  }

  /** When this driver's large reads split into parallel ranged GETs. */
  protected get rangedRead(): RangedReadTuning {
    return { ...DEFAULT_RANGED_READ, ...this.extras.rangedRead };
  }

  /** The object-name prefix of the root: '' or 'some/folder/'. */
  get rootPrefix(): string {
    return this.namePrefix;
  }

  /** The stored name of the object at connector path `p`. */
  protected objectName(p: string): string {
    return this.namePrefix + p;
  }

  /** The stored prefix of the folder at `p` (its marker's name). */
  protected folderPrefix(p: string): string {
    return p === '' ? this.namePrefix : `${this.namePrefix}${p}/`;
  }

  /**
   * The target fields every chunked upload shares (path, sizes, resume store, part events) and the write's bytes
   * cut into parts from reused buffers (`partSize` by default the write's).
   */
  protected pooledUpload(
    write: ChunkedWrite,
    how: { readonly concurrency: number; readonly partSize?: number },
  ): { readonly target: ChunkedUploadTarget; readonly parts: AsyncGenerator<Buffer> } {
    const partSize = how.partSize ?? write.partSize;
    const { parts, release } = pooledParts(write.rest, partSize);
    const target: ChunkedUploadTarget = {
      path: write.path,
      partSize,
      concurrency: how.concurrency,
      size: write.size,
      signal: write.signal,
      release,
      resumeStore: this.extras.resumeStore ?? this.context.resumeStore,
      onPart: this.extras.onPart,
    };
    return { target, parts };
  }

  /** One page of names directly under `prefix` (delimiter '/'); errors mapped. */
  protected abstract listObjects(prefix: string, page: PageRequest, p: string): Promise<ObjectPage>;
  /** The object's metadata; NotFound when absent. */
  protected abstract head(p: string, signal?: AbortSignal): Promise<Head>;
  /** Size, time and stored digests from a head response. */
  protected abstract factsOf(head: Head): ObjectFacts;
  /** Whether any object's name starts with `prefix` (a folder without a marker). */
  protected abstract hasObjectsUnder(prefix: string, p: string, signal?: AbortSignal): Promise<boolean>;
  /** Deletes one object by stored name. */
  protected abstract deleteObject(name: string, p: string, signal?: AbortSignal): Promise<void>;
  /** Largest stream sent in one request, for a write announcing `size` (the chunked upload's part size). */
  protected abstract singleRequestLimit(size: number | undefined): number;
  /** Stores a whole small file in one request the store verifies. */
  protected abstract putWhole(p: string, body: Buffer, signal?: AbortSignal): Promise<void>;
  /** Stores a larger stream with the store's chunked upload, feeding `hasher` every byte. */
  protected abstract putChunked(write: ChunkedWrite): Promise<void>;
  /** The store's SDK error as a ConnectorError. */
  protected abstract mapError(error: unknown, p: string, operation: StoreOperation): ConnectorError;

  abstract read(path: string, options?: ReadOptions): Promise<Readable>;
  abstract check(options?: CheckOptions): Promise<CheckReport>;
  abstract close(): Promise<void>;

  async list(p: string, options: ListOptions = {}): Promise<ListPage> {
    const prefix = this.folderPrefix(p);
    const pageSize = Math.min(this.traits.maxPageSize, Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE));
    const page = await this.listObjects(prefix, { pageSize, cursor: options.cursor, signal: options.signal }, p);
    return toListPage(p, prefix, page, options.cursor === undefined);
  }

  async stat(p: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    if (p === '') return { name: '', path: '', type: 'directory' };
    try {
      return fileEntry(p, baseName(p), this.factsOf(await this.head(p, options.signal)));
    } catch (error) {
      if (!isConnectorError(error, 'NotFound')) throw error;
      if (await this.hasObjectsUnder(this.folderPrefix(p), p, options.signal)) {
        return { name: baseName(p), path: p, type: 'directory' };
      }
      throw error;
    }
  }

  async write(p: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    if (options.offset !== undefined) throw new ConnectorError('Unsupported', this.traits.appendRefusal, { path: p });
    const hasher = new MultiHasher(options.hashes ?? []);
    const detach = destroyOnAbort(source, options.signal, p);
    const partSize = this.singleRequestLimit(options.size);
    try {
      const probed = await probeSource(source, partSize);
      if (probed.kind === 'whole') {
        const body = probed.body;
        if (options.size !== undefined && body.length !== options.size) {
          throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${body.length}: ${p}`, {
            path: p,
          });
        }
        throwIfAborted(options.signal, p);
        await this.putWhole(p, body, options.signal);
        hasher.update(body);
      } else {
        const { size, signal } = options;
        await this.putChunked({ path: p, rest: probed.rest, hasher, partSize, size, signal });
      }
    } catch (error) {
      source.destroy();
      throw options.signal?.aborted ? cancelledError(options.signal, p) : this.mapError(error, p, 'write');
    } finally {
      detach();
    }
    const hashes = hasher.digest();
    return {
      size: hasher.bytes,
      written: hasher.bytes,
      hashes,
      ...(this.traits.verifiesMd5OnWrite && hashes.md5 !== undefined ? { stored: { md5: hashes.md5 } } : {}),
    };
  }

  async remove(p: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    let name = this.objectName(p);
    try {
      await this.head(p, options.signal);
    } catch (error) {
      if (!isConnectorError(error, 'NotFound')) throw error;
      const listing = await this.list(p, { pageSize: 2, signal: options.signal });
      if (listing.entries.length > 0 || listing.rejected.length > 0) {
        throw new ConnectorError('Conflict', `The folder is not empty: ${p}`, { path: p });
      }
      name = this.folderPrefix(p); // only the folder marker is left
    }
    await this.deleteObject(name, p, options.signal);
  }

  /** The stored MD5, or the MD5 of the bytes read when the store keeps none (multipart, other tools' uploads). */
  async hash(p: string, algorithm: HashAlgorithm, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    if (algorithm !== 'md5')
      throw new ConnectorError('Unsupported', `${this.traits.label} offers no ${algorithm} digest.`);
    const stored = this.factsOf(await this.head(p, options.signal)).hashes?.md5;
    if (stored !== undefined) return stored;
    const { hashes } = await hashReadable(await this.read(p, options), ['md5']);
    return hashes.md5!;
  }

  /**
   * Checks a read's range. True when nothing is to be read: a zero-length range of an existing object, or (after
   * the store refused the range with 416) a range starting exactly at the end.
   */
  protected async emptyRange(
    p: string,
    range: ByteRange | undefined,
    signal: AbortSignal | undefined,
    refused = false,
  ): Promise<boolean> {
    if (range === undefined) return false;
    if (refused) return this.factsOf(await this.head(p, signal)).size === range.offset;
    if (!Number.isSafeInteger(range.offset) || range.offset < 0 || (range.length !== undefined && range.length < 0)) {
      throw new ConnectorError('InvalidInput', `Invalid range for ${p}`, { path: p });
    }
    if (range.length !== 0) return false;
    await this.head(p, signal);
    return true;
  }
}
