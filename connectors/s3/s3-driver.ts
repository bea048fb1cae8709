import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  type HeadObjectCommandOutput,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { type S3Options } from '../../shared/connectors/s3-descriptor';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
import { type Capabilities, type Copier } from '../capabilities';
import { S3_CAPABILITIES } from './s3-capabilities';
import { ConnectorError } from '../connector-error';
import { type CheckOptions, type DriverContext, type ReadOptions } from '../driver';
import { type ObjectFacts, type ObjectPage } from '../object-store/object-page';
import {
  type ChunkedWrite,
  ObjectStoreDriver,
  type ObjectStoreExtras,
  type PageRequest,
} from '../object-store/object-store-driver';
import { parallelRangedRead, splitsRead } from '../object-store/parallel-ranged-read';
import { pipeObjectBody } from '../object-store/pipe-object-body';
import { mapS3Error, s3HttpStatus } from './map-s3-error';
import { createS3Client } from './s3-client';
import { runS3Check, type S3CheckReport } from './s3-check';
import { multipartUpload } from './s3-multipart-upload';
import { resolveS3Settings, type S3Settings } from './s3-provider-profiles';
import { type WholeObjectChecksum, wholeObjectChecksum } from './s3-whole-object-checksum';

/** What an S3 driver receives besides its options: resume state for multipart uploads, part events. */
export type S3DriverExtras = ObjectStoreExtras;

const MiB = 1024 * 1024;
const MAX_PARTS = 10_000;
const MD5_HEX = /^[0-9a-f]{32}$/;

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '').toLowerCase();
const base64ToHex = (value: string | undefined): string | undefined =>
  value === undefined ? undefined : Buffer.from(value, 'base64').toString('hex');

/** Amazon S3 and S3-compatible stores on @aws-sdk/client-s3: a bucket, or a prefix in it, as the root. */
export class S3Driver extends ObjectStoreDriver<HeadObjectCommandOutput> implements Copier {
  readonly kind = 's3';
  readonly capabilities: Capabilities = S3_CAPABILITIES;
  /** The effective settings after the provider profile (region, endpoint, addressing, compatible mode). */
  readonly settings: S3Settings;
  private current: S3Client | undefined;

  constructor(
    private readonly options: S3Options,
    context: DriverContext = {},
    extras: S3DriverExtras = {},
  ) {
    super(
      options.prefix,
      {
        label: 'S3',
        maxPageSize: 1000,
        appendRefusal: 'S3 objects cannot be appended to; multipart uploads resume instead.',
        // Every part and single upload carries Content-MD5, which the store checks: the whole MD5 is the stored one.
        verifiesMd5OnWrite: true,
      },
      context,
      extras,
    );
    this.settings = resolveS3Settings(options);
  }

  /** The SDK client (created on first use). */
  get client(): S3Client {
    if (this.closed) throw new ConnectorError('InvalidInput', 'This S3 connection was closed.');
    this.current ??= createS3Client(this.options, this.settings);
    return this.current;
  }

  /** The bucket and the root's key prefix ('' or ending in '/'). */
  get location(): { readonly bucket: string; readonly keyPrefix: string } {
    return { bucket: this.options.bucket, keyPrefix: this.namePrefix };
  }

  private get sse(): { readonly algorithm: 'AES256' | 'aws:kms'; readonly kmsKeyId?: string } | undefined {
    const mode = this.options.serverSideEncryption;
    if (mode === 'none') return undefined;
    return mode === 'aws:kms' && this.options.kmsKeyId
      ? { algorithm: mode, kmsKeyId: this.options.kmsKeyId }
      : { algorithm: mode };
  }

  protected mapError(error: unknown, p: string): ConnectorError {
    return mapS3Error(error, p);
  }

  protected async listObjects(prefix: string, page: PageRequest, p: string): Promise<ObjectPage> {
    const listed = await this.client
      .send(
        new ListObjectsV2Command({
          Bucket: this.options.bucket,
          Prefix: prefix,
          Delimiter: '/',
          MaxKeys: page.pageSize,
          ContinuationToken: page.cursor,
        }),
        { abortSignal: page.signal },
      )
      .catch((error: unknown) => {
        throw mapS3Error(error, p);
      });
    return {
      folders: (listed.CommonPrefixes ?? []).map((common) => common.Prefix ?? ''),
      objects: (listed.Contents ?? []).map((object) => ({
        name: object.Key ?? '',
        size: object.Size ?? 0,
        ...(object.LastModified === undefined ? {} : { mtimeMs: object.LastModified.getTime() }),
      })),
      ...(listed.IsTruncated === true && listed.NextContinuationToken !== undefined
        ? { cursor: listed.NextContinuationToken }
        : {}),
    };
  }

