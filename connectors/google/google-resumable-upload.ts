// Google's resumable upload protocol (Cloud Storage and Drive speak the same one), done by hand so an abort really
// stops it and a resume is exact.
import { z } from 'zod';
import { ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { sendParts, type UploadPart } from '../chunked-upload/parts-ring';
import { ResumeSlot } from '../chunked-upload/resume-slot';

const SessionStateSchema = z.object({
  version: z.literal(1),
  uri: z.string().url(),
  chunkSize: z.number().int().positive(),
  size: z.number().int().nonnegative().optional(),
});

/** What one store brings to a resumable upload: its session, its own digests and its error mapping. */
export interface ResumableUploadSpec {
  /** Part size a multiple of 256 KiB; `size`, when known, is announced. */
  readonly target: ChunkedUploadTarget;
  /** Resume-state key: everything that makes two uploads the same one (never the content's hash). */
  readonly stateKey: string;
  /** Opens a new session and answers its URI (itself the credential: chunks carry no token). */
  readonly open: () => Promise<string>;
  /** Feeds each chunk, in order, to the store-specific digests the finished resource is compared with. */
  readonly digest: (chunk: Buffer) => void;
  /** A thrown error (network, abort) as a ConnectorError. */
  readonly mapError: (error: unknown) => ConnectorError;
  /** A failed answer (status and body) as a ConnectorError. */
  readonly failure: (response: Response) => Promise<ConnectorError>;
}

/** Bytes the session has persisted, from a 308's `Range: bytes=0-N` (none: 0). */
function persistedOf(response: Response): number {
  const match = /^bytes=0-(\d+)$/.exec(response.headers.get('range') ?? '');
  return match === null ? 0 : Number(match[1]) + 1;
}

/**
 * Streams into a resumable session chunk by chunk and answers the resource the service returned with the byte
 * count. The session URI is saved before the first byte; a later call with the same key, part size and size asks
 * the session what it persisted (`bytes * /TOTAL`, answered 308 + Range) and skips that many bytes of the
 * identical source. The caller compares the resource with its digests.
 */
export async function resumableUpload(
  spec: ResumableUploadSpec,
  chunks: AsyncIterator<Buffer>,
  hasher: MultiHasher,
): Promise<{ readonly size: number; readonly resource: unknown }> {
  const { target } = spec;
  const slot = new ResumeSlot(target.resumeStore, spec.stateKey, SessionStateSchema);
  const saved = await slot.load((state) => state.chunkSize === target.partSize && state.size === target.size);
  const total = target.size === undefined ? '*' : String(target.size);
  // 308 is "resume incomplete", not a redirect: 'manual' hands it to us as is.
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
  let persisted = saved === undefined ? -1 : await persistedSoFar(put, total, spec);
  if (persisted < 0) {
    persisted = 0;
    uri = await spec.open();
    await slot.save({ version: 1, uri, chunkSize: target.partSize, size: target.size });
  }

  let resource: unknown;
  let finished = false;
  /** Sends what the session lacks of one chunk; the last one is sent (or asked for) until the resource comes back. */
  const send = async ({ body: chunk, offset, last }: UploadPart): Promise<void> => {
    const end = offset + chunk.length;
    let from = Math.max(offset, persisted);
    let stalls = 0;
    while (from < end || (last && !finished)) {
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
      if (!response.ok) throw await spec.failure(response);
      resource = await response.json();
      finished = true;
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
        spec.digest(part.body);
        return { kind: 'send', send: () => send(part) };
      },
    }));
  } catch (error) {
    throw await slot.settleFailure(error, { path: target.path, signal: target.signal, mapError: spec.mapError });
  }
  await slot.remove();
  return { size, resource };
}

/** Asks a saved session what it persisted: its byte count, or -1 when the session expired or was cancelled. */
async function persistedSoFar(
  put: (headers: Record<string, string>) => Promise<Response>,
  total: string,
  spec: ResumableUploadSpec,
): Promise<number> {
  const status = await put({ 'content-range': `bytes */${total}` }).catch((e: unknown) => {
    throw spec.mapError(e);
  });
  if (status.status === 308) return persistedOf(status);
  if (status.status === 404 || status.status === 410) return -1;
  if (!status.ok) throw await spec.failure(status);
  return 0;
}
