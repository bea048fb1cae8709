import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { sendParts, type UploadPart } from '../chunked-upload/parts-ring';
import { ResumeSlot } from '../chunked-upload/resume-slot';
import { withDriveBackoff } from './drive-backoff';
import { type DriveClient } from './drive-client';
import { mapDriveError } from './map-drive-error';

const SessionStateSchema = z.object({
  version: z.literal(1),
  uri: z.string().url(),
  chunkSize: z.number().int().positive(),
  size: z.number().int().nonnegative().optional(),
  fileId: z.string().optional(),
});

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

/** Bytes the session has persisted, from a 308's `Range: bytes=0-N` (none: 0). */
function persistedOf(response: Response): number {
  const match = /^bytes=0-(\d+)$/.exec(response.headers.get('range') ?? '');
  return match === null ? 0 : Number(match[1]) + 1;
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
 * Streams into a Drive resumable session chunk by chunk (googleapis has no resumable upload: the protocol is done
 * here). The session URI is saved before the first byte; a later call for the same file and size asks the session
 * what it persisted (`bytes * /TOTAL`, answered 308 + Range) and skips that many bytes of the identical source.
 * Chunks are the part size (a multiple of 256 KiB); every byte is hashed and the file's MD5 and SHA-256 as Drive
 * reports them must equal ours.
 */
export async function driveResumableWrite(
  target: DriveUploadTarget,
  chunks: AsyncIterator<Buffer>,
  hasher: MultiHasher,
): Promise<UploadedFile> {
  const slot = new ResumeSlot(
    target.resumeStore,
    driveSessionKey(target.parentId, target.name, target.fileId, target.size),
    SessionStateSchema,
  );
  const saved = await slot.load(
    (state) => state.chunkSize === target.partSize && state.size === target.size && state.fileId === target.fileId,
  );
  const total = target.size === undefined ? '*' : String(target.size);
  // 308 is "resume incomplete", not a redirect: 'manual' hands it to us as is.
  const put = (headers: Record<string, string>, body?: Buffer): Promise<Response> =>
    fetch(uri, {
      method: 'PUT',
      headers,
      body: body as unknown as RequestInit['body'],
      signal: target.signal,
      redirect: 'manual',
    });
  let uri = saved?.uri ?? '';
  let persisted = saved === undefined ? -1 : await persistedSoFar(put, total, target.path);
  if (persisted < 0) {
    persisted = 0;
    uri = await startSession(target);
    await slot.save({ version: 1, uri, chunkSize: target.partSize, size: target.size, fileId: target.fileId });
  }

  const md5 = createHash('md5');
  const sha256 = createHash('sha256');
  let file: UploadedFile | undefined;
  const send = async ({ body: chunk, offset, last }: UploadPart): Promise<void> => {
    const end = offset + chunk.length;
    let from = Math.max(offset, persisted);
    let stalls = 0;
    while (from < end || (last && file === undefined)) {
      const body = chunk.subarray(from - offset);
      const range = body.length === 0 ? `bytes */${end}` : `bytes ${from}-${end - 1}/${last ? String(end) : total}`;
      const response = await put({ 'content-range': range }, body);
      if (response.status === 308) {
        const before = from;
        persisted = persistedOf(response);
        if (!last && persisted >= end) break;
        if (persisted < offset) {
          throw new ConnectorError('Retryable', `The upload session lost bytes it had kept: ${target.path}`);
        }
        from = persisted;
        stalls = from > before ? 0 : stalls + 1;
        if (stalls >= 3) throw new ConnectorError('Retryable', `The upload session makes no progress: ${target.path}`);
        continue;
      }
      if (!response.ok) throw await failure(response, target.path);
      file = (await response.json()) as UploadedFile;
      break;
    }
  };
  let size: number;
  try {
    ({ bytes: size } = await sendParts(chunks, {
      ...target,
      concurrency: 1,
      maxParts: Number.MAX_SAFE_INTEGER,
      unit: 'chunk',
      lookahead: true,
      hasher,
      plan: (part) => {
        md5.update(part.body);
        sha256.update(part.body);
        return { kind: 'send', send: () => send(part) };
      },
    }));
  } catch (error) {
    throw await slot.settleFailure(error, {
      path: target.path,
      signal: target.signal,
      mapError: (e) => mapDriveError(e, target.path),
    });
  }
  await slot.remove();
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

/** Asks a saved session what it persisted: its byte count, or -1 when the session expired or was cancelled. */
async function persistedSoFar(
  put: (headers: Record<string, string>) => Promise<Response>,
  total: string,
  path: string,
): Promise<number> {
  const status = await put({ 'content-range': `bytes */${total}` }).catch((e: unknown) => {
    throw mapDriveError(e, path);
  });
  if (status.status === 308) return persistedOf(status);
  if (status.status === 404 || status.status === 410) return -1;
  if (!status.ok) throw await failure(status, path);
  return 0;
}
