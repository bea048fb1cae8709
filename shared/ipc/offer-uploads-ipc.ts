import { z } from 'zod';
import { defineEvents, defineMethods } from './contract';

/** Life of one file's upload to an offer; done, failed and cancelled are final until a retry. */
export const OFFER_UPLOAD_STATES = ['queued', 'hashing', 'uploading', 'done', 'failed', 'cancelled'] as const;
/** Where an upload is in its life. */
export type OfferUploadState = (typeof OFFER_UPLOAD_STATES)[number];

/** Upload states that stay until the user retries or clears them. */
export const FINISHED_OFFER_UPLOAD_STATES: ReadonlySet<OfferUploadState> = new Set(['done', 'failed', 'cancelled']);

/** One file sent (or being sent) from one of my connectors or the local disk to an offer, as the renderer shows it. */
export const OfferUploadSchema = z.object({
  id: z.string(),
  orgId: z.string(),
  offerId: z.string(),
  /** One of my connectors, or the local disk's id ('local-disk'). */
  connectorId: z.string(),
  /** The file's connector path. */
  path: z.string(),
  /** Its path in the offer. */
  pathInOffer: z.string(),
  state: z.enum(OFFER_UPLOAD_STATES),
  /** Bytes hashed (hashing) or on the platform (uploading, done). */
  bytes: z.number().nonnegative(),
  /** The file's size, once known. */
  total: z.number().nonnegative().nullable(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Where the platform's copy stood when this attempt continued it (0 for a new upload). */
  resumedFrom: z.number().nonnegative(),
  /** The offer file the platform made, once done. */
  fileId: z.string().nullable(),
  /** Why it stopped: the uploader's stable code (e.g. 'too_large', 'offline') and a message for logs. */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
});
/** One upload to an offer. */
export type OfferUpload = z.infer<typeof OfferUploadSchema>;

const ById = z.object({ id: z.string().min(1).max(100) }).strict();

/** Methods of the offer uploads domain. */
export const offerUploadsMethods = defineMethods({
  'offerUploads.start': {
    summary:
      'Queues uploads of files (folders: their files, recursively, under the folder name) from one of my connectors ' +
      'or the local disk to an offer of the active organisation; resumable across cancels and restarts.',
    input: z
      .object({
        offerId: z.string().min(1).max(100),
        connectorId: z.string().min(1).max(200),
        paths: z.array(z.string().max(4096)).min(1).max(1000),
        /** The folder of the offer the files land in ('' for its root). */
        folder: z.string().max(1024).default(''),
      })
      .strict(),
    output: z.object({ uploads: z.array(OfferUploadSchema) }),
  },
  'offerUploads.list': {
    summary: 'The uploads of this session (oldest first), optionally of one offer.',
    input: z.object({ offerId: z.string().min(1).max(100).optional() }).strict(),
    output: z.object({ uploads: z.array(OfferUploadSchema) }),
  },
  'offerUploads.cancel': {
    summary: 'Cancels an upload that has not ended; the platform keeps what it received, so a retry continues it.',
    input: ById,
    output: OfferUploadSchema,
  },
  'offerUploads.retry': {
    summary: 'Queues a failed or cancelled upload again; it continues from what the platform already has.',
    input: ById,
    output: OfferUploadSchema,
  },
  'offerUploads.clearFinished': {
    summary: 'Forgets the uploads that are done, failed or cancelled.',
    input: z.object({}).strict(),
    output: z.object({ removed: z.array(z.string()) }),
  },
});

/** Events of the offer uploads domain. */
export const offerUploadsEvents = defineEvents({
  'offerUploads.updated': {
    summary: 'An upload changed (state at once; progress a few times a second).',
    payload: OfferUploadSchema,
  },
});
