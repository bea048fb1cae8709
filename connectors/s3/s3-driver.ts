import { createHash } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type S3Options } from '../../shared/connectors/s3-descriptor';
import { type HashAlgorithm, type Hashes } from '../../shared/connectors/hash-algorithm';
import { type Capabilities, type Copier, type Hasher } from '../capabilities';
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
import { hashReadable, MultiHasher } from '../hashing';
import { baseName, checkEntryName, normalizePath } from '../path-safety';
import { destroyOnAbort } from '../stream-abort';
import { mapS3Error, s3HttpStatus } from './map-s3-error';
import { PartBufferPool, partChunks } from '../part-chunker';
import { type ResumeStateStore, type UploadPartEvent } from '../resume-state-store';
import { createS3Client } from './s3-client';
import { runS3Check, type S3CheckReport } from './s3-check';
import { multipartUpload } from './s3-multipart-upload';
import { resolveS3Settings, type S3Settings } from './s3-provider-profiles';

/** What an S3 driver receives besides its options: resume state for multipart uploads, part events. */
export interface S3DriverExtras {
  /** Where interrupted multipart uploads are remembered so a later write of the same file continues them. */
  readonly resumeStore?: ResumeStateStore;
  /** Called for each part sent or skipped (already stored) by a multipart upload. */
  readonly onPart?: (event: UploadPartEvent) => void;
}

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;
const DEFAULT_PAGE_SIZE = 1000;
const MD5_HEX = /^[0-9a-f]{32}$/;

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '').toLowerCase();
const base64ToHex = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('hex');

/** Amazon S3 and S3-compatible stores on @aws-sdk/client-s3: a bucket, or a prefix in it, as the root. */
export class S3Driver implements Driver, Hasher, Copier {
  readonly kind = 's3';
  readonly capabilities: Capabilities = {
    hashes: ['md5'],
    rangedRead: true,
    resumableWrite: false,
    atomicWrite: true,
    rename: false,
    serverSideCopy: true,
    directories: 'prefixes',
    mtimePrecisionMs: null,
    maxObjectSize: 5 * 1024 * 1024 * MiB,
  };
  /** The effective settings after the provider profile (region, endpoint, addressing, compatible mode). */
  readonly settings: S3Settings;
  /** Key prefix of the root: '' or 'some/folder/'. */
  private readonly keyPrefix: string;
  private current: S3Client | undefined;
  private closed = false;

  constructor(
    private readonly options: S3Options,
    private readonly context: DriverContext = {},
    private readonly extras: S3DriverExtras = {},
  ) {
    this.settings = resolveS3Settings(options);
    const prefix = normalizePath(options.prefix.replace(/^\/+/, ''));
    this.keyPrefix = prefix === '' ? '' : `${prefix}/`;
  }

  /** The SDK client (created on first use). */
  get client(): S3Client {
    if (this.closed) throw new ConnectorError('InvalidInput', 'This S3 connection was closed.');
    this.current ??= createS3Client(this.options, this.settings);
    return this.current;
  }

  /** The bucket and the root's key prefix ('' or ending in '/'). */
  get location(): { readonly bucket: string; readonly keyPrefix: string } {
    return { bucket: this.options.bucket, keyPrefix: this.keyPrefix };
  }

  private key(path: string): string {
    return this.keyPrefix + path;
  }

  private folderPrefix(path: string): string {
    return path === '' ? this.keyPrefix : `${this.keyPrefix}${path}/`;
  }

  private get sse(): { readonly algorithm: 'AES256' | 'aws:kms'; readonly kmsKeyId?: string } | undefined {
    const mode = this.options.serverSideEncryption;
    if (mode === 'none') return undefined;
    return mode === 'aws:kms' && this.options.kmsKeyId
      ? { algorithm: mode, kmsKeyId: this.options.kmsKeyId }
      : { algorithm: mode };
  }

