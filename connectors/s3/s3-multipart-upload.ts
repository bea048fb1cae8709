import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
  type ServerSideEncryption,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { cancelledError, ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { mapS3Error, s3ErrorCode } from './map-s3-error';
import { type ResumeStateStore, type UploadPartEvent } from '../resume-state-store';

/** What a multipart upload needs to know about the target. */
export interface MultipartTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  /** Connector path, for messages. */
  readonly path: string;
  readonly partSize: number;
  readonly concurrency: number;
  /** Called once a part's buffer is no longer read (sent, failed or skipped), so it can be reused. */
  readonly release?: (part: Buffer) => void;
  /** Total size when known (part of the resume key: a different size never resumes). */
  readonly size?: number;
  readonly sse?: { readonly algorithm: ServerSideEncryption; readonly kmsKeyId?: string };
  /** ETags are the parts' MD5 (false with SSE-KMS): verify them. */
  readonly etagIsMd5: boolean;
  readonly resumeStore?: ResumeStateStore;
  readonly onPart?: (event: UploadPartEvent) => void;
  readonly signal?: AbortSignal;
}

/** The state a resumable S3 upload keeps between runs (the parts themselves are listed from the store). */
const MultipartStateSchema = z.object({
  version: z.literal(1),
  uploadId: z.string().min(1),
  partSize: z.number().int().positive(),
  size: z.number().int().nonnegative().optional(),
});

type MultipartState = z.infer<typeof MultipartStateSchema>;

interface StoredPart {
  readonly etag: string;
  readonly size: number;
}

/** The resume-state key of an upload: bucket, key and announced size. */
export function multipartStateKey(bucket: string, key: string, size: number | undefined): string {
  return `s3:${bucket}/${key}#${size ?? 'unknown'}`;
}

const unquote = (etag: string | undefined): string => (etag ?? '').replace(/^"|"$/g, '').toLowerCase();

async function listStoredParts(target: MultipartTarget, uploadId: string): Promise<Map<number, StoredPart>> {
  const parts = new Map<number, StoredPart>();
  let marker: string | undefined;
  for (;;) {
    const page = await target.client.send(
      new ListPartsCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, PartNumberMarker: marker }),
      { abortSignal: target.signal },
    );
    for (const part of page.Parts ?? []) {
      if (part.PartNumber !== undefined) {
        parts.set(part.PartNumber, { etag: unquote(part.ETag), size: part.Size ?? -1 });
      }
    }
    if (page.IsTruncated !== true || page.NextPartNumberMarker === undefined) return parts;
    marker = page.NextPartNumberMarker;
  }
}

/** Loads a saved upload that still exists on the store, with its stored parts; undefined when there is none. */
async function resumable(
  target: MultipartTarget,
  stateKey: string,
): Promise<{ state: MultipartState; parts: Map<number, StoredPart> } | undefined> {
  if (target.resumeStore === undefined) return undefined;
  const parsed = MultipartStateSchema.safeParse(await target.resumeStore.load(stateKey));
  if (!parsed.success || parsed.data.partSize !== target.partSize || parsed.data.size !== target.size) return undefined;
  try {
    return { state: parsed.data, parts: await listStoredParts(target, parsed.data.uploadId) };
  } catch (error) {
    if (s3ErrorCode(error) === 'NoSuchUpload') {
      await target.resumeStore.remove(stateKey);
      return undefined;
    }
    throw error;
  }
}

/**
 * Uploads parts as multipart upload, the first part already read. With a resume store the upload id is saved
 * before the first part, and a later call with the same bucket, key, size and part size continues it: stored
 * parts whose size and MD5 match the source are skipped, the others sent again. Every part carries Content-MD5;
 * the completed ETag is checked against the parts' MD5s. On failure the upload is kept for a resume when a store
 * is given (cancelled or transient failures), else aborted so no storage is leaked.
 */
