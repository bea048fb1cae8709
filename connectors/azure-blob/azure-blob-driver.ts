import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { type BlobGetPropertiesResponse, type ContainerClient } from '@azure/storage-blob';
import { type AzureBlobOptions } from '../../shared/connectors/azure-blob-descriptor';
import { type HashAlgorithm } from '../../shared/connectors/hash-algorithm';
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
import { hashReadable, MultiHasher } from '../hashing';
import { baseName, checkEntryName, normalizePath } from '../path-safety';
import { PartBufferPool, partChunks } from '../part-chunker';
import { type ResumeStateStore, type UploadPartEvent } from '../resume-state-store';
import { destroyOnAbort } from '../stream-abort';
import { type CheckReport } from '../../shared/connectors/check-report';
import { runAzureCheck } from './azure-blob-check';
import { createAzureContainer, type AzureContainer } from './azure-container-client';
import { azureHttpStatus, type AzureOperation, mapAzureError } from './map-azure-error';
import { type SasInfo } from './sas-token';
import { stagedBlockUpload } from './staged-block-upload';

/** What an Azure Blob driver receives besides its options: resume state for staged uploads, block events. */
export interface AzureBlobDriverExtras {
  readonly resumeStore?: ResumeStateStore;
  readonly onPart?: (event: UploadPartEvent) => void;
}

const MiB = 1024 * 1024;
const MAX_BLOCKS = 50_000;
const MAX_BLOCK = 4000 * MiB;
const DEFAULT_PAGE_SIZE = 1000;

/** Azure Blob Storage on @azure/storage-blob: a container, or a prefix in it, as the root. */
export class AzureBlobDriver implements Driver, Hasher {
  readonly kind = 'azure-blob';
  readonly capabilities: Capabilities = {
    hashes: ['md5'],
    rangedRead: true,
    resumableWrite: false,
    atomicWrite: true,
    rename: false,
    serverSideCopy: false,
    directories: 'prefixes',
    mtimePrecisionMs: null,
    maxObjectSize: MAX_BLOCKS * MAX_BLOCK,
  };
  private readonly namePrefix: string;
  private current: AzureContainer | undefined;
  private closed = false;

  constructor(
    private readonly options: AzureBlobOptions,
    private readonly context: DriverContext = {},
    private readonly extras: AzureBlobDriverExtras = {},
  ) {
    const prefix = normalizePath(options.prefix.replace(/^\/+/, ''));
    this.namePrefix = prefix === '' ? '' : `${prefix}/`;
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

  /** The blob-name prefix of the root: '' or 'some/folder/'. */
  get rootPrefix(): string {
    return this.namePrefix;
  }

  /** Maps an SDK error, telling an expired SAS apart from a wrong one. */
  private mapError(error: unknown, p: string, operation: AzureOperation): ConnectorError {
    return mapAzureError(error, p, operation, this.current?.sas);
  }

  private blobName(path: string): string {
    return this.namePrefix + path;
  }

  private folderPrefix(path: string): string {
    return path === '' ? this.namePrefix : `${this.namePrefix}${path}/`;
  }

  async list(path: string, options: ListOptions = {}): Promise<ListPage> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const prefix = this.folderPrefix(p);
    const pageSize = Math.min(5000, Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE));
    let segment;
    try {
      const pages = this.client.listBlobsByHierarchy('/', { prefix, abortSignal: options.signal }).byPage({
        maxPageSize: pageSize,
        ...(options.cursor === undefined ? {} : { continuationToken: options.cursor }),
      });
      segment = (await pages.next()).value;
    } catch (error) {
      throw this.mapError(error, p, 'list');
    }
    const entries: Entry[] = [];
    const rejected: RejectedEntry[] = [];
    const add = (raw: string, make: (name: string) => Entry): void => {
      const checked = checkEntryName(raw);
      if (checked.ok) entries.push(make(checked.name));
      else rejected.push(checked.rejected);
    };
    let markerSeen = false;
    for (const item of segment?.segment.blobPrefixes ?? []) {
      add(item.name.slice(prefix.length, -1), (name) => ({
        name,
        path: p === '' ? name : `${p}/${name}`,
        type: 'directory',
      }));
    }
    for (const item of segment?.segment.blobItems ?? []) {
      const raw = item.name.slice(prefix.length);
      if (raw === '') {
        markerSeen = true;
        continue;
      }
      add(raw, (name) => ({
        name,
        path: p === '' ? name : `${p}/${name}`,
        type: 'file',
        size: item.properties.contentLength ?? 0,
        mtimeMs: item.properties.lastModified.getTime(),
        ...(item.properties.contentMD5 === undefined || item.properties.contentMD5.length === 0
          ? {}
          : { hashes: { md5: Buffer.from(item.properties.contentMD5).toString('hex') } }),
      }));
    }
    if (p !== '' && options.cursor === undefined && entries.length === 0 && rejected.length === 0 && !markerSeen) {
      throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const cursor = segment?.continuationToken ? segment.continuationToken : undefined;
    return { entries, rejected, ...(cursor === undefined ? {} : { cursor }) };
  }

