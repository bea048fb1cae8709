import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  type BlobGetPropertiesResponse,
  type ContainerClient,
  type ContainerListBlobHierarchySegmentResponse,
} from '@azure/storage-blob';
import { type AzureBlobOptions } from '../../shared/connectors/azure-blob-descriptor';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type Capabilities } from '../capabilities';
import { AZURE_BLOB_CAPABILITIES, MAX_BLOCK, MAX_BLOCKS } from './azure-blob-capabilities';
import { ConnectorError } from '../connector-error';
import { type CheckOptions, type DriverContext, type ReadOptions } from '../driver';
import { type ObjectFacts, type ObjectPage } from '../object-store/object-page';
import {
  type ChunkedWrite,
  ObjectStoreDriver,
  type ObjectStoreExtras,
  type PageRequest,
  type StoreOperation,
} from '../object-store/object-store-driver';
import { parallelRangedRead, splitsRead } from '../object-store/parallel-ranged-read';
import { type DigestCheck, pipeObjectBody } from '../object-store/pipe-object-body';
import { runAzureCheck } from './azure-blob-check';
import { createAzureContainer, type AzureContainer } from './azure-container-client';
import { azureHttpStatus, mapAzureError } from './map-azure-error';
import { type SasInfo } from './sas-token';
import { stagedBlockUpload } from './staged-block-upload';

/** What an Azure Blob driver receives besides its options: resume state for staged uploads, block events. */
export type AzureBlobDriverExtras = ObjectStoreExtras;

const MiB = 1024 * 1024;

/** A Content-MD5 as the SDK returns it (absent or empty when the blob has none), in hex. */
const md5Hex = (md5: Uint8Array | undefined): string | undefined =>
  md5 === undefined || md5.length === 0 ? undefined : Buffer.from(md5).toString('hex');

/** Azure Blob Storage on @azure/storage-blob: a container, or a prefix in it, as the root. */
export class AzureBlobDriver extends ObjectStoreDriver<BlobGetPropertiesResponse> {
  readonly kind = 'azure-blob';
  readonly capabilities: Capabilities = AZURE_BLOB_CAPABILITIES;
  private current: AzureContainer | undefined;

  constructor(
    private readonly options: AzureBlobOptions,
    context: DriverContext = {},
    extras: AzureBlobDriverExtras = {},
  ) {
    super(
      options.prefix,
      {
        label: 'Azure Blob',
        maxPageSize: 5000,
        appendRefusal: 'Blobs cannot be appended to here; staged uploads resume instead.',
        // Every block and single upload carries a transactional MD5, which the service checks: the whole MD5 is stored.
        verifiesMd5OnWrite: true,
      },
      context,
      extras,
    );
  }

  /** The container client and the parsed SAS (created on first use; InvalidInput for incomplete options). */
  get container(): AzureContainer {
    if (this.closed) throw new ConnectorError('InvalidInput', 'This Azure Blob connection was closed.');
    this.current ??= createAzureContainer(this.options);
    return this.current;
  }

  private get client(): ContainerClient {
    return this.container.client;
  }

  /** When the SAS stops working (from its `se` field), so the app can warn before; undefined without a SAS expiry. */
  get sasExpiresAt(): Date | undefined {
    return this.container.sas?.expiresAt;
  }

  /** The parsed SAS, when signing in with one. */
  get sas(): SasInfo | undefined {
    return this.container.sas;
  }

  /** Maps an SDK error, telling an expired SAS apart from a wrong one. */
  protected mapError(error: unknown, p: string, operation: StoreOperation): ConnectorError {
    return mapAzureError(error, p, operation, this.current?.sas);
  }

  protected async listObjects(prefix: string, page: PageRequest, p: string): Promise<ObjectPage> {
    let segment: ContainerListBlobHierarchySegmentResponse | undefined;
    try {
      const pages = this.client.listBlobsByHierarchy('/', { prefix, abortSignal: page.signal }).byPage({
        maxPageSize: page.pageSize,
        ...(page.cursor === undefined ? {} : { continuationToken: page.cursor }),
      });
      segment = (await pages.next()).value;
    } catch (error) {
      throw this.mapError(error, p, 'list');
    }
    return {
      folders: (segment?.segment.blobPrefixes ?? []).map((item) => item.name),
      objects: (segment?.segment.blobItems ?? []).map((item) => {
        const md5 = md5Hex(item.properties.contentMD5);
        return {
          name: item.name,
          size: item.properties.contentLength ?? 0,
          mtimeMs: item.properties.lastModified.getTime(),
          ...(md5 === undefined ? {} : { hashes: { md5 } }),
        };
      }),
      ...(segment?.continuationToken ? { cursor: segment.continuationToken } : {}),
    };
  }

  protected async head(p: string, signal?: AbortSignal): Promise<BlobGetPropertiesResponse> {
    try {
      return await this.client.getBlobClient(this.objectName(p)).getProperties({ abortSignal: signal });
    } catch (error) {
      throw this.mapError(error, p, 'read');
    }
  }

