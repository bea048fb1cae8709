import { z } from 'zod';
import { multiLineText, singleLineText } from './text-schemas';
import { routesOf } from './api-route';
import { OrgParamsSchema } from './organisations-api';
import { Id, Timestamp, pageOf, pageQuery } from './paging';

/** An offer's kind: its files once (one-shot), or every file added during a subscription's period. */
export const OFFER_KINDS = ['one-shot', 'subscription'] as const;
/** An offer's kind. */
export type OfferKind = (typeof OFFER_KINDS)[number];

/** An offer's life: draft (only its organisation sees it) -> published (in the catalog) -> archived. */
export const OFFER_STATUSES = ['draft', 'published', 'archived'] as const;
/** An offer's status. */
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/** An offer file's state: waiting for approval, offered to buyers, or removed from future deliveries. */
export const OFFER_FILE_STATUSES = ['pending', 'available', 'removed'] as const;
/** An offer file's state. */
export type OfferFileStatus = (typeof OFFER_FILE_STATUSES)[number];

/** How often buyers are told a subscription delivers (shown in the catalog). */
export const DELIVERY_FREQUENCIES = ['as-added', 'hourly', 'daily', 'weekly', 'monthly'] as const;

const GIB = 1024 ** 3;
/** The largest file an offer accepts unless its provider says otherwise: 10 GiB. */
export const DEFAULT_MAX_FILE_SIZE = 10 * GIB;
/** The largest `maxFileSize` an offer may set: 1 TiB. */
export const MAX_FILE_SIZE_CAP = 1024 * GIB;

/** A subscription's scan interval in minutes: hourly unless set, never more often than every 5 minutes, weekly at least. */
export const SCAN_INTERVAL_MINUTES = { min: 5, default: 60, max: 7 * 24 * 60 } as const;

/** The most files one approve or reject call takes. */
export const MAX_FILES_PER_CALL = 1000;

/**
 * What feeds a subscription: nothing yet, a folder of one of the organisation's connectors (scanned on the interval;
 * `folder` relative to the connector's root, '' for the root), or a desktop agent pushing files.
 */
export const OfferSourceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('connector'), connectorId: Id, folder: z.string().max(4096) }),
  z.object({ type: z.literal('agent') }),
]);
/** What feeds a subscription. */
export type OfferSource = z.infer<typeof OfferSourceSchema>;

/** Which past files a new subscriber gets: all, the `count` latest, or none (only files added from then on). */
export const HistoryPolicySchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('all') }),
  z.object({ type: z.literal('last'), count: z.number().int().min(1).max(100_000) }),
  z.object({ type: z.literal('none') }),
]);
/** Which past files a new subscriber gets. */
export type HistoryPolicy = z.infer<typeof HistoryPolicySchema>;

/** A subscription's settings as read. */
export const SubscriptionSettingsSchema = z.object({
  source: OfferSourceSchema,
  scanIntervalMinutes: z.number().int(),
  /** New files from the source wait as pending until an editor approves them. */
  staging: z.boolean(),
  historyPolicy: HistoryPolicySchema,
  deliveryFrequency: z.enum(DELIVERY_FREQUENCIES),
  firstDeliveryAt: Timestamp.nullable(),
});
/** A subscription's settings. */
export type SubscriptionSettings = z.infer<typeof SubscriptionSettingsSchema>;

/** Subscription settings as a form sends them: absent fields keep their value (defaults at creation). */
export const SubscriptionSettingsInputSchema = z.object({
  source: OfferSourceSchema.optional(),
  scanIntervalMinutes: z.number().int().min(SCAN_INTERVAL_MINUTES.min).max(SCAN_INTERVAL_MINUTES.max).optional(),
  staging: z.boolean().optional(),
  historyPolicy: HistoryPolicySchema.optional(),
  deliveryFrequency: z.enum(DELIVERY_FREQUENCIES).optional(),
  firstDeliveryAt: Timestamp.nullable().optional(),
});
/** Subscription settings as a form sends them. */
export type SubscriptionSettingsInput = z.infer<typeof SubscriptionSettingsInputSchema>;

const OfferTitle = singleLineText(200);
const OfferDescription = multiLineText(10_000);
const MaxFileSize = z.number().int().min(1).max(MAX_FILE_SIZE_CAP);

/**
 * An offer as its organisation sees it. Counts: available files and their total size, files pending approval;
 * `subscriberCount` is the number of active acquisitions (buyers stay anonymous here).
 */
