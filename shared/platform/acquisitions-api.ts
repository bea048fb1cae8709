import { z } from 'zod';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';
import { OrgParamsSchema } from './organisations-api';

/** An acquisition's state: active, ended (its period is over) or cancelled by the buyer. */
export const ACQUISITION_STATUSES = ['active', 'ended', 'cancelled'] as const;
/** An acquisition's state. */
export type AcquisitionStatus = (typeof ACQUISITION_STATUSES)[number];

const AcquisitionKind = z.enum(['one-shot', 'subscription']);

/**
 * POST /v1/orgs/{orgId}/acquisitions body: the offer, and for a subscription its period: an end date or a number of
 * months from now (exactly one; neither for a one-shot offer).
 */
export const CreateAcquisitionRequestSchema = z.object({
  offerId: Id,
  periodEnd: Timestamp.optional(),
  months: z.number().int().min(1).max(120).optional(),
});
/** POST acquisition body. */
export type CreateAcquisitionRequest = z.infer<typeof CreateAcquisitionRequestSchema>;

/** An acquisition as its buyer sees it. */
export const AcquisitionSchema = z.object({
  id: Id,
  offer: z.object({ id: Id, title: z.string() }),
  provider: z.object({ id: Id, name: z.string() }),
  kind: AcquisitionKind,
  status: z.enum(ACQUISITION_STATUSES),
  periodStart: Timestamp,
  /** Files made available from then on are not entitled (null: a one-shot, or none yet). */
  periodEnd: Timestamp.nullable(),
  acquiredAt: Timestamp,
  acquiredBy: z.object({ type: z.enum(['user', 'api-key']), id: Id }),
  /** How many files it is entitled to now. */
  entitledFiles: z.number().int(),
});
/** An acquisition as its buyer sees it. */
export type Acquisition = z.infer<typeof AcquisitionSchema>;

/** GET acquisitions query: paging, sort, a status filter. */
export const ListAcquisitionsQuerySchema = pageQuery(['acquiredAt'], 'acquiredAt').extend({
  status: z.enum(ACQUISITION_STATUSES).optional(),
});
/** GET acquisitions query. */
export type ListAcquisitionsQuery = z.infer<typeof ListAcquisitionsQuerySchema>;

/** A page of acquisitions. */
export const AcquisitionPageSchema = pageOf(AcquisitionSchema);
/** A page of acquisitions. */
export type AcquisitionPage = z.infer<typeof AcquisitionPageSchema>;

/** An acquisition of one of its offers as the provider sees it: who bought, when, for what period. */
export const SaleSchema = z.object({
  id: Id,
  buyer: z.object({ id: Id, name: z.string() }),
  kind: AcquisitionKind,
  status: z.enum(ACQUISITION_STATUSES),
  periodStart: Timestamp,
  periodEnd: Timestamp.nullable(),
  acquiredAt: Timestamp,
  entitledFiles: z.number().int(),
});
/** An acquisition as its provider sees it. */
export type Sale = z.infer<typeof SaleSchema>;

/** A page of an offer's acquisitions. */
export const SalePageSchema = pageOf(SaleSchema);
/** A page of an offer's acquisitions. */
export type SalePage = z.infer<typeof SalePageSchema>;

/** Path parameters of one acquisition. */
export const AcquisitionParamsSchema = z.object({ orgId: Id, acquisitionId: Id });
/** Path parameters of one entitled file. */
export const AcquisitionFileParamsSchema = z.object({ orgId: Id, acquisitionId: Id, fileId: Id });
/** Path parameters of one of the caller's offers. */
export const SalesParamsSchema = z.object({ orgId: Id, offerId: Id });

/** GET .../files query: the change feed's cursor (the last `seq` seen, 0 at first) and a page size. */
export const AcquisitionFilesQuerySchema = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** An entitled file, with its feed position `seq`. */
export const EntitledFileSchema = z.object({
  fileId: Id,
  seq: z.number().int(),
  path: z.string(),
  name: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  availableAt: Timestamp,
});
/** An entitled file. */
export type EntitledFile = z.infer<typeof EntitledFileSchema>;

/** A page of the change feed: files after the cursor by `seq`; pass `nextCursor` as `after` next time. */
export const EntitledFilesPageSchema = z.object({
  items: z.array(EntitledFileSchema),
  nextCursor: z.number().int(),
  hasMore: z.boolean(),
});
/** A page of the change feed. */
export type EntitledFilesPage = z.infer<typeof EntitledFilesPageSchema>;

/** A download link: anyone holding it downloads the file without signing in, until `expiresAt`. */
export const DownloadLinkSchema = z.object({ url: z.string(), expiresAt: Timestamp });
/** A download link. */
export type DownloadLink = z.infer<typeof DownloadLinkSchema>;