  async list(path: string, options: ListOptions = {}): Promise<ListPage> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const prefix = this.folderPrefix(p);
    const pageSize = Math.min(1000, Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE));
    const page = await this.client
      .send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          Delimiter: '/',
          MaxKeys: pageSize,
          ContinuationToken: options.cursor,
        }),
        { abortSignal: options.signal },
      )
      .catch((error: unknown) => {
        throw mapS3Error(error, p);
      });
    const entries: Entry[] = [];
    const rejected: RejectedEntry[] = [];
    const add = (raw: string, make: (name: string) => Entry): void => {
      const checked = checkEntryName(raw);
      if (checked.ok) entries.push(make(checked.name));
      else rejected.push(checked.rejected);
    };
    let markerSeen = false;
    for (const common of page.CommonPrefixes ?? []) {
      const raw = (common.Prefix ?? '').slice(prefix.length, -1);
      add(raw, (name) => ({ name, path: p === '' ? name : `${p}/${name}`, type: 'directory' }));
    }
    for (const object of page.Contents ?? []) {
      const raw = (object.Key ?? '').slice(prefix.length);
      // A zero-byte "folder/" marker made by consoles is the folder itself, not a child.
      if (raw === '') {
        markerSeen = true;
        continue;
      }
      add(raw, (name) => ({
        name,
        path: p === '' ? name : `${p}/${name}`,
        type: 'file',
        size: object.Size ?? 0,
        ...(object.LastModified === undefined ? {} : { mtimeMs: object.LastModified.getTime() }),
      }));
    }
    if (p !== '' && options.cursor === undefined && entries.length === 0 && rejected.length === 0 && !markerSeen) {
      throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const cursor = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    return { entries, rejected, ...(cursor === undefined ? {} : { cursor }) };
  }

  /** HeadObject, NotFound when absent. A bare 403 (HEAD has no body) is diagnosed with a listing call. */
  private async head(p: string, signal?: AbortSignal): Promise<HeadObjectCommandOutput> {
    try {
      return await this.client.send(
        new HeadObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(p),
          ...(this.settings.compatible ? {} : { ChecksumMode: 'ENABLED' as const }),
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      if (s3HttpStatus(error) === 403) await this.diagnoseForbidden(signal);
      throw mapS3Error(error, p);
    }
  }

  /** Throws the listing's error when it is an authentication failure (which names the wrong credential). */
  private async diagnoseForbidden(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.keyPrefix, MaxKeys: 1 }),
        { abortSignal: signal },
      );
    } catch (error) {
      const mapped = mapS3Error(error);
      if (mapped.code === 'AuthFailed') throw mapped;
    }
  }

  private async isFolder(p: string, signal?: AbortSignal): Promise<boolean> {
    if (p === '') return true;
    const page = await this.client
      .send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.folderPrefix(p), MaxKeys: 1 }), {
        abortSignal: signal,
      })
      .catch((error: unknown) => {
        throw mapS3Error(error, p);
      });
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
  }

  private hashesOf(head: HeadObjectCommandOutput): Hashes {
    const hashes: { [A in HashAlgorithm]?: string } = {};
    const etag = unquote(head.ETag);
    // SSE-KMS and SSE-C objects have ETags that are not their MD5.
    if (MD5_HEX.test(etag) && head.ServerSideEncryption !== 'aws:kms' && head.SSECustomerAlgorithm === undefined) {
      hashes.md5 = etag;
    }
    if (head.ChecksumType === 'FULL_OBJECT' || head.ChecksumType === undefined) {
      const crc32c = base64ToHex(head.ChecksumCRC32C);
      if (crc32c !== undefined && !head.ChecksumCRC32C!.includes('-')) hashes.crc32c = crc32c;
      const sha256 = base64ToHex(head.ChecksumSHA256);
      if (sha256 !== undefined && !head.ChecksumSHA256!.includes('-')) hashes.sha256 = sha256;
    }
    return hashes;
  }

  async stat(path: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    if (p === '') return { name: '', path: '', type: 'directory' };
    try {
      const head = await this.head(p, options.signal);
      const hashes = this.hashesOf(head);
      return {
        name: baseName(p),
        path: p,
        type: 'file',
        size: head.ContentLength ?? 0,
        ...(head.LastModified === undefined ? {} : { mtimeMs: head.LastModified.getTime() }),
        ...(Object.keys(hashes).length > 0 ? { hashes } : {}),
      };
    } catch (error) {
      if (!(error instanceof ConnectorError && error.code === 'NotFound')) throw error;
      if (await this.isFolder(p, options.signal)) return { name: baseName(p), path: p, type: 'directory' };
      throw error;
    }
  }

  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const range = options.range;
    if (range !== undefined) {
      if (!Number.isSafeInteger(range.offset) || range.offset < 0 || (range.length !== undefined && range.length < 0)) {
        throw new ConnectorError('InvalidInput', `Invalid range for ${p}`, { path: p });
      }
      if (range.length === 0) {
        await this.head(p, options.signal);
        return Readable.from([]);
      }
    }
    const header =
      range === undefined
        ? undefined
        : `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`;
    let body: Readable;
    try {
      const response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(p),
          Range: header,
          ...(this.settings.compatible || header !== undefined ? {} : { ChecksumMode: 'ENABLED' as const }),
        }),
        { abortSignal: options.signal },
      );
      body = response.Body as Readable;
    } catch (error) {
      const mapped = mapS3Error(error, p);
      // Reading from the very end is an empty read, which S3 answers with 416.
      if (range !== undefined && s3HttpStatus(error) === 416) {
        const head = await this.head(p, options.signal);
        if (head.ContentLength === range.offset) return Readable.from([]);
      }
      if (mapped.code === 'PermissionDenied') await this.diagnoseForbidden(options.signal);
      throw mapped;
    }
    const out = new PassThrough({ highWaterMark: MiB });
    body.on('error', (error) =>
      out.destroy(options.signal?.aborted ? cancelledError(options.signal, p) : mapS3Error(error, p)),
    );
    out.on('close', () => body.destroy());
    body.pipe(out);
    destroyOnAbort(out, options.signal, p);
    return out;
  }

  private partSize(size: number | undefined): number {
    const configured = this.options.partSizeMiB * MiB;
    if (size === undefined) return configured;
    return Math.max(configured, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  }

  async write(path: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot write to the root folder itself.');
    if (options.offset !== undefined) {
      throw new ConnectorError('Unsupported', 'S3 objects cannot be appended to; multipart uploads resume instead.', {
        path: p,
      });
    }
    throwIfAborted(options.signal, p);
    const hasher = new MultiHasher(options.hashes ?? []);
    const detach = destroyOnAbort(source, options.signal, p);
    const partSize = this.partSize(options.size);
    // Parts return to the pool when their request settled, so buffers are reused without overwriting one in flight.
    const pool = new PartBufferPool(partSize);
    const chunks = partChunks(source, pool);
    try {
      const first = await chunks.next();
      const firstPart = first.done === true ? Buffer.alloc(0) : first.value;
      const second = firstPart.length < partSize ? { done: true as const, value: undefined } : await chunks.next();
      if (second.done === true) {
        await this.putSingle(p, firstPart, options);
        hasher.update(firstPart);
      } else {
        const queued: Buffer[] = [firstPart, second.value];
        const iterator: AsyncIterator<Buffer> = {
          next: async () => {
            const value = queued.shift();
            return value === undefined ? chunks.next() : { done: false, value };
          },
        };
        await multipartUpload(
          {
            client: this.client,
            bucket: this.options.bucket,
            key: this.key(p),
            path: p,
            partSize,
            concurrency: this.options.uploadConcurrency,
            size: options.size,
            sse: this.sse,
            etagIsMd5: this.sse?.algorithm !== 'aws:kms',
            resumeStore: this.extras.resumeStore ?? this.context.resumeStore,
            onPart: this.extras.onPart,
            signal: options.signal,
            release: (part) => pool.release(part),
          },
          iterator,
          hasher,
        );
      }
    } catch (error) {
      source.destroy();
      throw options.signal?.aborted ? cancelledError(options.signal, p) : mapS3Error(error, p);
    } finally {
      detach();
    }
    // Every part/block and single upload carries Content-MD5, which the store checks: the whole MD5 is the stored one.
    const hashes = hasher.digest();
    return {
      size: hasher.bytes,
      written: hasher.bytes,
      hashes,
      ...(hashes.md5 !== undefined ? { stored: { md5: hashes.md5 } } : {}),
    };
  }

  /** One PutObject with Content-MD5 (the store verifies it) and the returned ETag checked against it. */
  private async putSingle(p: string, body: Buffer, options: WriteOptions): Promise<void> {
    if (options.size !== undefined && body.length !== options.size) {
      throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${body.length}: ${p}`, {
        path: p,
      });
    }
    throwIfAborted(options.signal, p);
    const md5 = createHash('md5').update(body).digest();
    const sse = this.sse;
    const result = await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.key(p),
        Body: body,
        ContentLength: body.length,
        ContentMD5: md5.toString('base64'),
        ServerSideEncryption: sse?.algorithm,
        SSEKMSKeyId: sse?.kmsKeyId,
      }),
      { abortSignal: options.signal },
    );
    const etag = unquote(result.ETag);
    if (sse?.algorithm !== 'aws:kms' && etag !== '' && etag !== md5.toString('hex')) {
      throw new ConnectorError('Integrity', `The store reports ETag ${etag}, not the MD5 of what was sent: ${p}`, {
        path: p,
      });
    }
  }

  async remove(path: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot remove the root folder.');
    throwIfAborted(options.signal, p);
    let target = this.key(p);
    try {
      await this.head(p, options.signal);
    } catch (error) {
      if (!(error instanceof ConnectorError && error.code === 'NotFound')) throw error;
      const listing = await this.list(p, { pageSize: 2, signal: options.signal });
      if (listing.entries.length > 0 || listing.rejected.length > 0) {
        throw new ConnectorError('Conflict', `The folder is not empty: ${p}`, { path: p });
      }
      target = this.folderPrefix(p); // only the folder marker is left
    }
    await this.client
      .send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: target }), { abortSignal: options.signal })
      .catch((error: unknown) => {
        throw mapS3Error(error, p);
      });
  }

  async copy(from: string, to: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const src = normalizePath(from);
    const dst = normalizePath(to);
    throwIfAborted(options.signal, src);
    const head = await this.head(src, options.signal);
    if ((head.ContentLength ?? 0) > 5 * 1024 * MiB) {
      throw new ConnectorError('Unsupported', `Server-side copy of objects over 5 GiB is not supported: ${src}`, {
        path: src,
      });
    }
    const sse = this.sse;
    await this.client
      .send(
        new CopyObjectCommand({
          Bucket: this.options.bucket,
          Key: this.key(dst),
          CopySource: `${this.options.bucket}/${encodeURIComponent(this.key(src)).replace(/%2F/g, '/')}`,
          ServerSideEncryption: sse?.algorithm,
          SSEKMSKeyId: sse?.kmsKeyId,
        }),
        { abortSignal: options.signal },
      )
      .catch((error: unknown) => {
        throw mapS3Error(error, src);
      });
  }

  async hash(path: string, algorithm: HashAlgorithm, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const p = normalizePath(path);
    if (algorithm !== 'md5') throw new ConnectorError('Unsupported', `S3 offers no ${algorithm} digest.`);
    const stored = this.hashesOf(await this.head(p, options.signal)).md5;
    if (stored !== undefined) return stored;
    // Multipart and KMS-encrypted objects: their ETag is not the MD5, so read and hash.
    const { hashes } = await hashReadable(await this.read(p, options), ['md5']);
    return hashes.md5!;
  }

  /** Diagnostics plus `iamPolicy`: the least-privilege policy for the configured bucket and prefix. */
  async check(options: CheckOptions = {}): Promise<S3CheckReport> {
    return runS3Check(this, this.options, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.current?.destroy();
    this.current = undefined;
    this.context.log?.('s3: closed');
  }
}
