import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CRC32C, type Bucket, type FileMetadata, type Storage } from '@google-cloud/storage';
import { type GcsOptions } from '../../shared/connectors/gcs-descriptor';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type Capabilities } from '../capabilities';
import { GCS_CAPABILITIES } from './gcs-capabilities';
import { ConnectorError, throwIfAborted } from '../connector-error';
import { type CheckOptions, type DriverContext, type ReadOptions } from '../driver';
import { type ObjectFacts, type ObjectPage } from '../object-store/object-page';
import {
  type ChunkedWrite,
  ObjectStoreDriver,
  type ObjectStoreExtras,
  type PageRequest,
} from '../object-store/object-store-driver';
import { parallelRangedRead, splitsRead } from '../object-store/parallel-ranged-read';
import { type DigestCheck, pipeObjectBody } from '../object-store/pipe-object-body';
import { parseGoogleServiceAccount } from '../google/google-service-account';
import { createGcsStorage } from './gcs-client';
import { runGcsCheck } from './gcs-check';
import { resumableWrite } from './gcs-resumable-write';
import { mapGcsError } from './map-gcs-error';

/** What a GCS driver receives besides its options: where resumable sessions are remembered, read splitting. */
export type GcsDriverExtras = Pick<ObjectStoreExtras, 'resumeStore' | 'rangedRead'>;

const MiB = 1024 * 1024;

const hex = (base64: string | undefined): string | undefined =>
  base64 === undefined ? undefined : Buffer.from(base64, 'base64').toString('hex');

/** Google Cloud Storage on @google-cloud/storage: a bucket, or a prefix in it, as the root. */
export class GcsDriver extends ObjectStoreDriver<FileMetadata> {
  readonly kind = 'gcs';
  readonly capabilities: Capabilities = GCS_CAPABILITIES;
  private current: { storage: Storage; bucket: Bucket } | undefined;

  constructor(
    private readonly options: GcsOptions,
    context: DriverContext = {},
    extras: GcsDriverExtras = {},
  ) {
    super(
      options.prefix,
      {
        label: 'Cloud Storage',
        maxPageSize: 1000,
        appendRefusal: 'Objects cannot be appended to; resumable uploads resume instead.',
        // The MD5 and CRC32C are checked, but against the object resource, not reported as stored digests.
        verifiesMd5OnWrite: false,
      },
      context,
      extras,
    );
  }

  /** The bucket handle (client created on first use; InvalidInput for a malformed key). */
  get bucket(): Bucket {
    if (this.closed) throw new ConnectorError('InvalidInput', 'This Cloud Storage connection was closed.');
    if (this.current === undefined) {
      const storage = createGcsStorage(
        this.options,
        parseGoogleServiceAccount(this.options.serviceAccountJson, 'project'),
      );
      this.current = { storage, bucket: storage.bucket(this.options.bucket) };
    }
    return this.current.bucket;
  }

  protected mapError(error: unknown, p: string): ConnectorError {
    return mapGcsError(error, p);
  }

  protected async listObjects(prefix: string, page: PageRequest, p: string): Promise<ObjectPage> {
    let response: { items?: FileMetadata[]; prefixes?: string[]; nextPageToken?: string };
    try {
      const [, , raw] = await this.bucket.getFiles({
        prefix,
        delimiter: '/',
        maxResults: page.pageSize,
        autoPaginate: false,
        ...(page.cursor === undefined ? {} : { pageToken: page.cursor }),
      });
      response = (raw ?? {}) as typeof response;
    } catch (error) {
      throw mapGcsError(error, p);
    }
    throwIfAborted(page.signal, p);
    return {
      folders: response.prefixes ?? [],
      objects: (response.items ?? []).map((item) => ({ name: item.name ?? '', ...this.factsOf(item) })),
      ...(response.nextPageToken === undefined ? {} : { cursor: response.nextPageToken }),
    };
  }