export const OfferSchema = z.object({
  id: Id,
  title: z.string(),
  description: z.string(),
  kind: z.enum(OFFER_KINDS),
  status: z.enum(OFFER_STATUSES),
  maxFileSize: z.number().int(),
  /** Null for a one-shot offer. */
  subscription: SubscriptionSettingsSchema.nullable(),
  fileCount: z.number().int(),
  totalSize: z.number().int(),
  pendingFileCount: z.number().int(),
  lastScanAt: Timestamp.nullable(),
  nextScanAt: Timestamp.nullable(),
  subscriberCount: z.number().int(),
  owner: z.object({ type: z.enum(['user', 'api-key']), id: Id }).nullable(),
  /** The member who created it (null when an API key did: see `owner`). */
  creatorId: Id.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  publishedAt: Timestamp.nullable(),
  archivedAt: Timestamp.nullable(),
});
/** An offer as its organisation sees it. */
export type Offer = z.infer<typeof OfferSchema>;

/** POST /v1/orgs/{orgId}/offers body: a draft's title, description, kind, file size limit, subscription settings. */
export const CreateOfferRequestSchema = z.object({
  title: OfferTitle,
  description: OfferDescription.default(''),
  kind: z.enum(OFFER_KINDS),
  maxFileSize: MaxFileSize.default(DEFAULT_MAX_FILE_SIZE),
  /** Only for a subscription (refused for a one-shot offer). */
  subscription: SubscriptionSettingsInputSchema.optional(),
});
/** POST offer body. */
export type CreateOfferRequest = z.infer<typeof CreateOfferRequestSchema>;

/**
 * PATCH body: any of title, description, file size limit, subscription settings (merged into the current ones); the
 * kind only while a draft (changing it resets the subscription settings).
 */
export const UpdateOfferRequestSchema = z.object({
  title: OfferTitle.optional(),
  description: OfferDescription.optional(),
  kind: z.enum(OFFER_KINDS).optional(),
  maxFileSize: MaxFileSize.optional(),
  subscription: SubscriptionSettingsInputSchema.optional(),
});
/** PATCH offer body. */
export type UpdateOfferRequest = z.infer<typeof UpdateOfferRequestSchema>;

/** GET offers query: paging, sort, a filter on the title, status and kind filters. */
export const ListOffersQuerySchema = pageQuery(['createdAt', 'updatedAt', 'title', 'status'], 'createdAt').extend({
  q: z.string().max(200).optional(),
  status: z.enum(OFFER_STATUSES).optional(),
  kind: z.enum(OFFER_KINDS).optional(),
});
/** GET offers query. */
export type ListOffersQuery = z.infer<typeof ListOffersQuerySchema>;

/** A page of offers. */
export const OfferPageSchema = pageOf(OfferSchema);
/** A page of offers. */
export type OfferPage = z.infer<typeof OfferPageSchema>;

/** Path parameters of one offer. */
export const OfferParamsSchema = z.object({ orgId: Id, offerId: Id });

/** Path parameters of one file of an offer. */
export const OfferFileParamsSchema = z.object({ orgId: Id, offerId: Id, fileId: Id });

/**
 * A file of an offer: its path in the offer, size, SHA-256, how it came (`originRef` says from where), its state and
 * feed position (`seq`, given when it became available).
 */
