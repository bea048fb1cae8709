import { createHash } from 'node:crypto';
import { ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { resumableUpload } from '../google/google-resumable-upload';
import { withDriveBackoff } from './drive-backoff';
import { type DriveClient } from './drive-client';
import { mapDriveError } from './map-drive-error';

/** The fields the upload asks back: enough to verify the bytes and to settle a race between two creators. */
export const UPLOADED_FIELDS = 'id,name,size,md5Checksum,sha256Checksum,createdTime,parents';

/** A file resource as an upload returns it (numbers as strings). */
export interface UploadedFile {
  readonly id?: string | null;
  readonly name?: string | null;
  readonly size?: string | null;
  readonly md5Checksum?: string | null;
  readonly sha256Checksum?: string | null;
  readonly createdTime?: string | null;
}

/** The resume-state key of an upload: folder, name, replaced file and announced size. */
export function driveSessionKey(
  parentId: string,
  name: string,
  fileId: string | undefined,
  size: number | undefined,
): string {
  return `drive:${parentId}/${name}@${fileId ?? 'new'}#${size ?? 'unknown'}`;
}

/** What a resumable upload writes: a new file in `parentId`, or new content for `fileId`. */
export interface DriveUploadTarget extends ChunkedUploadTarget {
  readonly client: DriveClient;
  readonly parentId: string;
  readonly name: string;
  readonly fileId: string | undefined;
  /** Modification time to set (RFC 3339), when the caller gave one. */
  readonly modifiedTime?: string;
}

/** A failed raw response as the error the SDK would have thrown (status and Drive's body), then mapped. */
async function failure(response: Response, path: string): Promise<ConnectorError> {
  let data: unknown;
  try {
    data = await response.json();
  } catch {
    data = undefined;
  }
  return mapDriveError(
    Object.assign(new Error(`${response.status} ${response.statusText}`), {
      status: response.status,
      response: { status: response.status, data },
    }),
    path,
  );
}

/**
 * Streams into a Drive resumable session (googleapis has no resumable upload: the protocol is in
 * google-resumable-upload.ts, shared with Cloud Storage). Chunks are the part size (a multiple of 256 KiB); every
 * byte is hashed and the file's MD5 and SHA-256 as Drive reports them must equal ours.
 */
export async function driveResumableWrite(
  target: DriveUploadTarget,
  chunks: AsyncIterator<Buffer>,
  hasher: MultiHasher,
): Promise<UploadedFile> {
  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  const { size, resource } = await resumableUpload(
    {
      target,
      // The key names the replaced file, so a session for new content never resumes as a new file.
      stateKey: driveSessionKey(target.parentId, target.name, target.fileId, target.size),
      open: () => startSession(target),
      digest(chunk) {
        md5.update(chunk);
        sha256.update(chunk);
      },
      mapError: (error) => mapDriveError(error, target.path),
      failure: (response) => failure(response, target.path),
    },
    chunks,
    hasher,
  );
  const file = resource as UploadedFile | undefined;
  checkUploaded(file, size, md5.digest('hex'), sha256.digest('hex'), target.path);
  return file!;
}

/** Integrity unless Drive stored `size` bytes whose MD5 and SHA-256 (when reported) are ours. */
export function checkUploaded(
  file: UploadedFile | undefined,
  size: number,
  md5: string,
  sha256: string,
  path: string,
): void {
  if (
    file === undefined ||
    Number(file.size) !== size ||
    (file.md5Checksum != null && file.md5Checksum !== md5) ||
    (file.sha256Checksum != null && file.sha256Checksum !== sha256)
  ) {
    throw new ConnectorError(
      'Integrity',
      `The stored file (size ${file?.size}, md5 ${file?.md5Checksum}) differs from what was sent: ${path}`,
      { path },
    );
  }
}

/** Opens a session (POST for a new file, PATCH for new content of an existing one); its URI is the Location. */
async function startSession(target: DriveUploadTarget): Promise<string> {
  const base = `${target.client.rootUrl}upload/drive/v3/files${target.fileId === undefined ? '' : `/${encodeURIComponent(target.fileId)}`}`;
  const url = `${base}?uploadType=resumable&supportsAllDrives=true&fields=${encodeURIComponent(UPLOADED_FIELDS)}`;
  const metadata = {
    ...(target.fileId === undefined ? { name: target.name, parents: [target.parentId] } : {}),
    ...(target.modifiedTime === undefined ? {} : { modifiedTime: target.modifiedTime }),
  };
  const response = await withDriveBackoff(
    async () => {
      const answer = await fetch(url, {
        method: target.fileId === undefined ? 'POST' : 'PATCH',
        headers: {
          authorization: await target.client.authorization(),
          'content-type': 'application/json; charset=UTF-8',
          'x-upload-content-type': 'application/octet-stream',
          ...(target.size === undefined ? {} : { 'x-upload-content-length': String(target.size) }),
        },
        body: JSON.stringify(metadata),
        signal: target.signal,
      });
      if (!answer.ok) throw await failure(answer, target.path).then((e) => e.cause ?? e);
      return answer;
    },
    undefined,
    target.signal,
  ).catch((error: unknown) => {
    throw mapDriveError(error, target.path);
  });
  const location = response.headers.get('location');
  if (location === null) throw new ConnectorError('Retryable', `Google Drive opened no upload session: ${target.path}`);
  return location;
}