  protected factsOf(metadata: FileMetadata): ObjectFacts {
    const hashes: { [A in HashAlgorithm]?: string } = {};
    if (metadata.md5Hash !== undefined) hashes.md5 = hex(metadata.md5Hash);
    if (metadata.crc32c !== undefined) hashes.crc32c = hex(metadata.crc32c);
    const updated = metadata.updated === undefined ? NaN : Date.parse(String(metadata.updated));
    return {
      size: Number(metadata.size ?? 0),
      ...(Number.isNaN(updated) ? {} : { mtimeMs: updated }),
      hashes,
    };
  }

  protected async head(p: string): Promise<FileMetadata> {
    try {
      const [metadata] = await this.bucket.file(this.objectName(p)).getMetadata();
      return metadata;
    } catch (error) {
      throw mapGcsError(error, p);
    }
  }

  protected async hasObjectsUnder(prefix: string, p: string): Promise<boolean> {
    try {
      const [files] = await this.bucket.getFiles({ prefix, maxResults: 1, autoPaginate: false });
      return files.length > 0;
    } catch (error) {
      throw mapGcsError(error, p);
    }
  }

  protected async deleteObject(name: string, p: string): Promise<void> {
    try {
      await this.bucket.file(name).delete();
    } catch (error) {
      throw mapGcsError(error, p);
    }
  }

  /**
   * Streams an object or a range of it, pinned to the generation seen first (a concurrent overwrite cannot mix
   * two versions). Whole reads are checked against the stored CRC32C and MD5 as they stream. A read at or above the
   * cutoff is split into parallel ranged GETs (the size is known from the metadata read first); the digests are
   * still computed over the bytes in order.
   */
  async read(p: string, options: ReadOptions = {}): Promise<Readable> {
    const metadata = await this.head(p);
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
    // Ferry checks both digests below; the SDK's own check would only see one.
    const how = { validation: false, decompress: false } as const;
    const tuning = this.rangedRead;
    const body = splitsRead(end - start, tuning)
      ? parallelRangedRead({
          path: p,
          start,
          end,
          tuning,
          mapError: (error) => mapGcsError(error, p),
          signal: options.signal,
          getRange: async (offset, length) =>
            file.createReadStream({ ...how, start: offset, end: offset + length - 1 }),
        })
      : file.createReadStream({ ...how, ...(whole ? {} : { start, end: end - 1 }) });
    const checks: DigestCheck[] = [];
    if (whole && metadata.crc32c !== undefined) {
      const crc = new CRC32C();
      checks.push({
        label: 'CRC32C',
        update: (chunk) => crc.update(chunk),
        matches: () => crc.toString() === metadata.crc32c,
      });
    }
    if (whole && metadata.md5Hash !== undefined) {
      const md5 = createHash('md5');
      checks.push({
        label: 'MD5',
        update: (chunk) => md5.update(chunk),
        matches: () => md5.digest('base64') === metadata.md5Hash,
      });
    }
    return pipeObjectBody(body, {
      path: p,
      signal: options.signal,
      mapError: (error) => mapGcsError(error, p),
      checks,
    });
  }

  protected singleRequestLimit(): number {
    return this.options.simpleUploadThresholdMiB * MiB;
  }

  protected async putChunked(write: ChunkedWrite): Promise<void> {
    const { target, parts } = this.pooledUpload(write, { concurrency: 1, partSize: this.options.chunkSizeMiB * MiB });
    await resumableWrite(
      { ...target, file: this.bucket.file(this.objectName(write.path)), bucket: this.options.bucket },
      parts,
      write.hasher,
    );
  }

  /** One multipart request declaring the MD5 and CRC32C, which the service checks before storing. */
  protected async putWhole(p: string, body: Buffer): Promise<void> {
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

  /** The digest the service keeps (MD5 or CRC32C); never read back. */
  override async hash(p: string, algorithm: HashAlgorithm): Promise<string> {
    const metadata = await this.head(p);
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
