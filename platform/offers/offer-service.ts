// Offers of a provider organisation: create, list, read, change, delete, publish, archive.
import { and, eq, ilike } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type {
  CreateOfferRequest,
  ListOffersQuery,
  Offer,
  OfferPage,
  OfferStatus,
  UpdateOfferRequest,
} from '../../shared/platform';
import { auditSuccess } from '../audit/audit-request';
import { newId } from '../auth/secret-token';
import { invalid } from '../connectors/connector-input';
import { countRows } from '../db/count-rows';
import type { Executor } from '../db/database';
import { containsPattern } from '../db/like-pattern';
import { paged } from '../db/paged';
import { offerFiles, offers, orgConnectors, sourceObservations } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { forgetOwnership, recordOwnership, type Owner } from '../resources/owned-resources';
import { deleteOfferRows } from './delete-offer';
import { removeStoredFiles } from './offer-bytes';
import { DEFAULT_SETTINGS, resolveSettings, settingsOf, type OfferSettings } from './offer-settings';
import { toOffers, type OfferRow } from './offer-views';

const ofOrg = (orgId: string, offerId: string) => and(eq(offers.orgId, orgId), eq(offers.id, offerId));

function sourceChanged(row: OfferRow, next: OfferSettings): boolean {
  return (
    row.sourceType !== next.sourceType ||
    row.sourceConnectorId !== next.sourceConnectorId ||
    row.sourceFolder !== next.sourceFolder
  );
}

function sourceOrIntervalChanged(row: OfferRow, next: OfferSettings): boolean {
  return sourceChanged(row, next) || row.scanIntervalMinutes !== next.scanIntervalMinutes;
}

/** invalid_state: the action does not apply to an offer in its current status. */
export function wrongState(status: OfferStatus, what: string): ApiError {
  return new ApiError('invalid_state', `${what}; this offer is ${status}.`);
}

/**
 * Offers: admins and editors (and editor API keys) create and manage them, viewers read them. Draft -> published
 * (in the catalog) -> archived (out of the catalog for good).
 */
export class OfferService {
  constructor(private readonly ctx: PlatformContext) {}

  /** The offer's row, or not_found (also for another organisation's); `lock` takes its row lock. */
  async find(orgId: string, offerId: string, db: Executor = this.ctx.db, lock = false): Promise<OfferRow> {
    const query = db.select().from(offers).where(ofOrg(orgId, offerId));
    const [row] = lock ? await query.for('update') : await query;
    if (row === undefined) throw notFound('Offer');
    return row;
  }

  /** One offer with its counts. */
  async read(orgId: string, offerId: string, db: Executor = this.ctx.db): Promise<Offer> {
    const [offer] = await toOffers(db, [await this.find(orgId, offerId, db)]);
    return offer!;
  }

  /** Creates a draft owned by `owner` (the member, or the API key, that asked). */
  async create(request: FastifyRequest, orgId: string, owner: Owner, body: CreateOfferRequest): Promise<Offer> {
    const now = this.ctx.now();
    const id = newId('off');
    await this.ctx.db.transaction(async (tx) => {
      const settings = await resolveSettings(tx, orgId, body.kind, DEFAULT_SETTINGS, body.subscription);
      await tx.insert(offers).values({
        id,
        orgId,
        title: body.title,
        description: body.description,
        kind: body.kind,
        status: 'draft',
        maxFileSize: body.maxFileSize,
        ...settings,
        creatorId: owner.type === 'user' ? owner.id : null,
        createdAt: now,
        updatedAt: now,
      });
      await recordOwnership(tx, orgId, 'offer', id, owner);
      await auditSuccess(tx, request, now, { type: 'offer', id });
    });
    return this.read(orgId, id);
  }

  /** A page of the organisation's offers, newest first unless sorted otherwise. */
  async list(orgId: string, query: ListOffersQuery): Promise<OfferPage> {
    const { q, status, kind, limit, offset, sort } = query;
    const where = and(
      eq(offers.orgId, orgId),
      q ? ilike(offers.title, containsPattern(q)) : undefined,
      status !== undefined ? eq(offers.status, status) : undefined,
      kind !== undefined ? eq(offers.kind, kind) : undefined,
    );
    const column = {
      createdAt: offers.createdAt,
      updatedAt: offers.updatedAt,
      title: offers.title,
      status: offers.status,
    }[sort];
    const rows = await paged(this.ctx.db.select().from(offers).where(where).$dynamic(), column, offers.id, query);
    const total = await countRows(this.ctx.db, offers, where);
    return { items: await toOffers(this.ctx.db, rows), total, limit, offset };
  }

