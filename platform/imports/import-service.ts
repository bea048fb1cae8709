// The rules of imports and scans behind the routes: which offer, which connector, what is queued and what is read.
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import { describeError } from '../../connectors/connector-error';
import { normalizePath } from '../../connectors/path-safety';
import {
  MAX_OFFER_PATH_BYTES,
  type CreateImportRequest,
  type ListImportsQuery,
  type OfferImport,
  type OfferImportPage,
  type ScanPreview,
} from '../../shared/platform/imports-api';
import { auditSuccess } from '../audit/audit-request';
import { newId } from '../auth/secret-token';
import { openOrgConnector } from '../connectors/open-org-connector';
import { countRows } from '../db/count-rows';
import type { Executor } from '../db/database';
import { paged } from '../db/paged';
import { offerImports, offers } from '../db/schema';
import { iso } from '../db/to-api';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { IMPORT_QUEUE, SCAN_QUEUE } from './import-queues';
import type { ImportRequest } from './import-run';
import { previewScan } from './scan-preview';
import { hasConnectorSource, SCAN_OFFER_COLUMNS, type ScanOffer } from './scan-run';

type ImportRow = typeof offerImports.$inferSelect;

/** An offer_imports row as the API shows it. */
export function toOfferImport(row: ImportRow): OfferImport {
  const request = row.request as unknown as ImportRequest | null;
  return {
    id: row.id,
    offerId: row.offerId,
    kind: row.kind,
    trigger: row.trigger,
    status: row.status,
    request:
      request === null
        ? null
        : { connectorId: request.connectorId, paths: [...request.paths], targetFolder: request.targetFolder },
    added: row.added.map((file) => ({ path: file.path, fileId: file.fileId })),
    skipped: row.skipped.map((file) => ({ path: file.path, reason: file.reason })),
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
  };
}

// A connector path as typed in a form, normalised; refused with validation_failed naming the problem.
function connectorPath(path: string, what: string): string {
  try {
    return normalizePath(path);
  } catch (error) {
    throw new ApiError('validation_failed', `${what}: ${describeError(error)}`);
  }
}

/** Imports into an organisation's offers and scans of their sources. */
export class ImportService {
  constructor(private readonly ctx: PlatformContext) {}

  private async offer(orgId: string, offerId: string, db: Executor = this.ctx.db): Promise<ScanOffer> {
    const [offer] = await db
      .select(SCAN_OFFER_COLUMNS)
      .from(offers)
      .where(and(eq(offers.orgId, orgId), eq(offers.id, offerId)));
    if (offer === undefined) throw notFound('Offer');
    return offer;
  }

  private async scannable(orgId: string, offerId: string): Promise<ScanOffer & { sourceConnectorId: string }> {
    const offer = await this.offer(orgId, offerId);
    if (!hasConnectorSource(offer)) {
      throw new ApiError(
        'validation_failed',
        'Only a subscription offer (not archived) whose source is an organisation connector is scanned.',
      );
    }
    return offer;
  }

  /**
   * Queues an import: checks the offer (not archived), the connector (of this organisation and usable: opened, not
   * used) and the paths, then records the import (queued) and sends its job in one transaction, audited.
   */
  async create(
    request: FastifyRequest,
    orgId: string,
    offerId: string,
    body: CreateImportRequest,
  ): Promise<OfferImport> {
    const offer = await this.offer(orgId, offerId);
    if (offer.status === 'archived') throw new ApiError('validation_failed', 'An archived offer takes no new files.');
    const paths = [...new Set(body.paths.map((path) => connectorPath(path, 'A path to import')))];
    const targetFolder = connectorPath(body.targetFolder, 'The target folder');
    if (Buffer.byteLength(targetFolder, 'utf8') >= MAX_OFFER_PATH_BYTES) {
      throw new ApiError('validation_failed', `The target folder is longer than ${MAX_OFFER_PATH_BYTES} bytes.`);
    }
    // Refuses a connector of another organisation (not_found) or one that cannot be used now (connector_unusable).
    await (await openOrgConnector(this.ctx, orgId, body.connectorId)).close().catch(() => undefined);
    const now = this.ctx.now();
    const id = newId('imp');
    const requested: ImportRequest = { connectorId: body.connectorId, paths, targetFolder };
    const row = await this.ctx.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(offerImports)
        .values({
          id,
          offerId,
          orgId,
          kind: 'import',
          trigger: 'manual',
          status: 'queued',
          request: { ...requested },
          createdAt: now,
        })
        .returning();
      await this.ctx.jobs.send(IMPORT_QUEUE, { orgId, offerId, importId: id }, { executor: tx, singletonKey: id });
      await auditSuccess(tx, request, now, { type: 'offer', id: offerId });
      return inserted!;
    });
    return toOfferImport(row);
  }

  /** A page of the offer's imports and scans. */
  async list(orgId: string, offerId: string, query: ListImportsQuery): Promise<OfferImportPage> {
    await this.offer(orgId, offerId);
    const where = and(
      eq(offerImports.orgId, orgId),
      eq(offerImports.offerId, offerId),
      query.kind !== undefined ? eq(offerImports.kind, query.kind) : undefined,
    );
    const rows = await paged(
      this.ctx.db.select().from(offerImports).where(where).$dynamic(),
      offerImports.createdAt,
      offerImports.id,
      query,
    );
    const total = await countRows(this.ctx.db, offerImports, where);
    return { items: rows.map(toOfferImport), total, limit: query.limit, offset: query.offset };
  }

  /** One import or scan of the offer. */
  async read(orgId: string, offerId: string, importId: string): Promise<OfferImport> {
    const [row] = await this.ctx.db
      .select()
      .from(offerImports)
      .where(and(eq(offerImports.orgId, orgId), eq(offerImports.offerId, offerId), eq(offerImports.id, importId)));
    if (row === undefined) throw notFound('Import');
    return toOfferImport(row);
  }

  /** Queues a scan of the subscription's source now (recorded queued, its job sent in the same transaction), audited. */
  async scanNow(request: FastifyRequest, orgId: string, offerId: string): Promise<OfferImport> {
    await this.scannable(orgId, offerId);
    const now = this.ctx.now();
    const id = newId('imp');
    const row = await this.ctx.db.transaction(async (tx) => {
      const [inserted] = await tx
        .insert(offerImports)
        .values({ id, offerId, orgId, kind: 'scan', trigger: 'manual', status: 'queued', createdAt: now })
        .returning();
      await this.ctx.jobs.send(SCAN_QUEUE, { orgId, offerId, importId: id }, { executor: tx, singletonKey: offerId });
      await auditSuccess(tx, request, now, { type: 'offer', id: offerId });
      return inserted!;
    });
    return toOfferImport(row);
  }

  /** What the next scan would do (nothing written). */
  async preview(orgId: string, offerId: string): Promise<ScanPreview> {
    return previewScan(this.ctx, await this.scannable(orgId, offerId));
  }

  /** The queued or running imports reading from any of the connectors (so none is deleted under them). */
  async importsUsing(db: Executor, orgId: string, connectorIds: readonly string[]) {
    const connectorId = sql<string>`${offerImports.request} ->> 'connectorId'`;
    return db
      .select({ id: offerImports.id, offerId: offerImports.offerId, title: offers.title, connectorId })
      .from(offerImports)
      .innerJoin(offers, eq(offers.id, offerImports.offerId))
      .where(
        and(
          eq(offerImports.orgId, orgId),
          eq(offerImports.kind, 'import'),
          sql`${offerImports.status} in ('queued', 'running')`,
          inArray(connectorId, [...connectorIds]),
        ),
      );
  }
}
