// Acquisitions: a buyer organisation acquires another's published offer, lists and cancels its acquisitions; the
// provider sees who acquired its offers. The entitlement window is fixed under the offer row's lock.
import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type {
  Acquisition,
  AcquisitionPage,
  CreateAcquisitionRequest,
  ListAcquisitionsQuery,
  SalePage,
} from '../../shared/platform';
import { auditSuccess } from '../audit/audit-request';
import type { Principal } from '../auth/principal';
import { newId } from '../auth/secret-token';
import type { Executor } from '../db/database';
import { paged } from '../db/paged';
import { countRows } from '../db/count-rows';
import { acquisitions, offers, organisations } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { entitledCount, historyAfterSeq, lockOffer, statusAt, statusWhere } from './entitlement';

/** An acquisition's row. */
export type AcquisitionRow = typeof acquisitions.$inferSelect;

const invalid = (path: string, message: string) =>
  new ApiError('validation_failed', message, { issues: [{ path, message }] });

/** `months` calendar months after `from` (UTC), the day kept or the month's last day when it has fewer. */
export function addMonths(from: Date, months: number): Date {
  const target = new Date(from.getTime());
  const day = target.getUTCDate();
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target;
}

// The period's end a request asks for: none for a one-shot; an end date or months for a subscription.
function periodEndOf(kind: 'one-shot' | 'subscription', body: CreateAcquisitionRequest, now: Date): Date | null {
  const given = body.periodEnd !== undefined || body.months !== undefined;
  if (kind === 'one-shot') {
    if (given) throw invalid('body.periodEnd', 'A one-shot offer is acquired without a period.');
    return null;
  }
  if (body.periodEnd !== undefined && body.months !== undefined) {
    throw invalid('body.months', 'Give either periodEnd or months, not both.');
  }
  if (body.months !== undefined) return addMonths(now, body.months);
  if (body.periodEnd === undefined) throw invalid('body.periodEnd', 'A subscription needs periodEnd or months.');
  const end = new Date(body.periodEnd);
  if (end <= now) throw invalid('body.periodEnd', 'The period must end in the future.');
  return end;
}

const iso = (date: Date | null) => date?.toISOString() ?? null;

/** Acquisitions of a buyer organisation and, for providers, of their offers. */
export class AcquisitionService {
  constructor(private readonly ctx: PlatformContext) {}

  /**
   * Acquires a published offer of another organisation. The offer row stays locked until commit, as makeAvailable
   * locks it to hand out positions: a file made available meanwhile is wholly before the window or wholly in it.
   */
  async create(
    request: FastifyRequest,
    buyerOrgId: string,
    principal: Principal,
    body: CreateAcquisitionRequest,
  ): Promise<Acquisition> {
    const id = newId('acq');
    await this.ctx.db.transaction(async (tx) => {
      const offer = await lockOffer(tx, body.offerId);
      if (offer === undefined) throw notFound('Offer');
      if (offer.orgId === buyerOrgId) throw new ApiError('own_offer', 'An organisation cannot acquire its own offer.');
      if (offer.status !== 'published') throw notFound('Offer');
      // Read after the lock: a concurrent acquisition of the same offer has committed (or not) by now.
      const now = this.ctx.now();
      const [held] = await tx
        .select({ id: acquisitions.id })
        .from(acquisitions)
        .where(
          and(eq(acquisitions.offerId, offer.id), eq(acquisitions.buyerOrgId, buyerOrgId), statusWhere('active', now)),
        );
      if (held !== undefined) {
        throw new ApiError('already_acquired', 'Your organisation already holds an active acquisition of this offer.');
      }
      const periodEnd = periodEndOf(offer.kind, body, now);
      await tx.insert(acquisitions).values({
        id,
        offerId: offer.id,
        providerOrgId: offer.orgId,
        buyerOrgId,
        kind: offer.kind,
        status: 'active',
        acquiredByType: principal.type,
        acquiredById: principal.type === 'user' ? principal.userId : principal.keyId,
        historyAfterSeq: await historyAfterSeq(tx, offer),
        untilSeq: offer.kind === 'one-shot' ? offer.fileSeq : null,
        periodStart: now,
        periodEnd,
        createdAt: now,
      });
      await auditSuccess(tx, request, now, { type: 'acquisition', id });
    });
    return this.read(buyerOrgId, id);
  }

  /** A page of the buyer's acquisitions, oldest first unless order=desc, optionally in one state. */
  async list(buyerOrgId: string, query: ListAcquisitionsQuery): Promise<AcquisitionPage> {
    const now = this.ctx.now();
    const where = and(
      eq(acquisitions.buyerOrgId, buyerOrgId),
      query.status !== undefined ? statusWhere(query.status, now) : undefined,
    );
    const rows = await paged(
      this.buyerView(this.ctx.db).where(where).$dynamic(),
      acquisitions.createdAt,
      acquisitions.id,
      query,
    );
    const total = await countRows(this.ctx.db, acquisitions, where);
    return { items: rows.map((r) => this.toAcquisition(r, now)), total, limit: query.limit, offset: query.offset };
  }

