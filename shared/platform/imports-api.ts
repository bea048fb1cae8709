import { z } from 'zod';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';

/** Files one import may select and walk (folders included, recursively): past it, the rest is skipped with a reason. */
export const MAX_IMPORT_FILES = 1000;
/** Longest path of a file in an offer, in UTF-8 bytes: longer ones are skipped with a reason. */
export const MAX_OFFER_PATH_BYTES = 1024;

/** Path parameters of an offer's imports (the offer of the caller's organisation). */
export const ImportOfferParamsSchema = z.object({ orgId: Id, offerId: Id });

/** Path parameters of one import or scan of an offer. */
export const ImportParamsSchema = ImportOfferParamsSchema.extend({ importId: Id });

/** A path on a connector ('' is its root), as a form sends it. */
const ConnectorPath = z.string().max(4096);

/**
 * POST .../imports body: an organisation connector of the offer's organisation, the files and folders to copy in
 * (folders recursively, their own name kept, as `cp -r` does) and the folder of the offer they land in.
 */
export const CreateImportRequestSchema = z.object({
  connectorId: Id,
  paths: z.array(ConnectorPath).min(1).max(100),
  targetFolder: z.string().max(1024).default(''),
});
/** POST import body. */
export type CreateImportRequest = z.infer<typeof CreateImportRequestSchema>;

/** A file an import or scan added to the offer. */
export const ImportedFileSchema = z.object({ path: z.string(), fileId: Id });

/** A file an import or scan left out, and why (already in the offer, unsafe name, too large, gone...). */
export const SkippedFileSchema = z.object({ path: z.string(), reason: z.string() });

/**
 * An import (files picked on a connector) or a scan (a subscription's source looked at): what triggered it, its
 * state, what it added and what it skipped; `error` says why a failed one stopped (nothing is ever removed).
 */
export const OfferImportSchema = z.object({
  id: Id,
  offerId: Id,
  kind: z.enum(['scan', 'import']),
  trigger: z.enum(['schedule', 'manual']),
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  request: z.object({ connectorId: Id, paths: z.array(z.string()), targetFolder: z.string() }).nullable(),
  added: z.array(ImportedFileSchema),
  skipped: z.array(SkippedFileSchema),
  error: z.string().nullable(),
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
});
/** An import or scan of an offer. */
export type OfferImport = z.infer<typeof OfferImportSchema>;

/** GET .../imports query: paging (newest first by default) and a filter on the kind. */
export const ListImportsQuerySchema = pageQuery(['createdAt'], 'createdAt').extend({
  order: z.enum(['asc', 'desc']).default('desc'),
  kind: z.enum(['scan', 'import']).optional(),
});
/** GET imports query. */
export type ListImportsQuery = z.infer<typeof ListImportsQuerySchema>;

/** A page of imports and scans. */
export const OfferImportPageSchema = pageOf(OfferImportSchema);
/** A page of imports and scans. */
export type OfferImportPage = z.infer<typeof OfferImportPageSchema>;

/**
 * What the next scan of a subscription's source would do, found without changing anything: files it would add
 * (stable since the last look), files waiting to be stable (first seen, or changed since), files it would skip and
 * why, and how many it took or skipped before (unchanged since). `truncated` when the look stopped at its time or size bound; `warning` when
 * the source looks empty although it held files (the scan would stop, removing nothing).
 */
export const ScanPreviewSchema = z.object({
  add: z.array(z.object({ path: z.string(), size: z.number().int() })),
  waiting: z.array(z.object({ path: z.string(), size: z.number().int(), reason: z.string() })),
  skipped: z.array(SkippedFileSchema),
  unchanged: z.number().int(),
  truncated: z.boolean(),
  warning: z.string().nullable(),
});
/** A scan preview. */
export type ScanPreview = z.infer<typeof ScanPreviewSchema>;

const offer = { type: 'offer', param: 'offerId' } as const;

/** Imports from organisation connectors into offers, and scans of subscription sources. */
export const IMPORT_ROUTES = routesOf('imports', {
  create: {
    method: 'POST',
    path: '/v1/orgs/:orgId/offers/:offerId/imports',
    status: 202,
    params: ImportOfferParamsSchema,
    body: CreateImportRequestSchema,
    response: OfferImportSchema,
    access: { kind: 'org', action: 'imports.create', minRole: 'editor', target: offer },
    summary: 'Import files and folders from an organisation connector into the offer (queued, copied in verified)',
  },
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers/:offerId/imports',
    status: 200,
    params: ImportOfferParamsSchema,
    query: ListImportsQuerySchema,
    response: OfferImportPageSchema,
    access: { kind: 'org', action: 'imports.list', minRole: 'viewer', target: offer },
    summary: "The offer's imports and scans, newest first",
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers/:offerId/imports/:importId',
    status: 200,
    params: ImportParamsSchema,
    response: OfferImportSchema,
    access: { kind: 'org', action: 'imports.read', minRole: 'viewer', target: offer },
    summary: 'One import or scan: state, files added, files skipped and why',
  },
  scan: {
    method: 'POST',
    path: '/v1/orgs/:orgId/offers/:offerId/scan',
    status: 202,
    params: ImportOfferParamsSchema,
    response: OfferImportSchema,
    access: { kind: 'org', action: 'imports.scan', minRole: 'editor', target: offer },
    summary: "Scan the subscription's source now (queued)",
  },
  preview: {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers/:offerId/scan-preview',
    status: 200,
    params: ImportOfferParamsSchema,
    response: ScanPreviewSchema,
    access: { kind: 'org', action: 'imports.preview', minRole: 'editor', target: offer },
    summary: 'What the next scan would add, what waits to be stable, what it would skip (changes nothing)',
  },
});