  private async properties(p: string, signal?: AbortSignal): Promise<BlobGetPropertiesResponse> {
    try {
      return await this.client.getBlobClient(this.blobName(p)).getProperties({ abortSignal: signal });
    } catch (error) {
      throw this.mapError(error, p, 'read');
    }
  }

  private async isFolder(p: string, signal?: AbortSignal): Promise<boolean> {
    if (p === '') return true;
    try {
      const page = await this.client
        .listBlobsFlat({ prefix: this.folderPrefix(p), abortSignal: signal })
        .byPage({ maxPageSize: 1 })
        .next();
      return (page.value?.segment.blobItems.length ?? 0) > 0;
    } catch (error) {
      throw this.mapError(error, p, 'list');
    }
  }

  async stat(path: string, options: { readonly signal?: AbortSignal } = {}): Promise<Entry> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    if (p === '') return { name: '', path: '', type: 'directory' };
    try {
      const props = await this.properties(p, options.signal);
      return {
        name: baseName(p),
        path: p,
        type: 'file',
        size: props.contentLength ?? 0,
        ...(props.lastModified === undefined ? {} : { mtimeMs: props.lastModified.getTime() }),
        ...(props.contentMD5 === undefined || props.contentMD5.length === 0
          ? {}
          : { hashes: { md5: Buffer.from(props.contentMD5).toString('hex') } }),
      };
    } catch (error) {
      if (!(error instanceof ConnectorError && error.code === 'NotFound')) throw error;
      if (await this.isFolder(p, options.signal)) return { name: baseName(p), path: p, type: 'directory' };
      throw error;
    }
  }

  /**
   * Streams a blob or a range. A whole-blob read is checked against the blob's stored Content-MD5 as it streams:
   * a mismatch ends the stream with Integrity instead of a clean end.
   */
  async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const p = normalizePath(path);
    throwIfAborted(options.signal, p);
    const range = options.range;
    if (range !== undefined) {
      if (!Number.isSafeInteger(range.offset) || range.offset < 0 || (range.length !== undefined && range.length < 0)) {
        throw new ConnectorError('InvalidInput', `Invalid range for ${p}`, { path: p });
      }
      if (range.length === 0) {
        await this.properties(p, options.signal);
        return Readable.from([]);
      }
    }
    const blob = this.client.getBlobClient(this.blobName(p));
    let response;
    try {
      response = await blob.download(range?.offset ?? 0, range?.length, { abortSignal: options.signal });
    } catch (error) {
      if (range !== undefined && azureHttpStatus(error) === 416) {
        const props = await this.properties(p, options.signal);
        if (props.contentLength === range.offset) return Readable.from([]);
      }
      throw this.mapError(error, p, 'read');
    }
    const body = response.readableStreamBody as Readable | undefined;
    if (body === undefined) throw new ConnectorError('Retryable', `The service sent no body: ${p}`, { path: p });
    const expectedMd5 =
      range === undefined && response.contentMD5 !== undefined && response.contentMD5.length > 0
        ? Buffer.from(response.contentMD5).toString('hex')
        : range === undefined && response.blobContentMD5 !== undefined && response.blobContentMD5.length > 0
          ? Buffer.from(response.blobContentMD5).toString('hex')
          : undefined;
    const md5 = expectedMd5 === undefined ? undefined : createHash('md5');
    const out = new Transform({
      highWaterMark: MiB,
      transform(chunk: Buffer, _encoding, callback) {
        md5?.update(chunk);
        callback(null, chunk);
      },
      flush(callback) {
        const got = md5?.digest('hex');
        if (got !== undefined && got !== expectedMd5) {
          callback(new ConnectorError('Integrity', `Downloaded bytes do not match the stored MD5: ${p}`, { path: p }));
        } else callback();
      },
    });
    body.on('error', (error) =>
      out.destroy(options.signal?.aborted ? cancelledError(options.signal, p) : this.mapError(error, p, 'read')),
    );
    out.on('close', () => body.destroy());
    body.pipe(out);
    destroyOnAbort(out, options.signal, p);
    return out;
  }

  private blockSize(size: number | undefined): number {
    const configured = this.options.blockSizeMiB * MiB;
    if (size === undefined) return configured;
    return Math.min(MAX_BLOCK, Math.max(configured, Math.ceil(size / MAX_BLOCKS / MiB) * MiB));
  }

  async write(path: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot write to the root folder itself.');
    if (options.offset !== undefined) {
      throw new ConnectorError('Unsupported', 'Blobs cannot be appended to here; staged uploads resume instead.', {
        path: p,
      });
    }
    throwIfAborted(options.signal, p);
    const hasher = new MultiHasher(options.hashes ?? []);
    const detach = destroyOnAbort(source, options.signal, p);
    const blockSize = this.blockSize(options.size);
    // Blocks return to the pool when their request settled (see PartBufferPool).
    const pool = new PartBufferPool(blockSize);
    const chunks = partChunks(source, pool);
    const blob = this.client.getBlockBlobClient(this.blobName(p));
    try {
      const first = await chunks.next();
      const firstBlock = first.done === true ? Buffer.alloc(0) : first.value;
      const second = firstBlock.length < blockSize ? { done: true as const, value: undefined } : await chunks.next();
      if (second.done === true) {
        if (options.size !== undefined && firstBlock.length !== options.size) {
          throw new ConnectorError(
            'Integrity',
            `Expected ${options.size} bytes but received ${firstBlock.length}: ${p}`,
            {
              path: p,
            },
          );
        }
        throwIfAborted(options.signal, p);
        const md5 = createHash('md5').update(firstBlock).digest();
        // Content-MD5 is verified by the service and kept as the blob's MD5 for later reads.
        await blob.upload(firstBlock, firstBlock.length, {
          transactionalContentMD5: md5,
          blobHTTPHeaders: { blobContentMD5: md5 },
          abortSignal: options.signal,
        });
        hasher.update(firstBlock);
      } else {
        const queued: Buffer[] = [firstBlock, second.value];
        await stagedBlockUpload(
          {
            blob,
            container: this.client.containerName,
            name: this.blobName(p),
            path: p,
            blockSize,
            concurrency: this.options.uploadConcurrency,
            size: options.size,
            resumeStore: this.extras.resumeStore ?? this.context.resumeStore,
            onPart: this.extras.onPart,
            signal: options.signal,
            sas: this.container.sas,
            release: (block) => pool.release(block),
          },
          {
            next: async () => {
              const value = queued.shift();
              return value === undefined ? chunks.next() : { done: false, value };
            },
          },
          hasher,
        );
      }
    } catch (error) {
      source.destroy();
      throw options.signal?.aborted ? cancelledError(options.signal, p) : this.mapError(error, p, 'write');
    } finally {
      detach();
    }
    // Every block and single upload carries a transactional MD5, which the service checks: the whole MD5 is stored.
    const hashes = hasher.digest();
    return {
      size: hasher.bytes,
      written: hasher.bytes,
      hashes,
      ...(hashes.md5 !== undefined ? { stored: { md5: hashes.md5 } } : {}),
    };
  }

  async remove(path: string, options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    const p = normalizePath(path);
    if (p === '') throw new ConnectorError('InvalidInput', 'Cannot remove the root folder.');
    throwIfAborted(options.signal, p);
    let name = this.blobName(p);
    try {
      await this.properties(p, options.signal);
    } catch (error) {
      if (!(error instanceof ConnectorError && error.code === 'NotFound')) throw error;
      const listing = await this.list(p, { pageSize: 2, signal: options.signal });
      if (listing.entries.length > 0 || listing.rejected.length > 0) {
        throw new ConnectorError('Conflict', `The folder is not empty: ${p}`, { path: p });
      }
      name = this.folderPrefix(p); // only the folder marker is left
    }
    try {
      await this.client.getBlobClient(name).delete({ abortSignal: options.signal });
    } catch (error) {
      throw this.mapError(error, p, 'delete');
    }
  }

  async hash(path: string, algorithm: HashAlgorithm, options: { readonly signal?: AbortSignal } = {}): Promise<string> {
    const p = normalizePath(path);
    if (algorithm !== 'md5') throw new ConnectorError('Unsupported', `Azure Blob offers no ${algorithm} digest.`);
    const props = await this.properties(p, options.signal);
    if (props.contentMD5 !== undefined && props.contentMD5.length > 0)
      return Buffer.from(props.contentMD5).toString('hex');
    // Blobs uploaded without an MD5 by other tools: read and hash.
    const { hashes } = await hashReadable(await this.read(p, options), ['md5']);
    return hashes.md5!;
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