  /** One acquisition of the buyer; another organisation's is not_found. */
  async read(buyerOrgId: string, acquisitionId: string): Promise<Acquisition> {
    const [row] = await this.buyerView(this.ctx.db).where(
      and(eq(acquisitions.buyerOrgId, buyerOrgId), eq(acquisitions.id, acquisitionId)),
    );
    if (row === undefined) throw notFound('Acquisition');
    return this.toAcquisition(row, this.ctx.now());
  }

  /** The buyer's acquisition row, or not_found (also another organisation's); `lock` for changes. */
  async find(
    buyerOrgId: string,
    acquisitionId: string,
    db: Executor = this.ctx.db,
    lock = false,
  ): Promise<AcquisitionRow> {
    const query = db
      .select()
      .from(acquisitions)
      .where(and(eq(acquisitions.buyerOrgId, buyerOrgId), eq(acquisitions.id, acquisitionId)));
    const [row] = lock ? await query.for('update') : await query;
    if (row === undefined) throw notFound('Acquisition');
    return row;
  }

  /** Ends an active acquisition now: files made available from now on are not entitled; nothing is removed. */
  async cancel(request: FastifyRequest, buyerOrgId: string, acquisitionId: string): Promise<Acquisition> {
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.find(buyerOrgId, acquisitionId, tx, true);
      const now = this.ctx.now();
      const status = statusAt(row, now);
      if (status !== 'active') throw new ApiError('acquisition_inactive', `This acquisition is already ${status}.`);
      await tx
        .update(acquisitions)
        .set({ status: 'cancelled', periodEnd: now })
        .where(eq(acquisitions.id, acquisitionId));
      await auditSuccess(tx, request, now);
    });
    return this.read(buyerOrgId, acquisitionId);
  }

  /** The provider's view of who acquired one of its offers (not_found for another organisation's offer). */
  async sales(providerOrgId: string, offerId: string, query: ListAcquisitionsQuery): Promise<SalePage> {
    const [offer] = await this.ctx.db
      .select({ id: offers.id })
      .from(offers)
      .where(and(eq(offers.id, offerId), eq(offers.orgId, providerOrgId)));
    if (offer === undefined) throw notFound('Offer');
    const now = this.ctx.now();
    const where = and(
      eq(acquisitions.offerId, offerId),
      eq(acquisitions.providerOrgId, providerOrgId),
      query.status !== undefined ? statusWhere(query.status, now) : undefined,
    );
    const view = this.ctx.db
      .select({ acquisition: acquisitions, buyerName: organisations.name, entitledFiles: entitledCount })
      .from(acquisitions)
      .innerJoin(organisations, eq(organisations.id, acquisitions.buyerOrgId))
      .where(where)
      .$dynamic();
    const rows = await paged(view, acquisitions.createdAt, acquisitions.id, query);
    const total = await countRows(this.ctx.db, acquisitions, where);
    return {
      items: rows.map(({ acquisition: a, buyerName, entitledFiles }) => ({
        id: a.id,
        buyer: { id: a.buyerOrgId, name: buyerName },
        kind: a.kind,
        status: statusAt(a, now),
        periodStart: a.periodStart.toISOString(),
        periodEnd: iso(a.periodEnd),
        acquiredAt: a.createdAt.toISOString(),
        entitledFiles,
      })),
      total,
      limit: query.limit,
      offset: query.offset,
    };
  }

  private buyerView(db: Executor) {
    return db
      .select({
        acquisition: acquisitions,
        offerTitle: offers.title,
        providerName: organisations.name,
        entitledFiles: entitledCount,
      })
      .from(acquisitions)
      .innerJoin(offers, eq(offers.id, acquisitions.offerId))
      .innerJoin(organisations, eq(organisations.id, acquisitions.providerOrgId));
  }

  private toAcquisition(
    row: { acquisition: AcquisitionRow; offerTitle: string; providerName: string; entitledFiles: number },
    now: Date,
  ): Acquisition {
    const a = row.acquisition;
    return {
      id: a.id,
      offer: { id: a.offerId, title: row.offerTitle },
      provider: { id: a.providerOrgId, name: row.providerName },
      kind: a.kind,
      status: statusAt(a, now),
      periodStart: a.periodStart.toISOString(),
      periodEnd: iso(a.periodEnd),
      acquiredAt: a.createdAt.toISOString(),
      acquiredBy: { type: a.acquiredByType, id: a.acquiredById },
      entitledFiles: row.entitledFiles,
    };
  }
}

/** Whether an acquisition gives downloads now: active or ended keep their files; cancelled ones do not. */
export function downloadsAllowed(row: AcquisitionRow): boolean {
  return row.status !== 'cancelled';
}