export async function multipartUpload(
  target: MultipartTarget,
  parts: AsyncIterator<Buffer>,
  hasher: MultiHasher,
): Promise<{ readonly size: number; readonly etag: string }> {
  const stateKey = multipartStateKey(target.bucket, target.key, target.size);
  const client = target.client;
  const opts = { abortSignal: target.signal };
  const previous = await resumable(target, stateKey);
  let uploadId: string;
  const stored = previous?.parts ?? new Map<number, StoredPart>();
  if (previous !== undefined) {
    uploadId = previous.state.uploadId;
  } else {
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        ServerSideEncryption: target.sse?.algorithm,
        SSEKMSKeyId: target.sse?.kmsKeyId,
      }),
      opts,
    );
    if (created.UploadId === undefined) throw new ConnectorError('Retryable', 'The store returned no upload id.');
    uploadId = created.UploadId;
    const state: MultipartState = { version: 1, uploadId, partSize: target.partSize, size: target.size };
    await target.resumeStore?.save(stateKey, state);
  }

  const done: { PartNumber: number; ETag: string; md5: Buffer }[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let total = 0;
  const send = async (partNumber: number, body: Buffer, md5: Buffer): Promise<void> => {
    const result = await client.send(
      new UploadPartCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: body,
        ContentLength: body.length,
        ContentMD5: md5.toString('base64'),
      }),
      opts,
    );
    const etag = unquote(result.ETag);
    if (target.etagIsMd5 && etag !== md5.toString('hex')) {
      throw new ConnectorError('Integrity', `Part ${partNumber} was stored with ETag ${etag}, not its MD5.`);
    }
    done.push({ PartNumber: partNumber, ETag: result.ETag ?? `"${etag}"`, md5 });
    target.onPart?.({ kind: 'uploaded', part: partNumber, bytes: body.length });
  };
  try {
    for (let partNumber = 1; ; partNumber++) {
      const next = await parts.next();
      if (next.done === true) break;
      if (failure !== undefined) break;
      const body = next.value;
      if (body.length === 0 && partNumber > 1) break;
      if (partNumber > 10_000) {
        throw new ConnectorError('QuotaExceeded', `More than 10,000 parts: ${target.path}`, {
          hint: 'Increase the part size, or give the file size so the part size is chosen to fit.',
        });
      }
      hasher.update(body);
      total += body.length;
      const md5 = createHash('md5').update(body).digest();
      const have = stored.get(partNumber);
      if (have !== undefined && have.size === body.length && have.etag === md5.toString('hex')) {
        done.push({ PartNumber: partNumber, ETag: `"${have.etag}"`, md5 });
        target.onPart?.({ kind: 'skipped', part: partNumber, bytes: body.length });
        target.release?.(body);
        continue;
      }
      while (inFlight.size >= target.concurrency) await Promise.race(inFlight);
      if (failure !== undefined) break;
      const task: Promise<void> = send(partNumber, body, md5).then(
        () => {
          inFlight.delete(task);
          target.release?.(body);
        },
        (error: unknown) => {
          inFlight.delete(task);
          target.release?.(body);
          failure ??= error;
        },
      );
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    if (target.signal?.aborted) throw cancelledError(target.signal, target.path);
    if (target.size !== undefined && total !== target.size) {
      throw new ConnectorError('Integrity', `Expected ${target.size} bytes but received ${total}: ${target.path}`, {
        path: target.path,
      });
    }
    done.sort((a, b) => a.PartNumber - b.PartNumber);
    const completed = await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: target.bucket,
        Key: target.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: done.map(({ PartNumber, ETag }) => ({ PartNumber, ETag })) },
      }),
      opts,
    );
    await target.resumeStore?.remove(stateKey);
    const etag = unquote(completed.ETag);
    const expected = `${createHash('md5')
      .update(Buffer.concat(done.map((p) => p.md5)))
      .digest('hex')}-${done.length}`;
    if (target.etagIsMd5 && etag !== '' && etag !== expected) {
      throw new ConnectorError('Integrity', `The store reports ETag ${etag} but the parts give ${expected}.`, {
        path: target.path,
      });
    }
    return { size: total, etag };
  } catch (error) {
    await Promise.allSettled(inFlight);
    const mapped = target.signal?.aborted ? cancelledError(target.signal, target.path) : mapS3Error(error, target.path);
    const keep = target.resumeStore !== undefined && (mapped.code === 'Cancelled' || mapped.code === 'Retryable');
    if (!keep) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }))
        .catch(() => undefined);
      await target.resumeStore?.remove(stateKey);
    }
    throw mapped;
  }
}
