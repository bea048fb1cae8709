import { createHash } from 'node:crypto';
import { CRC32C, type File } from '@google-cloud/storage';
import { z } from 'zod';
import { ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { sendParts, type UploadPart } from '../chunked-upload/parts-ring';
import { ResumeSlot } from '../chunked-upload/resume-slot';
import { mapGcsError } from './map-gcs-error';

const SessionStateSchema = z.object({
  version: z.literal(1),
  uri: z.string().url(),
  chunkSize: z.number().int().positive(),
  size: z.number().int().nonnegative().optional(),
});

/** The resume-state key of a resumable upload: bucket, object and announced size. */
export function sessionStateKey(bucket: string, name: string, size: number | undefined): string {
  return `gcs:${bucket}/${name}#${size ?? 'unknown'}`;
}

/** What a resumable write needs: chunks are sent one at a time, in order (`partSize` a multiple of 256 KiB). */
export interface ResumableTarget extends ChunkedUploadTarget {
  readonly file: File;
  readonly bucket: string;
}

interface ObjectResource {
  readonly size?: string;
  readonly md5Hash?: string;
  readonly crc32c?: string;
}

/** Bytes the session has persisted, from a 308's `Range: bytes=0-N` (none: 0). */
function persistedOf(response: Response): number {
  const match = /^bytes=0-(\d+)$/.exec(response.headers.get('range') ?? '');
  return match === null ? 0 : Number(match[1]) + 1;
}

async function failure(response: Response, path: string): Promise<ConnectorError> {
  let message = `${response.status} ${response.statusText}`;
  try {
    const body = (await response.json()) as { error?: { message?: string } };
    message = body.error?.message ?? message;
  } catch {
    // not JSON: keep the status line
  }
  return mapGcsError(Object.assign(new Error(message), { code: response.status }), path);
}

/**
 * Streams into a resumable upload session chunk by chunk (the protocol the SDK implements, done here so an
 * abort really stops it and a resume is exact). The session URI (itself the credential, no token needed) is
 * saved before the first byte; a later call for the same object and size asks the session what it persisted
 * (`bytes * /*`, answered 308 + Range) and skips that many bytes of the identical source. Every byte is hashed, and
 * the finished object's MD5 and CRC32C must equal them.
 */
export async function resumableWrite(
  target: ResumableTarget,
  chunks: AsyncIterator<Buffer>,
  hasher: MultiHasher,
): Promise<{ readonly size: number }> {
  const slot = new ResumeSlot(
    target.resumeStore,
    sessionStateKey(target.bucket, target.file.name, target.size),
    SessionStateSchema,
  );
  const saved = await slot.load((state) => state.chunkSize === target.partSize && state.size === target.size);
  const total = target.size === undefined ? '*' : String(target.size);
  // 308 is GCS's "resume incomplete", not a redirect: 'manual' hands it to us as is.
  // Node's fetch takes a Buffer; the cast keeps this file valid where DOM typings are loaded too (browser tests).
  const put = (headers: Record<string, string>, body?: Buffer): Promise<Response> =>
    fetch(uri, {
      method: 'PUT',
      headers,
      body: body as unknown as RequestInit['body'],
      signal: target.signal,
      redirect: 'manual',
    });
  let uri = saved?.uri ?? '';
  // -1: no usable session, start one.
  let persisted = saved === undefined ? -1 : await persistedSoFar(put, total, target.path);
  if (persisted < 0) {
    persisted = 0;
    try {
      [uri] = await target.file.createResumableUpload({
        metadata: target.size === undefined ? {} : { contentLength: target.size },
      });
    } catch (error) {
      throw mapGcsError(error, target.path);
    }
    await slot.save({ version: 1, uri, chunkSize: target.partSize, size: target.size });
  }

  const crc = new CRC32C();
  const md5 = createHash('md5');
  let object: ObjectResource | undefined;
  /** Sends what the session lacks of one chunk; the last one is sent (or asked for) until the object comes back. */
  const send = async ({ body: chunk, offset, last }: UploadPart): Promise<void> => {
    const end = offset + chunk.length;
    let from = Math.max(offset, persisted);
    let stalls = 0;
    while (from < end || (last && object === undefined)) {
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
        // The service may keep less than was sent: send the rest of this chunk again.
        from = persisted;
        stalls = from > before ? 0 : stalls + 1;
        if (stalls >= 3) throw new ConnectorError('Retryable', `The upload session makes no progress: ${target.path}`);
        continue;
      }
      if (!response.ok) throw await failure(response, target.path);
      object = (await response.json()) as ObjectResource;
      break;
    }
  };
  let size: number;
  try {
    // One chunk of lookahead tells whether the current chunk is the last (its Content-Range then names the total).
    ({ bytes: size } = await sendParts(chunks, {
      ...target,
      // The session keeps a byte offset, not a set of parts: chunks go one at a time, in order.
      concurrency: 1,
      maxParts: Number.MAX_SAFE_INTEGER,
      unit: 'chunk',
      lookahead: true,
      hasher,
      plan: (part) => {
        crc.update(part.body);
        md5.update(part.body);
        return { kind: 'send', send: () => send(part) };
      },
    }));
  } catch (error) {
    throw await slot.settleFailure(error, {
      path: target.path,
      signal: target.signal,
      mapError: (e) => mapGcsError(e, target.path),
    });
  }
  await slot.remove();
  const ours = { md5: md5.digest('base64'), crc32c: crc.toString() };
  if (
    object === undefined ||
    Number(object.size) !== size ||
    (object.md5Hash !== undefined && object.md5Hash !== ours.md5) ||
    (object.crc32c !== undefined && object.crc32c !== ours.crc32c)
  ) {
    throw new ConnectorError(
      'Integrity',
      `The stored object (size ${object?.size}, md5 ${object?.md5Hash}, crc32c ${object?.crc32c}) differs from what was sent: ${target.path}`,
      { path: target.path },
    );
  }
  return { size };
}

/** Asks a saved session what it persisted: its byte count, or -1 when the session expired or was cancelled. */
async function persistedSoFar(
  put: (headers: Record<string, string>) => Promise<Response>,
  total: string,
  path: string,
): Promise<number> {
  const status = await put({ 'content-range': `bytes */${total}` }).catch((e: unknown) => {
    throw mapGcsError(e, path);
  });
  if (status.status === 308) return persistedOf(status);
  if (status.status === 404 || status.status === 410) return -1;
  if (!status.ok) throw await failure(status, path);
  return 0;
}