  /**
   * Changes title, description, size limit and subscription settings (merged into the current ones). The kind changes
   * only while a draft (a new kind starts from default settings); a published subscription keeps a source.
   */
  async update(request: FastifyRequest, orgId: string, offerId: string, body: UpdateOfferRequest): Promise<Offer> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.find(orgId, offerId, tx, true);
      const kind = body.kind ?? row.kind;
      if (kind !== row.kind && row.status !== 'draft') {
        throw wrongState(row.status, 'The kind of an offer can only change while it is a draft');
      }
      const current = kind === row.kind ? settingsOf(row) : DEFAULT_SETTINGS;
      const settings = await resolveSettings(tx, orgId, kind, current, body.subscription);
      if (row.status === 'published' && kind === 'subscription' && settings.sourceType === 'none') {
        throw invalid(
          'body.subscription.source',
          'A published subscription needs a source: choose another one, or archive the offer.',
        );
      }
      await tx
        .update(offers)
        .set({
          title: body.title ?? row.title,
          description: body.description ?? row.description,
          kind,
          maxFileSize: body.maxFileSize ?? row.maxFileSize,
          ...settings,
          // A new source or interval is scanned at the next sweep instead of after the old interval.
          nextScanAt: sourceOrIntervalChanged(row, settings) ? null : row.nextScanAt,
          updatedAt: now,
        })
        .where(ofOrg(orgId, offerId));
      // What scans saw belongs to the old source: a new one starts from a first look (files taken once stable there).
      if (sourceChanged(row, settings))
        await tx.delete(sourceObservations).where(eq(sourceObservations.offerId, offerId));
      await auditSuccess(tx, request, now);
    });
    return this.read(orgId, offerId);
  }

  /**
   * Deletes an offer nobody ever acquired (a draft, or a published or archived offer without acquisitions) with its
   * files; offer_acquired otherwise. The stored bytes go once the deletion committed.
   */
  async remove(request: FastifyRequest, orgId: string, offerId: string): Promise<void> {
    const now = this.ctx.now();
    const keys = await this.ctx.db.transaction(async (tx) => {
      const deleted = await deleteOfferRows(tx, orgId, offerId);
      if (deleted === null) throw notFound('Offer');
      await forgetOwnership(tx, 'offer', offerId);
      await auditSuccess(tx, request, now);
      return deleted;
    });
    await removeStoredFiles(this.ctx, request.log, offerId, keys);
  }

  /**
   * Publishes a draft to the catalog. A one-shot offer needs at least one available file; a subscription needs a
   * source (a connector of the organisation, or a desktop agent). Otherwise offer_not_ready says what is missing.
   */
  async publish(request: FastifyRequest, orgId: string, offerId: string): Promise<Offer> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.find(orgId, offerId, tx, true);
      if (row.status !== 'draft') throw wrongState(row.status, 'Only a draft can be published');
      if (row.kind === 'one-shot') {
        const available = await countRows(
          tx,
          offerFiles,
          and(eq(offerFiles.offerId, offerId), eq(offerFiles.status, 'available')),
        );
        if (available === 0) {
          throw new ApiError(
            'offer_not_ready',
            'A one-shot offer needs at least one available file before it is published: upload or import one, or ' +
              'approve a pending one.',
          );
        }
      } else if (row.sourceType === 'none') {
        throw new ApiError(
          'offer_not_ready',
          'A subscription needs a source before it is published: an organisation connector and folder, or a ' +
            'desktop agent.',
        );
      } else if (row.sourceType === 'connector') {
        const [connector] = await tx
          .select({ id: orgConnectors.id })
          .from(orgConnectors)
          .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, row.sourceConnectorId ?? '')))
          .for('share');
        if (connector === undefined) {
          throw new ApiError(
            'offer_not_ready',
            "The subscription's source connector no longer exists: choose another.",
          );
        }
      }
      await tx
        .update(offers)
        .set({ status: 'published', publishedAt: now, updatedAt: now })
        .where(ofOrg(orgId, offerId));
      await auditSuccess(tx, request, now);
    });
    return this.read(orgId, offerId);
  }

  /**
   * Archives a published offer: it leaves the catalog and nobody can acquire it any more; its source is no longer
   * scanned and no file can be approved, so no new file joins it. Existing acquisitions keep every file they are
   * entitled to; an active subscription runs to its period's end without new files.
   */
  async archive(request: FastifyRequest, orgId: string, offerId: string): Promise<Offer> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.find(orgId, offerId, tx, true);
      if (row.status !== 'published') throw wrongState(row.status, 'Only a published offer can be archived');
      await tx
        .update(offers)
        .set({ status: 'archived', archivedAt: now, nextScanAt: null, updatedAt: now })
        .where(ofOrg(orgId, offerId));
      await auditSuccess(tx, request, now);
    });
    return this.read(orgId, offerId);
  }
}