  protected factsOf(props: BlobGetPropertiesResponse): ObjectFacts {
    const md5 = md5Hex(props.contentMD5);
    return {
      size: props.contentLength ?? 0,
      ...(props.lastModified === undefined ? {} : { mtimeMs: props.lastModified.getTime() }),
      ...(md5 === undefined ? {} : { hashes: { md5 } }),
    };
  }

  protected async hasObjectsUnder(prefix: string, p: string, signal?: AbortSignal): Promise<boolean> {
    try {
      const page = await this.client.listBlobsFlat({ prefix, abortSignal: signal }).byPage({ maxPageSize: 1 }).next();
      return (page.value?.segment.blobItems.length ?? 0) > 0;
    } catch (error) {
      throw this.mapError(error, p, 'list');
    }
  }

  protected async deleteObject(name: string, p: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.getBlobClient(name).delete({ abortSignal: signal });
    } catch (error) {
      throw this.mapError(error, p, 'delete');
    }
  }

  /**
   * Streams a blob or a range. A whole-blob read is checked against the blob's stored Content-MD5 as it streams:
   * a mismatch ends the stream with Integrity instead of a clean end. A large read (the first response's length at
   * or above the cutoff) continues in parallel ranged GETs pinned to that response's ETag, its first range taken
   * from that response (no extra request to learn the size); the MD5 is still computed over the bytes in order.
   */
  async read(p: string, options: ReadOptions = {}): Promise<Readable> {
    const range = options.range;
    if (await this.emptyRange(p, range, options.signal)) return Readable.from([]);
    const blob = this.client.getBlobClient(this.objectName(p));
    let response;
    try {
      response = await blob.download(range?.offset ?? 0, range?.length, { abortSignal: options.signal });
    } catch (error) {
      if (azureHttpStatus(error) === 416 && (await this.emptyRange(p, range, options.signal, true))) {
        return Readable.from([]);
      }
      throw this.mapError(error, p, 'read');
    }
    const first = response.readableStreamBody as Readable | undefined;
    if (first === undefined) throw new ConnectorError('Retryable', `The service sent no body: ${p}`, { path: p });
    const expectedMd5 =
      range === undefined ? (md5Hex(response.contentMD5) ?? md5Hex(response.blobContentMD5)) : undefined;
    const md5 = createHash('md5');
    const checks: readonly DigestCheck[] =
      expectedMd5 === undefined
        ? []
        : [{ label: 'MD5', update: (chunk) => md5.update(chunk), matches: () => md5.digest('hex') === expectedMd5 }];
    const mapError = (error: unknown): ConnectorError => this.mapError(error, p, 'read');
    const span = response.contentLength;
    const tuning = this.rangedRead;
    let body = first;
    if (span !== undefined && splitsRead(span, tuning)) {
      const start = range?.offset ?? 0;
      const etag = response.etag;
      body = parallelRangedRead({
        path: p,
        start,
        end: start + span,
        tuning,
        first,
        mapError,
        signal: options.signal,
        getRange: async (offset, length, signal) => {
          // A concurrent overwrite fails the read (Conflict) instead of mixing two versions.
          const part = await blob.download(offset, length, {
            abortSignal: signal,
            ...(etag === undefined ? {} : { conditions: { ifMatch: etag } }),
          });
          const partBody = part.readableStreamBody as Readable | undefined;
          if (partBody === undefined) throw new ConnectorError('Retryable', `The service sent no body: ${p}`);
          return partBody;
        },
      });
    }
    return pipeObjectBody(body, { path: p, signal: options.signal, mapError, checks });
  }

  protected singleRequestLimit(size: number | undefined): number {
    const configured = this.options.blockSizeMiB * MiB;
    if (size === undefined) return configured;
    return Math.min(MAX_BLOCK, Math.max(configured, Math.ceil(size / MAX_BLOCKS / MiB) * MiB));
  }

  /** One Put Blob whose Content-MD5 the service verifies and keeps as the blob's MD5 for later reads. */
  protected async putWhole(p: string, body: Buffer, signal?: AbortSignal): Promise<void> {
    const md5 = createHash('md5').update(body).digest();
    await this.client.getBlockBlobClient(this.objectName(p)).upload(body, body.length, {
      transactionalContentMD5: md5,
      blobHTTPHeaders: { blobContentMD5: md5 },
      abortSignal: signal,
    });
  }

  protected async putChunked(write: ChunkedWrite): Promise<void> {
    const { target, parts } = this.pooledUpload(write, { concurrency: this.options.uploadConcurrency });
    const name = this.objectName(write.path);
    const blob = this.client.getBlockBlobClient(name);
    const container = this.client.containerName;
    await stagedBlockUpload({ ...target, blob, container, name, sas: this.container.sas }, parts, write.hasher);
  }

  async check(options: CheckOptions = {}): Promise<CheckReport> {
    return runAzureCheck(this, options);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.current = undefined;
    this.context.log?.('azure-blob: closed');
  }
}