/** Path parameter of the public download route: the sealed link token. */
export const DownloadParamsSchema = z.object({ token: z.string().min(1).max(1000) });

/** A file's bytes (the whole file, or the range asked for with 206). */
export const FileContentSchema = z.string().describe('application/octet-stream');

const acquisition = { type: 'acquisition', param: 'acquisitionId' } as const;
const offer = { type: 'offer', param: 'offerId' } as const;

/** The acquisition routes: the buyer's acquisitions, their files and downloads, and the provider's sales. */
export const ACQUISITION_ROUTES = routesOf('acquisitions', {
  create: {
    method: 'POST',
    path: '/v1/orgs/:orgId/acquisitions',
    status: 201,
    params: OrgParamsSchema,
    body: CreateAcquisitionRequestSchema,
    response: AcquisitionSchema,
    access: { kind: 'org', action: 'acquisitions.create', minRole: 'editor' },
    summary: "Acquire another organisation's published offer (a subscription for a period: periodEnd or months)",
  },
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/acquisitions',
    status: 200,
    params: OrgParamsSchema,
    query: ListAcquisitionsQuerySchema,
    response: AcquisitionPageSchema,
    access: { kind: 'org', action: 'acquisitions.list', minRole: 'viewer' },
    summary: "The organisation's acquisitions (filter by status)",
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/acquisitions/:acquisitionId',
    status: 200,
    params: AcquisitionParamsSchema,
    response: AcquisitionSchema,
    access: { kind: 'org', action: 'acquisitions.read', minRole: 'viewer', target: acquisition },
    summary: 'One acquisition',
  },
  cancel: {
    method: 'POST',
    path: '/v1/orgs/:orgId/acquisitions/:acquisitionId/cancel',
    status: 200,
    params: AcquisitionParamsSchema,
    response: AcquisitionSchema,
    access: { kind: 'org', action: 'acquisitions.cancel', minRole: 'editor', target: acquisition },
    summary: 'End an acquisition now: no file made available from now on is entitled; delivered files stay',
  },
  delete: {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/acquisitions/:acquisitionId',
    status: 200,
    params: AcquisitionParamsSchema,
    response: AcquisitionSchema,
    access: { kind: 'org', action: 'acquisitions.cancel', minRole: 'editor', target: acquisition },
    summary: 'The same as POST .../cancel (the acquisition is kept, cancelled)',
  },
  files: {
    method: 'GET',
    path: '/v1/orgs/:orgId/acquisitions/:acquisitionId/files',
    status: 200,
    params: AcquisitionParamsSchema,
    query: AcquisitionFilesQuerySchema,
    response: EntitledFilesPageSchema,
    access: { kind: 'org', action: 'acquisitions.files', minRole: 'viewer', target: acquisition },
    summary: 'The change feed: entitled files after the cursor `after` (a seq), in order, with the next cursor',
  },
  content: {
    method: 'GET',
    path: '/v1/orgs/:orgId/acquisitions/:acquisitionId/files/:fileId/content',
    status: 200,
    params: AcquisitionFileParamsSchema,
    response: FileContentSchema,
    responses: { 206: FileContentSchema },
    access: { kind: 'org', action: 'acquisitions.download', minRole: 'viewer', target: acquisition },
    summary: 'Download an entitled file (Range supported, its SHA-256 in a header); refused once cancelled',
    produces: ['application/octet-stream'],
  },
  link: {
    method: 'POST',
    path: '/v1/orgs/:orgId/acquisitions/:acquisitionId/files/:fileId/link',
    status: 201,
    params: AcquisitionFileParamsSchema,
    response: DownloadLinkSchema,
    access: { kind: 'org', action: 'downloads.link', minRole: 'viewer', target: acquisition },
    summary: 'A link to download an entitled file without signing in, valid 30 days (refused once cancelled)',
  },
  download: {
    method: 'GET',
    path: '/v1/downloads/:token',
    status: 200,
    params: DownloadParamsSchema,
    response: FileContentSchema,
    responses: { 206: FileContentSchema },
    access: { kind: 'public', action: 'downloads.download' },
    summary: 'Download a file through a download link (Range supported); refused once expired or cancelled',
    produces: ['application/octet-stream'],
  },
  sales: {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers/:offerId/acquisitions',
    status: 200,
    params: SalesParamsSchema,
    query: ListAcquisitionsQuerySchema,
    response: SalePageSchema,
    access: { kind: 'org', action: 'offers.acquisitions', minRole: 'editor', target: offer },
    summary: "Who acquired one of the caller's offers: buyer organisation, kind, period, status, entitled files",
  },
});
