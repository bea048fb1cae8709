// The tus data store of the offer storage: a folder's uploads/ on one machine, or the shared S3 bucket's uploads/.
import { chmodSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { S3 } from '@aws-sdk/client-s3';
import { FileStore } from '@tus/file-store';
import { S3Store, type MetadataValue } from '@tus/s3-store';
import { DataStore, type KvStore, type Upload } from '@tus/utils';
import { addContentMd5Middleware } from '../../connectors/s3/content-md5-middleware';
import { resolveS3Settings } from '../../connectors/s3/s3-provider-profiles';
import type { S3Options } from '../../shared/connectors/s3-descriptor';
import { UPLOADS_PREFIX, type OfferStorageSetting } from '../offers/offer-storage';

/** How long an unfinished upload may wait for its next chunk before it is refused (410) and cleaned up: 7 days. */
export const DEFAULT_UPLOAD_EXPIRY_MS = 7 * 86_400_000;

/** The storage key (under the offer storage's root) of an upload's bytes: `uploads/<id>`. */
export function uploadKey(uploadId: string): string {
  return `${UPLOADS_PREFIX}/${uploadId}`;
}

// No cache: another instance may have changed the upload since (the metadata object is read again each time).
const noCache: KvStore<MetadataValue> = {
  get: () => Promise.resolve(undefined),
  set: () => Promise.resolve(),
  delete: () => Promise.resolve(),
};

/** @tus/s3-store with the S3 client built the way the connectors build theirs (profile defaults, compatible mode). */
class OfferS3Store extends S3Store {
  constructor(options: S3Options, expiryMs: number) {
    const settings = resolveS3Settings(options);
    const config = {
      region: settings.region,
      ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
      forcePathStyle: settings.pathStyle,
      credentials: {
        accessKeyId: options.accessKeyId,
        secretAccessKey: options.secretAccessKey,
        ...(options.sessionToken ? { sessionToken: options.sessionToken } : {}),
      },
      requestChecksumCalculation: settings.compatible ? ('WHEN_REQUIRED' as const) : ('WHEN_SUPPORTED' as const),
      responseChecksumValidation: settings.compatible ? ('WHEN_REQUIRED' as const) : ('WHEN_SUPPORTED' as const),
    };
    super({
      s3ClientConfig: { bucket: options.bucket, ...config },
      partSize: Math.max(5, options.partSizeMiB ?? 8) * 1024 * 1024,
      expirationPeriodInMilliseconds: expiryMs,
      // Object tags are not on every S3-compatible store (Swift); expiry is the platform's own job.
      useTags: false,
      cache: noCache,
    });
    const client = new S3(config);
    if (settings.compatible) addContentMd5Middleware(client);
    this.client = client;
  }
}

/**
 * Gives the inner store the upload's key in the bucket (`<prefix>uploads/<id>`, its `.info` and `.part` beside it)
 * while tus and the URLs keep the bare upload ID: @tus/s3-store has no key prefix of its own.
 */
class KeyedStore extends DataStore {
  constructor(
    private readonly inner: DataStore,
    private readonly keyOf: (id: string) => string,
  ) {
    super();
    this.extensions = inner.extensions;
  }

  override async create(upload: Upload): Promise<Upload> {
    const id = upload.id;
    upload.id = this.keyOf(id);
    try {
      await this.inner.create(upload);
    } finally {
      upload.id = id;
    }
    return upload;
  }

  override write(stream: Readable, id: string, offset: number): Promise<number> {
    return this.inner.write(stream, this.keyOf(id), offset);
  }

  override async getUpload(id: string): Promise<Upload> {
    const upload = await this.inner.getUpload(this.keyOf(id));
    upload.id = id;
    return upload;
  }

  override remove(id: string): Promise<void> {
    return this.inner.remove(this.keyOf(id));
  }

  override declareUploadLength(id: string, length: number): Promise<void> {
    return this.inner.declareUploadLength(this.keyOf(id), length);
  }

  // The store's own sweep would list the whole bucket; expired uploads are the platform's job (upload-expiry.ts).
  override deleteExpired(): Promise<number> {
    return Promise.resolve(0);
  }

  override getExpiration(): number {
    return this.inner.getExpiration();
  }
}

/**
 * The tus data store over the offer storage, so a finished upload's bytes are at `uploads/<id>` for its driver: a
 * local folder -> @tus/file-store in `<folder>/uploads` (metadata in `<id>.json` beside); S3 -> @tus/s3-store on the
 * same bucket under the same prefix (`<id>.info`, and `<id>.part` while the last chunk is short of a part).
 */
export function createUploadStore(setting: OfferStorageSetting, expiryMs = DEFAULT_UPLOAD_EXPIRY_MS): DataStore {
  if (setting.kind === 'local') {
    const directory = path.join(setting.folder, UPLOADS_PREFIX);
    // Owner-only like the rest of the data folder (the store would make it 0755).
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (process.platform !== 'win32') chmodSync(directory, 0o700);
    return new FileStore({
      directory,
      expirationPeriodInMilliseconds: expiryMs,
    });
  }
  const prefix = (setting.options.prefix ?? '').replace(/^\/+|\/+$/g, '');
  const root = prefix === '' ? '' : `${prefix}/`;
  return new KeyedStore(new OfferS3Store(setting.options, expiryMs), (id) => `${root}${uploadKey(id)}`);
}
