import { Readable } from 'node:stream';
import { type DriveOptions } from '../../shared/connectors/drive-descriptor';
import { type Hashes } from '../../shared/connectors/hash-algorithm';
import { pooledParts } from '../chunked-upload/part-chunker';
import { cancelledError, ConnectorError, throwIfAborted } from '../connector-error';
import { type WriteOptions, type WriteResult } from '../driver';
import { MultiHasher } from '../hashing';
import { probeSource } from '../object-store/probe-source';
import { baseName, parentPath } from '../path-safety';
import { type ResumeStateStore } from '../resume-state-store';
import { destroyOnAbort } from '../stream-abort';
import { checkUploaded, driveResumableWrite, UPLOADED_FIELDS, type UploadedFile } from './drive-resumable-write';
import { type DriveLookups, type DrivePaths, isFolder, isGoogleApps } from './drive-paths';
import { mapDriveError } from './map-drive-error';

/** What the writes need from their driver: the API, its paths, the upload options and where sessions are kept. */
export interface DriveWritesHost extends Pick<DriveLookups, 'client' | 'call'> {
  readonly paths: DrivePaths;
  readonly options: Pick<DriveOptions, 'simpleUploadThresholdMiB' | 'chunkSizeMiB'>;
  readonly resumeStore: ResumeStateStore | undefined;
}

const MiB = 1024 * 1024;

/**
 * Writing to Drive: a file goes up in one multipart request up to the threshold, else through a resumable session
 * (saved in the resume store); two writers that each created the same new name settle on one; replaced and removed
 * items go to Drive's trash.
 */
export class DriveWrites {
  constructor(private readonly host: DriveWritesHost) {}

  /** Uploads `source` to `p` (creating parent folders), replacing a file there; Drive's digests must be ours. */
  async write(p: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    if (options.offset !== undefined) {
      throw new ConnectorError('Unsupported', 'Drive files cannot be appended to; resumable uploads resume instead.', {
        path: p,
      });
    }
    const { paths } = this.host;
    const signal = options.signal;
    const requested = options.hashes ?? [];
    const hasher = new MultiHasher(requested);
    // Digests of a body sent whole, computed once before its request (the hasher above then stays unused).
    let whole: { readonly bytes: number; readonly digests: Hashes } | undefined;
    const detach = destroyOnAbort(source, signal, p);
    let uploaded: UploadedFile;
    try {
      const parentId = await paths.ensureFolder(parentPath(p), signal);
      const existing = await paths.child(parentId, p, signal);
      if (existing !== undefined && (isFolder(existing) || isGoogleApps(existing))) {
        throw new ConnectorError('Conflict', `A folder or Google Docs file is in the way: ${p}`, { path: p });
      }
      const fileId = existing?.id ?? undefined;
      const modifiedTime = options.mtimeMs === undefined ? undefined : new Date(options.mtimeMs).toISOString();
      const partSize = this.host.options.chunkSizeMiB * MiB;
      const probed = await probeSource(source, this.host.options.simpleUploadThresholdMiB * MiB);
      if (probed.kind === 'whole') {
        const body = probed.body;
        if (options.size !== undefined && body.length !== options.size) {
          throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${body.length}: ${p}`, {
            path: p,
          });
        }
        throwIfAborted(signal, p);
        // One pass gives both the digests Drive's answer is checked against and those the caller asked for.
        const bodyHasher = new MultiHasher(['md5', 'sha256', ...requested]);
        bodyHasher.update(body);
        whole = { bytes: body.length, digests: bodyHasher.digest() };
        uploaded = await this.putWhole(p, parentId, fileId, body, modifiedTime, whole.digests, signal);
      } else {
        const { parts, release } = pooledParts(probed.rest, partSize);
        uploaded = await driveResumableWrite(
          {
            client: this.host.client(),
            parentId,
            name: baseName(p),
            fileId,
            ...(modifiedTime === undefined ? {} : { modifiedTime }),
            path: p,
            partSize,
            concurrency: 1,
            size: options.size,
            signal,
            release,
            resumeStore: this.host.resumeStore,
          },
          parts,
          hasher,
        );
      }
      if (fileId === undefined) await this.settleRace(parentId, p, uploaded, signal);
    } catch (error) {
      source.destroy();
      throw signal?.aborted ? cancelledError(signal, p) : mapDriveError(error, p);
    } finally {
      detach();
    }
    const stored: Hashes = {
      ...(uploaded.md5Checksum == null ? {} : { md5: uploaded.md5Checksum }),
      ...(uploaded.sha256Checksum == null ? {} : { sha256: uploaded.sha256Checksum }),
    };
    const bytes = whole?.bytes ?? hasher.bytes;
    const digests = Object.entries(whole?.digests ?? hasher.digest()).filter(([algorithm]) =>
      (requested as readonly string[]).includes(algorithm),
    );
    return { size: bytes, written: bytes, hashes: Object.fromEntries(digests) as Hashes, stored };
  }

  /** Moves one item to Drive's trash (recoverable there for 30 days). */
  async trash(fileId: string, p: string, signal?: AbortSignal): Promise<void> {
    await this.host.call(
      p,
      () =>
        this.host
          .client()
          .api.files.update(
            { fileId, requestBody: { trashed: true }, fields: 'id', supportsAllDrives: true },
            { signal },
          ),
      signal,
    );
  }

  /** One multipart request through the SDK; Drive's size, MD5 and SHA-256 of the result must be ours. */
  private async putWhole(
    p: string,
    parentId: string,
    fileId: string | undefined,
    body: Buffer,
    modifiedTime: string | undefined,
    digests: Hashes,
    signal?: AbortSignal,
  ): Promise<UploadedFile> {
    const client = this.host.client();
    const time = modifiedTime === undefined ? {} : { modifiedTime };
    const media = () => ({ mimeType: 'application/octet-stream', body: Readable.from([body]) });
    // Media calls ignore the client's rootUrl: it goes with every call.
    const how = { rootUrl: client.rootUrl, signal };
    const { data } = await this.host.call(
      p,
      () =>
        fileId === undefined
          ? client.api.files.create(
              {
                requestBody: { name: baseName(p), parents: [parentId], ...time },
                media: media(),
                fields: UPLOADED_FIELDS,
                supportsAllDrives: true,
              },
              how,
            )
          : client.api.files.update(
              { fileId, requestBody: time, media: media(), fields: UPLOADED_FIELDS, supportsAllDrives: true },
              how,
            ),
      signal,
    );
    checkUploaded(data, body.length, digests.md5!, digests.sha256!, p);
    return data;
  }

  /**
   * Two writers that both found no file each created one: the newest (creation time, then ID) stays, and each
   * writer trashes the ones older than its own, so exactly one remains whatever the order (last writer wins).
   */
  private async settleRace(parentId: string, p: string, mine: UploadedFile, signal?: AbortSignal): Promise<void> {
    const same = await this.host.paths.named(parentId, baseName(p), p, signal);
    if (same.length < 2) return;
    const key = (f: { createdTime?: string | null; id?: string | null }) => `${f.createdTime ?? ''}|${f.id ?? ''}`;
    for (const other of same) {
      if (other.id !== mine.id && key(other) < key(mine)) await this.trash(other.id!, p, signal);
    }
  }
}