  /** HeadObject, NotFound when absent. A bare 403 (HEAD has no body) is diagnosed with a listing call. */
  protected async head(p: string, signal?: AbortSignal): Promise<HeadObjectCommandOutput> {
    try {
      return await this.client.send(
        new HeadObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectName(p),
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
        new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: this.namePrefix, MaxKeys: 1 }),
        { abortSignal: signal },
      );
    } catch (error) {
      const mapped = mapS3Error(error);
      if (mapped.code === 'AuthFailed') throw mapped;
    }
  }

  protected async hasObjectsUnder(prefix: string, p: string, signal?: AbortSignal): Promise<boolean> {
    const page = await this.client
      .send(new ListObjectsV2Command({ Bucket: this.options.bucket, Prefix: prefix, MaxKeys: 1 }), {
        abortSignal: signal,
      })
      .catch((error: unknown) => {
        throw mapS3Error(error, p);
      });
    return (page.KeyCount ?? page.Contents?.length ?? 0) > 0;
  }

  protected factsOf(head: HeadObjectCommandOutput): ObjectFacts {
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
    return {
      size: head.ContentLength ?? 0,
      ...(head.LastModified === undefined ? {} : { mtimeMs: head.LastModified.getTime() }),
      hashes,
    };
  }

  protected async deleteObject(name: string, p: string, signal?: AbortSignal): Promise<void> {
    await this.client
      .send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: name }), { abortSignal: signal })
      .catch((error: unknown) => {
        throw mapS3Error(error, p);
      });
  }

  /**
   * Streams an object or a range. A large one (the first response's length at or above the cutoff) continues in
   * parallel ranged GETs pinned to that response's ETag: its first range comes from that response, so learning the
   * size costs no extra request. A full-object checksum the whole GET carried is then computed here over the bytes
   * in order, or, for CRC64NVME which only the SDK computes, the read stays the one GET the SDK checks.
   */
  async read(p: string, options: ReadOptions = {}): Promise<Readable> {
    const range = options.range;
    if (await this.emptyRange(p, range, options.signal)) return Readable.from([]);
    const header =
      range === undefined
        ? undefined
        : `bytes=${range.offset}-${range.length === undefined ? '' : range.offset + range.length - 1}`;
    const checksumMode = !this.settings.compatible && header === undefined;
    let response: GetObjectCommandOutput;
    try {
      response = await this.client.send(
        new GetObjectCommand({
          Bucket: this.options.bucket,
          Key: this.objectName(p),
          Range: header,
          ...(checksumMode ? { ChecksumMode: 'ENABLED' as const } : {}),
        }),
        { abortSignal: options.signal },
      );
    } catch (error) {
      const mapped = mapS3Error(error, p);
      // Reading from the very end is an empty read, which S3 answers with 416.
      if (s3HttpStatus(error) === 416 && (await this.emptyRange(p, range, options.signal, true))) {
        return Readable.from([]);
      }
      if (mapped.code === 'PermissionDenied') await this.diagnoseForbidden(options.signal);
      throw mapped;
    }
    const body = response.Body as Readable;
    const mapError = (error: unknown): ConnectorError => mapS3Error(error, p);
    const span = response.ContentLength;
    const tuning = this.rangedRead;
    const checksum: WholeObjectChecksum = checksumMode ? wholeObjectChecksum(response) : { kind: 'none' };
    if (span === undefined || !splitsRead(span, tuning) || checksum.kind === 'sdk-only') {
      return pipeObjectBody(body, { path: p, signal: options.signal, mapError });
    }
    const start = range?.offset ?? 0;
    const key = this.objectName(p);
    const parallel = parallelRangedRead({
      path: p,
      start,
      end: start + span,
      tuning,
      first: body,
      mapError,
      signal: options.signal,
      getRange: async (offset, length, signal) => {
        const part = await this.client.send(
          new GetObjectCommand({
            Bucket: this.options.bucket,
            Key: key,
            Range: `bytes=${offset}-${offset + length - 1}`,
            // A concurrent overwrite fails the read (Conflict) instead of mixing two versions.
            ...(response.ETag === undefined ? {} : { IfMatch: response.ETag }),
          }),
          { abortSignal: signal },
        );
        return part.Body as Readable;
      },
    });
    const checks = checksum.kind === 'digest' ? [checksum.check] : [];
    return pipeObjectBody(parallel, { path: p, signal: options.signal, mapError, checks });
  }

  protected singleRequestLimit(size: number | undefined): number {
    const configured = this.options.partSizeMiB * MiB;
    if (size === undefined) return configured;
    return Math.max(configured, Math.ceil(size / MAX_PARTS / MiB) * MiB);
  }

  protected async putChunked(write: ChunkedWrite): Promise<void> {
    const { target, parts } = this.pooledUpload(write, { concurrency: this.options.uploadConcurrency });
    const sse = this.sse;
    const key = this.objectName(write.path);
    const etagIsMd5 = sse?.algorithm !== 'aws:kms';
    await multipartUpload(
      { ...target, client: this.client, bucket: this.options.bucket, key, sse, etagIsMd5 },
      parts,
      write.hasher,
    );
  }

  /** One PutObject with Content-MD5 (the store verifies it) and the returned ETag checked against it. */
  protected async putWhole(p: string, body: Buffer, signal?: AbortSignal): Promise<void> {
    const md5 = createHash('md5').update(body).digest();
    const sse = this.sse;
    const result = await this.client.send(
      new PutObjectCommand({
        Bucket: this.options.bucket,
        Key: this.objectName(p),
        Body: body,
        ContentLength: body.length,
        ContentMD5: md5.toString('base64'),
        ServerSideEncryption: sse?.algorithm,
        SSEKMSKeyId: sse?.kmsKeyId,
      }),
      { abortSignal: signal },
    );
    const etag = unquote(result.ETag);
    if (sse?.algorithm !== 'aws:kms' && etag !== '' && etag !== md5.toString('hex')) {
      throw new ConnectorError('Integrity', `The store reports ETag ${etag}, not the MD5 of what was sent: ${p}`, {
        path: p,
      });
    }
  }

  async copy(src: string, dst: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
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
          Key: this.objectName(dst),
          CopySource: `${this.options.bucket}/${encodeURIComponent(this.objectName(src)).replace(/%2F/g, '/')}`,
          ServerSideEncryption: sse?.algorithm,
          SSEKMSKeyId: sse?.kmsKeyId,
        }),
        { abortSignal: options.signal },
      )
      .catch((error: unknown) => {
        throw mapS3Error(error, src);
      });
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
