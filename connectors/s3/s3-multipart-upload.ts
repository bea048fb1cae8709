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
import { ConnectorError } from '../connector-error';
import { type ChunkedUploadTarget } from '../chunked-upload/chunked-upload-target';
import { sendParts } from '../chunked-upload/parts-ring';
import { ResumeSlot } from '../chunked-upload/resume-slot';
import { type MultiHasher } from '../hashing';
import { mapS3Error, s3ErrorCode } from './map-s3-error';

/** What a multipart upload needs to know about the target. */
export interface MultipartTarget extends ChunkedUploadTarget {
  readonly client: S3Client;
  readonly bucket: string;
  readonly key: string;
  readonly sse?: { readonly algorithm: ServerSideEncryption; readonly kmsKeyId?: string };
  /** ETags are the parts' MD5 (false with SSE-KMS): verify them. */
  readonly etagIsMd5: boolean;
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

const MAX_PARTS = 10_000;

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
  slot: ResumeSlot<MultipartState>,
): Promise<{ state: MultipartState; parts: Map<number, StoredPart> } | undefined> {
  const state = await slot.load((saved) => saved.partSize === target.partSize && saved.size === target.size);
  if (state === undefined) return undefined;
  try {
    return { state, parts: await listStoredParts(target, state.uploadId) };
  } catch (error) {
    if (s3ErrorCode(error) === 'NoSuchUpload') {
      await slot.remove();
      return undefined;
    }
    throw error;
  }
}

/** Starts a multipart upload and saves its id before the first part. */
async function create(target: MultipartTarget, slot: ResumeSlot<MultipartState>): Promise<string> {
  const created = await target.client.send(
    new CreateMultipartUploadCommand({
      Bucket: target.bucket,
      Key: target.key,
      ServerSideEncryption: target.sse?.algorithm,
      SSEKMSKeyId: target.sse?.kmsKeyId,
    }),
    { abortSignal: target.signal },
  );
  if (created.UploadId === undefined) throw new ConnectorError('Retryable', 'The store returned no upload id.');
  await slot.save({ version: 1, uploadId: created.UploadId, partSize: target.partSize, size: target.size });
  return created.UploadId;
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
  const slot = new ResumeSlot(
    target.resumeStore,
    multipartStateKey(target.bucket, target.key, target.size),
    MultipartStateSchema,
  );
  const client = target.client;
  const opts = { abortSignal: target.signal };
  const previous = await resumable(target, slot);
  const stored = previous?.parts ?? new Map<number, StoredPart>();
  const uploadId = previous?.state.uploadId ?? (await create(target, slot));

  const done: { PartNumber: number; ETag: string; md5: Buffer }[] = [];
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
  };
  try {
    const { bytes } = await sendParts(parts, {
      ...target,
      maxParts: MAX_PARTS,
      unit: 'part',
      hasher,
      plan: ({ number, body }) => {
        const md5 = createHash('md5').update(body).digest();
        const have = stored.get(number);
        if (have !== undefined && have.size === body.length && have.etag === md5.toString('hex')) {
          done.push({ PartNumber: number, ETag: `"${have.etag}"`, md5 });
          return { kind: 'skip' };
        }
        return { kind: 'send', send: () => send(number, body, md5) };
      },
    });
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
    await slot.remove();
    const etag = unquote(completed.ETag);
    const expected = `${createHash('md5')
      .update(Buffer.concat(done.map((p) => p.md5)))
      .digest('hex')}-${done.length}`;
    if (target.etagIsMd5 && etag !== '' && etag !== expected) {
      throw new ConnectorError('Integrity', `The store reports ETag ${etag} but the parts give ${expected}.`, {
        path: target.path,
      });
    }
    return { size: bytes, etag };
  } catch (error) {
    throw await slot.settleFailure(error, {
      path: target.path,
      signal: target.signal,
      mapError: (e) => mapS3Error(e, target.path),
      discard: () =>
        client.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId })),
    });
  }
}
