// Abandoned uploads are removed from the offer storage: unfinished (or never added) past their expiry.
import { inArray } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import type { DataStore } from '@tus/utils';
import { offerFiles } from '../db/schema';
import { defineQueue } from '../jobs/job-queue';
import type { PlatformContext } from '../platform-context';
import { UPLOADS_PREFIX } from '../offers/offer-storage';
import { loggableError } from '../http/loggable-error';
import { uploadKey } from './upload-store';

/** The hourly sweep of expired uploads (one at a time across instances). */
export const UPLOAD_EXPIRY_QUEUE = defineQueue<{ readonly task: 'expire-uploads' }>({
  name: 'offer-upload-expiry',
  retryLimit: 2,
  retryDelay: 300,
  retryBackoff: false,
  policy: 'singleton',
  expireInSeconds: 60 * 60,
});

/** When the sweep runs: hourly. */
export const UPLOAD_EXPIRY_CRON = '23 * * * *';

// The metadata object of an upload: `<id>.json` (file store) or `<id>.info` (S3 store).
const METADATA = /^(upl_[0-9A-Za-z]{22})\.(json|info)$/;

/**
 * One pass over `uploads/` of the offer storage, page by page: each upload no offer file stores its bytes in and
 * created more than `expiryMs` ago is removed through the tus store (an S3 multipart upload is aborted), with the
 * S3 store's short last part; metadata left without its bytes (a file deleted by its key) goes once as old. Finished
 * uploads that became files are never touched. Returns how many it removed.
 */
export async function sweepExpiredUploads(
  ctx: PlatformContext,
  store: DataStore,
  expiryMs: number,
  now: Date = new Date(),
): Promise<number> {
  const driver = ctx.offerStorage.driver;
  let removed = 0;
  let cursor: string | undefined;
  do {
    let page;
    try {
      page = await driver.list(UPLOADS_PREFIX, { cursor, pageSize: 500 });
    } catch (error) {
      if ((error as { code?: string }).code === 'NotFound') return removed;
      throw error;
    }
    cursor = page.cursor;
    const found = page.entries.flatMap((entry) => {
      const id = METADATA.exec(entry.name)?.[1];
      return id === undefined ? [] : [{ id, entry }];
    });
    const ids = found.map((f) => f.id);
    if (ids.length === 0) continue;
    const kept = await ctx.db
      .select({ key: offerFiles.storageKey })
      .from(offerFiles)
      .where(
        inArray(
          offerFiles.storageKey,
          ids.map((id) => uploadKey(id)),
        ),
      );
    const files = new Set(kept.map((row) => row.key));
    for (const { id, entry } of found) {
      if (files.has(uploadKey(id))) continue;
      const upload = await store.getUpload(id).catch(() => null);
      if (upload === null) {
        // Metadata whose bytes are gone (a deleted offer removed its files' keys only): removed once old enough.
        if (entry.mtimeMs !== undefined && entry.mtimeMs + expiryMs <= now.getTime()) {
          await driver.remove(entry.path).catch(() => undefined);
          removed += 1;
        }
        continue;
      }
      const created = upload.creation_date ? Date.parse(upload.creation_date) : Number.NaN;
      if (!Number.isFinite(created) || created + expiryMs > now.getTime()) continue;
      await store.remove(id);
      await driver.remove(`${uploadKey(id)}.part`).catch(() => undefined);
      removed += 1;
    }
  } while (cursor !== undefined);
  return removed;
}

/** Declares the hourly sweep (before the jobs start). */
export function registerUploadExpiry(
  ctx: PlatformContext,
  store: DataStore,
  expiryMs: number,
  log: FastifyBaseLogger,
): void {
  ctx.jobs.work(UPLOAD_EXPIRY_QUEUE, async () => {
    try {
      const removed = await sweepExpiredUploads(ctx, store, expiryMs);
      if (removed > 0) log.info({ removed }, 'expired offer uploads removed');
    } catch (error) {
      log.warn({ err: loggableError(error) }, 'expired offer uploads could not all be removed');
      throw error;
    }
  });
  ctx.jobs.schedule(UPLOAD_EXPIRY_QUEUE, UPLOAD_EXPIRY_CRON, { task: 'expire-uploads' });
}
