// A finished upload becomes an offer file once: its stored bytes hashed and compared, then added in one transaction.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import type { DataStore, Upload } from '@tus/utils';
import { offerFiles, offers } from '../db/schema';
import type { PlatformContext } from '../platform-context';
import { addOfferFile } from '../offers/offer-file-ledger';
import { auditDenial, auditEvent } from '../audit/audit-request';
import { uploadKey } from './upload-store';

/** An error tus sends as it is: its status and a plain-text body the client shows. */
export class TusHttpError extends Error {
  /** tus reads these two fields of whatever a hook throws. */
  readonly status_code: number;
  readonly body: string;

  constructor(status: number, body: string) {
    super(body.trim());
    this.name = 'TusHttpError';
    this.status_code = status;
    this.body = body.endsWith('\n') ? body : `${body}\n`;
  }
}

/** tus's status for a checksum that does not match the bytes (checksum extension). */
export const CHECKSUM_MISMATCH = 460;

/** What the platform keeps in an upload's tus metadata besides the client's own (set at creation). */
export interface UploadMetadata {
  readonly offerId: string;
  readonly orgId: string;
  /** Normalised path in the offer. */
  readonly path: string;
  /** Lower-case hex SHA-256 the client announced. */
  readonly sha256: string;
  /** 'agent' when a desktop agent sent it to an offer an agent feeds (checked at creation), else 'upload'. */
  readonly origin: 'upload' | 'agent';
}

/** The platform's fields of an upload's metadata, or null when they are missing (not an offer upload). */
export function uploadMetadataOf(upload: Upload): UploadMetadata | null {
  const m = upload.metadata ?? {};
  const { offerId, orgId, path, sha256 } = m;
  if (!offerId || !orgId || !path || !sha256) return null;
  return { offerId, orgId, path, sha256, origin: m.origin === 'agent' ? 'agent' : 'upload' };
}

async function existingFile(ctx: PlatformContext, meta: UploadMetadata, uploadId: string): Promise<string | null> {
  const [row] = await ctx.db
    .select({ id: offerFiles.id })
    .from(offerFiles)
    .where(
      and(eq(offerFiles.offerId, meta.offerId), eq(offerFiles.origin, meta.origin), eq(offerFiles.originRef, uploadId)),
    );
  return row?.id ?? null;
}

/** SHA-256 and length of the stored bytes, streamed (bounded memory whatever the size). */
async function hashStored(ctx: PlatformContext, upload: Upload): Promise<{ sha256: string; size: number }> {
  const driver = ctx.offerStorage.driver;
  const key = uploadKey(upload.id);
  if (upload.size === 0) {
    // @tus/s3-store never completes the multipart upload of an empty file: its object is written here.
    const present = await driver.stat(key).then(
      () => true,
      (error: unknown) => {
        if ((error as { code?: string }).code === 'NotFound') return false;
        throw error;
      },
    );
    if (!present) await driver.write(key, Readable.from([]), { size: 0 });
  }
  const hash = createHash('sha256');
  let size = 0;
  const stream = await driver.read(key);
  for await (const chunk of stream) {
    const bytes = chunk as Buffer;
    hash.update(bytes);
    size += bytes.length;
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Makes a finished upload an offer file, at most once however often it is called (the PATCH that finished it, a
 * HEAD of a client that missed that answer, two instances at once): the stored bytes are hashed and compared with
 * the announced SHA-256 (a mismatch deletes the upload and answers 460), then, under the offer row's lock, the file
 * is added by the ledger unless this upload already was (origin 'upload' or 'agent', originRef = upload ID), pending when the
 * offer stages new files, and audited `offers.files.upload`. Returns the offer file's ID.
 */
export async function completeUpload(
  ctx: PlatformContext,
  store: DataStore,
  request: FastifyRequest,
  upload: Upload,
): Promise<string> {
  const meta = uploadMetadataOf(upload);
  if (meta === null) throw new TusHttpError(400, 'This upload has no offer metadata.');
  const known = await existingFile(ctx, meta, upload.id);
  if (known !== null) return known;
  const stored = await hashStored(ctx, upload);
  if (stored.sha256 !== meta.sha256 || stored.size !== upload.size) {
    await store.remove(upload.id).catch(() => undefined);
    await auditDenial(ctx.db, request, ctx.now(), 'checksum_mismatch');
    throw new TusHttpError(
      CHECKSUM_MISMATCH,
      `Checksum Mismatch: the received bytes have SHA-256 ${stored.sha256} (${stored.size} bytes), not the ` +
        `announced ${meta.sha256}; the upload was deleted, send the file again.`,
    );
  }
  return ctx.db.transaction(async (tx) => {
    // The offer row's lock serialises completions of its uploads, so the check below cannot race another one.
    const [offer] = await tx
      .select({ status: offers.status, staging: offers.staging })
      .from(offers)
      .where(and(eq(offers.id, meta.offerId), eq(offers.orgId, meta.orgId)))
      .for('update');
    if (offer === undefined) throw new TusHttpError(404, 'The offer of this upload no longer exists.');
    const [again] = await tx
      .select({ id: offerFiles.id })
      .from(offerFiles)
      .where(
        and(
          eq(offerFiles.offerId, meta.offerId),
          eq(offerFiles.origin, meta.origin),
          eq(offerFiles.originRef, upload.id),
        ),
      );
    if (again !== undefined) return again.id;
    if (offer.status === 'archived') throw new TusHttpError(409, 'The offer was archived: it takes no new files.');
    const fileId = await addOfferFile(tx, ctx, {
      offerId: meta.offerId,
      orgId: meta.orgId,
      path: meta.path,
      size: stored.size,
      sha256: stored.sha256,
      storageKey: uploadKey(upload.id),
      origin: meta.origin,
      originRef: upload.id,
      pending: offer.staging,
    });
    await auditEvent(tx, request, ctx.now(), {
      action: 'offers.files.upload',
      target: { type: 'offer-file', id: fileId },
      orgId: meta.orgId,
      reason: null,
    });
    request.auth.audited = true;
    return fileId;
  });
}
