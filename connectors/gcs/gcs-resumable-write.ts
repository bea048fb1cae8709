import { createHash } from 'node:crypto';
import { type Readable } from 'node:stream';
import { CRC32C, type File } from '@google-cloud/storage';
import { z } from 'zod';
import { cancelledError, ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { PartBufferPool, partChunks } from '../part-chunker';
import { type ResumeStateStore } from '../resume-state-store';
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

/** What a resumable write needs. */
export interface ResumableTarget {
  readonly file: File;
  readonly bucket: string;
  readonly path: string;
  /** A multiple of 256 KiB. */
  readonly chunkSize: number;
  readonly size?: number;
  readonly resumeStore?: ResumeStateStore;
  readonly signal?: AbortSignal;
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
  source: Readable,
  hasher: MultiHasher,
): Promise<{ readonly size: number }> {
  const stateKey = sessionStateKey(target.bucket, target.file.name, target.size);
  const saved = SessionStateSchema.safeParse(await target.resumeStore?.load(stateKey));
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
  let uri: string;
  let persisted = 0;
  if (saved.success && saved.data.chunkSize === target.chunkSize && saved.data.size === target.size) {
    uri = saved.data.uri;
    const status = await put({ 'content-range': `bytes */${total}` }).catch((e: unknown) => {
      throw mapGcsError(e, target.path);
    });
    if (status.status === 308) persisted = persistedOf(status);
    else if (status.status === 404 || status.status === 410) {
      // The session expired or was cancelled: start over.
      persisted = -1;
    } else if (!status.ok) throw await failure(status, target.path);
  } else {
    persisted = -1;
    uri = '';
  }
  if (persisted < 0) {
    persisted = 0;
    try {
      [uri] = await target.file.createResumableUpload({
        metadata: target.size === undefined ? {} : { contentLength: target.size },
      });
    } catch (error) {
      throw mapGcsError(error, target.path);
    }
    await target.resumeStore?.save(stateKey, { version: 1, uri, chunkSize: target.chunkSize, size: target.size });
  }

  const crc = new CRC32C();
  const md5 = createHash('md5');
  // One chunk of lookahead tells whether the current chunk is the last (its Content-Range then names the total).
  const pool = new PartBufferPool(target.chunkSize);
  const chunks = partChunks(source, pool);
  let offset = 0;
  let object: ObjectResource | undefined;
  try {
    let current = await chunks.next();
    while (current.done !== true) {
      const chunk = current.value;
      hasher.update(chunk);
      crc.update(chunk);
      md5.update(chunk);
      const next = await chunks.next();
      const last = next.done === true;
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
          if (stalls >= 3)
            throw new ConnectorError('Retryable', `The upload session makes no progress: ${target.path}`);
          continue;
        }
        if (!response.ok) throw await failure(response, target.path);
        object = (await response.json()) as ObjectResource;
        break;
      }
      offset = end;
      pool.release(chunk);
      current = next;
    }
  } catch (error) {
    const mapped = target.signal?.aborted
      ? cancelledError(target.signal, target.path)
      : mapGcsError(error, target.path);
    if (target.resumeStore !== undefined && mapped.code !== 'Cancelled' && mapped.code !== 'Retryable') {
      await target.resumeStore.remove(stateKey);
    }
    throw mapped;
  }
  await target.resumeStore?.remove(stateKey);
  const size = hasher.bytes;
  if (target.size !== undefined && size !== target.size) {
    throw new ConnectorError('Integrity', `Expected ${target.size} bytes but received ${size}: ${target.path}`, {
      path: target.path,
    });
  }
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