export const OfferFileSchema = z.object({
  id: Id,
  path: z.string(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  origin: z.enum(['upload', 'import', 'agent']),
  originRef: z.string().nullable(),
  status: z.enum(OFFER_FILE_STATUSES),
  seq: z.number().int().nullable(),
  addedAt: Timestamp,
  availableAt: Timestamp.nullable(),
  removedAt: Timestamp.nullable(),
});
/** A file of an offer. */
export type OfferFile = z.infer<typeof OfferFileSchema>;

/** GET offer files query: paging, sort by path, time added or feed position, a status filter, a path filter. */
export const ListOfferFilesQuerySchema = pageQuery(['addedAt', 'path', 'seq'], 'addedAt').extend({
  status: z.enum(OFFER_FILE_STATUSES).optional(),
  q: z.string().max(200).optional(),
});
/** GET offer files query. */
export type ListOfferFilesQuery = z.infer<typeof ListOfferFilesQuerySchema>;

/** A page of offer files. */
export const OfferFilePageSchema = pageOf(OfferFileSchema);
/** A page of offer files. */
export type OfferFilePage = z.infer<typeof OfferFilePageSchema>;

/** Approve or reject body: the pending files' IDs. */
export const OfferFileIdsRequestSchema = z.object({ fileIds: z.array(Id).min(1).max(MAX_FILES_PER_CALL) });
/** Approve or reject body. */
export type OfferFileIdsRequest = z.infer<typeof OfferFileIdsRequestSchema>;

/** The files an approve or reject call changed (files not pending any more are left as they were). */
export const OfferFilesChangedSchema = z.object({ files: z.array(OfferFileSchema) });
/** The files an approve or reject call changed. */
export type OfferFilesChanged = z.infer<typeof OfferFilesChangedSchema>;

const offer = { type: 'offer', param: 'offerId' } as const;
const offerFile = { type: 'offer-file', param: 'fileId' } as const;

/** The offer routes of a provider organisation (admins and editors manage, viewers read). */
export const OFFER_ROUTES = routesOf('offers', {
  create: {
    method: 'POST',
    path: '/v1/orgs/:orgId/offers',
    status: 201,
    params: OrgParamsSchema,
    body: CreateOfferRequestSchema,
    response: OfferSchema,
    access: { kind: 'org', action: 'offers.create', minRole: 'editor' },
    summary: 'Create a draft offer (one-shot or subscription), owned by its creator',
  },
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers',
    status: 200,
    params: OrgParamsSchema,
    query: ListOffersQuerySchema,
    response: OfferPageSchema,
    access: { kind: 'org', action: 'offers.list', minRole: 'viewer' },
    summary: "List the organisation's offers, filtered by status, kind and title",
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers/:offerId',
    status: 200,
    params: OfferParamsSchema,
    response: OfferSchema,
    access: { kind: 'org', action: 'offers.read', minRole: 'viewer', target: offer },
    summary: 'One offer with its file count, total size, last scan and number of active acquisitions',
  },
  update: {
    method: 'PATCH',
    path: '/v1/orgs/:orgId/offers/:offerId',
    status: 200,
    params: OfferParamsSchema,
    body: UpdateOfferRequestSchema,
    response: OfferSchema,
    access: { kind: 'org', action: 'offers.update', minRole: 'editor', target: offer },
    summary: 'Change title, description, file size limit, subscription settings (the kind only while a draft)',
  },
  delete: {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/offers/:offerId',
    status: 204,
    params: OfferParamsSchema,
    response: z.null(),
    access: { kind: 'org', action: 'offers.delete', minRole: 'editor', target: offer },
    summary: 'Delete an offer and its files; refused (offer_acquired) once anyone acquired it: archive it instead',
  },
  publish: {
    method: 'POST',
    path: '/v1/orgs/:orgId/offers/:offerId/publish',
    status: 200,
    params: OfferParamsSchema,
    response: OfferSchema,
    access: { kind: 'org', action: 'offers.publish', minRole: 'editor', target: offer },
    summary: 'Publish a draft to the catalog (one-shot: an available file needed; subscription: a source)',
  },
  archive: {
    method: 'POST',
    path: '/v1/orgs/:orgId/offers/:offerId/archive',
    status: 200,
    params: OfferParamsSchema,
    response: OfferSchema,
    access: { kind: 'org', action: 'offers.archive', minRole: 'editor', target: offer },
    summary:
      'Archive a published offer: out of the catalog, no new acquisitions and no new files; buyers keep their files',
  },
  files: {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers/:offerId/files',
    status: 200,
    params: OfferParamsSchema,
    query: ListOfferFilesQuerySchema,
    response: OfferFilePageSchema,
    access: { kind: 'org', action: 'offers.files.list', minRole: 'viewer', target: offer },
    summary: "A page of the offer's files (pending, available, removed), by time added, path or feed position",
  },
  removeFile: {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/offers/:offerId/files/:fileId',
    status: 204,
    params: OfferFileParamsSchema,
    response: z.null(),
    access: { kind: 'org', action: 'offers.files.remove', minRole: 'editor', target: offerFile },
    summary:
      'Remove a file: deleted from a draft; from a published offer, removed from future deliveries only (buyers keep it)',
  },
  approveFiles: {
    method: 'POST',
    path: '/v1/orgs/:orgId/offers/:offerId/files/approve',
    status: 200,
    params: OfferParamsSchema,
    body: OfferFileIdsRequestSchema,
    response: OfferFilesChangedSchema,
    access: { kind: 'org', action: 'offers.files.approve', minRole: 'editor', target: offer },
    summary: 'Approve pending files: they become available to buyers, in the order they were added',
  },
  rejectFiles: {
    method: 'POST',
    path: '/v1/orgs/:orgId/offers/:offerId/files/reject',
    status: 200,
    params: OfferParamsSchema,
    body: OfferFileIdsRequestSchema,
    response: OfferFilesChangedSchema,
    access: { kind: 'org', action: 'offers.files.reject', minRole: 'editor', target: offer },
    summary: 'Reject pending files: removed, never offered to buyers (their stored bytes are deleted)',
  },
});
