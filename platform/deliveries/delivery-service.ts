// Delivery targets of a buyer's acquisitions, their deliveries, and desktop agents' acknowledgements.
import { and, eq, gt, lt, lte, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type {
  CreateDeliveryTargetRequest,
  Delivery,
  DeliveryAckRequest,
  DeliveryPage,
  DeliveryTarget,
  DeliveryTargetList,
  ListDeliveriesQuery,
  TargetAckRequest,
  UpdateDeliveryTargetRequest,
} from '../../shared/platform';
import { normalizePath } from '../../connectors/path-safety';
import { auditSuccess } from '../audit/audit-request';
import { newId } from '../auth/secret-token';
import { countRows } from '../db/count-rows';
import type { Executor } from '../db/database';
import { paged } from '../db/paged';
import { acquisitions, deliveries, deliveryTargets, offerFiles, orgConnectors } from '../db/schema';
import { iso } from '../db/to-api';
import { ApiError, notFound } from '../http/api-error';
import { invalid } from '../connectors/connector-input';
import { OFFER_FILES_AVAILABLE } from '../offers/offer-file-ledger';
import type { PlatformContext } from '../platform-context';
import { resendWaiting, type DeliveryJob } from './delivery-feed';
import type { JobQueue } from '../jobs/job-queue';
import { namingPatternProblem } from '../../connectors/delivery/naming-pattern';

type TargetRow = typeof deliveryTargets.$inferSelect;
type AcquisitionRow = typeof acquisitions.$inferSelect;

/** A target row as the API shows it. */
export function toTarget(row: TargetRow): DeliveryTarget {
  return {
    id: row.id,
    acquisitionId: row.acquisitionId,
    type: row.type,
    connectorId: row.connectorId,
    folder: row.folder,
    namingPattern: row.namingPattern,
    status: row.status,
    pausedReason: row.pausedReason,
    pausedAt: iso(row.pausedAt),
    consecutiveFailures: row.consecutiveFailures,
    cursorSeq: row.cursorSeq,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const deliveryColumns = {
  delivery: deliveries,
  file: {
    id: offerFiles.id,
    name: offerFiles.name,
    path: offerFiles.path,
    size: offerFiles.size,
    sha256: offerFiles.sha256,
    seq: offerFiles.seq,
  },
};

type DeliveryRow = { delivery: typeof deliveries.$inferSelect; file: Delivery['file'] };

function toDelivery({ delivery: d, file }: DeliveryRow): Delivery {
  return {
    id: d.id,
    acquisitionId: d.acquisitionId,
    targetId: d.targetId,
    file,
    status: d.status,
    path: d.path,
    conflict: d.conflict,
    receiptPath: d.receiptPath,
    attempts: d.attempts,
    lastError: d.lastError,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: iso(d.deliveredAt),
    acknowledgedAt: iso(d.acknowledgedAt),
  };
}

function checkedFolder(folder: string, field: string): string {
  try {
    return normalizePath(folder);
  } catch (error) {
    throw invalid(field, error instanceof Error ? error.message : String(error));
  }
}

function checkedPattern(pattern: string, field: string): string {
  const problem = namingPatternProblem(pattern);
  if (problem !== undefined) throw invalid(field, problem);
  return pattern;
}

/**
 * A buyer's delivery targets and deliveries: editors and admins manage targets, viewers read; everything is found
 * through an acquisition of the caller's organisation (another organisation's, a provider's view: not_found).
 */
export class DeliveryService {
  constructor(
    private readonly ctx: PlatformContext,
    private readonly queue: JobQueue<DeliveryJob>,
  ) {}

  /** The acquisition if the organisation bought it, else not_found. */
  async acquisition(orgId: string, acquisitionId: string, db: Executor = this.ctx.db): Promise<AcquisitionRow> {
    const [row] = await db
      .select()
      .from(acquisitions)
      .where(and(eq(acquisitions.id, acquisitionId), eq(acquisitions.buyerOrgId, orgId)));
    if (row === undefined) throw notFound('Acquisition');
    return row;
  }

  private async target(
    orgId: string,
    acquisitionId: string,
    targetId: string,
    db: Executor = this.ctx.db,
    lock = false,
  ): Promise<TargetRow> {
    await this.acquisition(orgId, acquisitionId, db);
    const query = db
      .select()
      .from(deliveryTargets)
      .where(
        and(
          eq(deliveryTargets.id, targetId),
          eq(deliveryTargets.acquisitionId, acquisitionId),
          eq(deliveryTargets.orgId, orgId),
        ),
      );
    const [row] = lock ? await query.for('update') : await query;
    if (row === undefined) throw notFound('Delivery target');
    return row;
  }

  private async requireConnector(db: Executor, orgId: string, connectorId: string, field: string): Promise<void> {
    const [row] = await db
      .select({ id: orgConnectors.id })
      .from(orgConnectors)
      .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, connectorId)));
    if (row === undefined) throw invalid(field, 'No connector with this ID in your organisation.');
  }

  /** Adds a target; its first walk (the files already entitled) is queued in the same transaction. */
  async createTarget(
    request: FastifyRequest,
    orgId: string,
    acquisitionId: string,
    creatorId: string | null,
    body: CreateDeliveryTargetRequest,
  ): Promise<DeliveryTarget> {
    const folder = checkedFolder(body.folder, 'body.folder');
    const namingPattern = checkedPattern(body.namingPattern, 'body.namingPattern');
    const now = this.ctx.now();
    const id = newId('dtg');
    await this.ctx.db.transaction(async (tx) => {
      const acquisition = await this.acquisition(orgId, acquisitionId, tx);
      if (acquisition.status !== 'active') {
        throw invalid('params.acquisitionId', `This acquisition is ${acquisition.status}: nothing more to deliver.`);
      }
      const connectorId = body.type === 'connector' ? body.connectorId : null;
      if (connectorId !== null) await this.requireConnector(tx, orgId, connectorId, 'body.connectorId');
      await tx.insert(deliveryTargets).values({
        id,
        acquisitionId,
        orgId,
        type: body.type,
        connectorId,
        folder,
        namingPattern,
        creatorId,
        createdAt: now,
        updatedAt: now,
      });
      await auditSuccess(tx, request, now, { type: 'delivery-target', id });
      await this.ctx.jobs.send(OFFER_FILES_AVAILABLE, { offerId: acquisition.offerId }, { executor: tx });
    });
    return this.readTarget(orgId, acquisitionId, id);
  }

  /** The acquisition's targets, oldest first. */
  async listTargets(orgId: string, acquisitionId: string): Promise<DeliveryTargetList> {
    await this.acquisition(orgId, acquisitionId);
    const rows = await this.ctx.db
      .select()
      .from(deliveryTargets)
      .where(and(eq(deliveryTargets.acquisitionId, acquisitionId), eq(deliveryTargets.orgId, orgId)))
      .orderBy(deliveryTargets.createdAt, deliveryTargets.id);
    return { items: rows.map(toTarget) };
  }

  /** One target. */
  async readTarget(orgId: string, acquisitionId: string, targetId: string): Promise<DeliveryTarget> {
    return toTarget(await this.target(orgId, acquisitionId, targetId));
  }

  /** Changes where future deliveries go; deliveries already made stay where they are. */
  async updateTarget(
    request: FastifyRequest,
    orgId: string,
    acquisitionId: string,
    targetId: string,
    body: UpdateDeliveryTargetRequest,
  ): Promise<DeliveryTarget> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.target(orgId, acquisitionId, targetId, tx, true);
      const changes: Partial<TargetRow> = { updatedAt: now };
      if (body.folder !== undefined) changes.folder = checkedFolder(body.folder, 'body.folder');
      if (body.namingPattern !== undefined) {
        changes.namingPattern = checkedPattern(body.namingPattern, 'body.namingPattern');
      }
      if (body.connectorId !== undefined) {
        if (row.type !== 'connector') throw invalid('body.connectorId', 'An agent target has no connector.');
        await this.requireConnector(tx, orgId, body.connectorId, 'body.connectorId');
        changes.connectorId = body.connectorId;
      }
      await tx.update(deliveryTargets).set(changes).where(eq(deliveryTargets.id, targetId));
      await auditSuccess(tx, request, now);
    });
    return this.readTarget(orgId, acquisitionId, targetId);
  }

  /** Deletes a target and its delivery rows: nothing more goes there; delivered files are never touched. */
  async deleteTarget(request: FastifyRequest, orgId: string, acquisitionId: string, targetId: string): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      await this.target(orgId, acquisitionId, targetId, tx, true);
      await tx.delete(deliveryTargets).where(eq(deliveryTargets.id, targetId));
      await auditSuccess(tx, request, now);
    });
  }

  /** Resumes a paused target (its failure count back to zero): its waiting deliveries are sent again. */
  async resumeTarget(
    request: FastifyRequest,
    orgId: string,
    acquisitionId: string,
    targetId: string,
  ): Promise<DeliveryTarget> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const row = await this.target(orgId, acquisitionId, targetId, tx, true);
      await tx
        .update(deliveryTargets)
        .set({ status: 'active', pausedReason: null, pausedAt: null, consecutiveFailures: 0, updatedAt: now })
        .where(eq(deliveryTargets.id, targetId));
      if (row.type === 'connector') await resendWaiting(tx, this.ctx.jobs, this.queue, { targetId });
      const acquisition = await this.acquisition(orgId, acquisitionId, tx);
      // Files that became available while it was paused got their rows; a walk catches any the cursor has not.
      await this.ctx.jobs.send(OFFER_FILES_AVAILABLE, { offerId: acquisition.offerId }, { executor: tx });
      await auditSuccess(tx, request, now);
    });
    return this.readTarget(orgId, acquisitionId, targetId);
  }

  /** A page of the acquisition's deliveries, with each file. */
  async listDeliveries(orgId: string, acquisitionId: string, query: ListDeliveriesQuery): Promise<DeliveryPage> {
    await this.acquisition(orgId, acquisitionId);
    const where = and(
      eq(deliveries.acquisitionId, acquisitionId),
      eq(deliveries.orgId, orgId),
      query.status === undefined ? undefined : eq(deliveries.status, query.status),
      query.targetId === undefined ? undefined : eq(deliveries.targetId, query.targetId),
    );
    const column = { createdAt: deliveries.createdAt, deliveredAt: deliveries.deliveredAt }[query.sort];
    const rows = await paged(
      this.ctx.db
        .select(deliveryColumns)
        .from(deliveries)
        .innerJoin(offerFiles, eq(offerFiles.id, deliveries.fileId))
        .where(where)
        .$dynamic(),
      column,
      deliveries.id,
      query,
    );
    const total = await countRows(this.ctx.db, deliveries, where);
    return { items: rows.map(toDelivery), total, limit: query.limit, offset: query.offset };
  }

  private async deliveryRow(db: Executor, where: SQL | undefined): Promise<DeliveryRow | undefined> {
    const [row] = await db
      .select(deliveryColumns)
      .from(deliveries)
      .innerJoin(offerFiles, eq(offerFiles.id, deliveries.fileId))
      .where(where);
    return row;
  }

  /** Records a desktop agent's acknowledgement of a delivery; the first one stands, a repeat changes nothing. */
  async ack(
    request: FastifyRequest,
    orgId: string,
    acquisitionId: string,
    deliveryId: string,
    body: DeliveryAckRequest,
  ): Promise<Delivery> {
    return this.ctx.db.transaction(async (tx) => {
      await this.acquisition(orgId, acquisitionId, tx);
      const found = await this.deliveryRow(
        tx,
        and(eq(deliveries.id, deliveryId), eq(deliveries.acquisitionId, acquisitionId), eq(deliveries.orgId, orgId)),
      );
      if (found === undefined) throw notFound('Delivery');
      const [target] = await tx.select().from(deliveryTargets).where(eq(deliveryTargets.id, found.delivery.targetId));
      return this.recordAck(tx, request, target!, found, body);
    });
  }

  /**
   * Records an acknowledgement naming the file: its delivery row for this target is made when the walk has not
   * made it yet (the file must be one the acquisition is entitled to). Idempotent like `ack`.
   */
  async ackTarget(
    request: FastifyRequest,
    orgId: string,
    acquisitionId: string,
    targetId: string,
    body: TargetAckRequest,
  ): Promise<Delivery> {
    return this.ctx.db.transaction(async (tx) => {
      const acquisition = await this.acquisition(orgId, acquisitionId, tx);
      const target = await this.target(orgId, acquisitionId, targetId, tx);
      const [entitled] = await tx
        .select({ id: offerFiles.id })
        .from(offerFiles)
        .where(
          and(
            eq(offerFiles.id, body.fileId),
            eq(offerFiles.offerId, acquisition.offerId),
            eq(offerFiles.status, 'available'),
            gt(offerFiles.seq, acquisition.historyAfterSeq),
            acquisition.untilSeq === null ? undefined : lte(offerFiles.seq, acquisition.untilSeq),
            acquisition.periodEnd === null ? undefined : lt(offerFiles.availableAt, acquisition.periodEnd),
          ),
        );
      if (entitled === undefined) throw invalid('body.fileId', 'This acquisition is not entitled to that file.');
      await tx
        .insert(deliveries)
        .values({
          id: newId('dlv'),
          acquisitionId,
          targetId,
          fileId: body.fileId,
          orgId,
          status: 'pending',
          createdAt: this.ctx.now(),
        })
        .onConflictDoNothing();
      const found = await this.deliveryRow(
        tx,
        and(
          eq(deliveries.acquisitionId, acquisitionId),
          eq(deliveries.targetId, targetId),
          eq(deliveries.fileId, body.fileId),
        ),
      );
      return this.recordAck(tx, request, target, found!, body);
    });
  }

  private async recordAck(
    tx: Executor,
    request: FastifyRequest,
    target: TargetRow,
    found: DeliveryRow,
    body: DeliveryAckRequest,
  ): Promise<Delivery> {
    if (target.type !== 'agent') {
      throw new ApiError(
        'validation_failed',
        'Only a desktop agent target takes acknowledgements: the platform delivers to connector targets itself.',
      );
    }
    if (body.size !== found.file.size || body.sha256 !== found.file.sha256) {
      throw invalid('body.sha256', "The acknowledged size and SHA-256 are not the file's: deliver it again.");
    }
    const path = checkedFolder(body.path, 'body.path');
    if (found.delivery.status === 'delivered') return toDelivery(found);
    const now = this.ctx.now();
    const [updated] = await tx
      .update(deliveries)
      .set({
        status: 'delivered',
        path,
        conflict: body.conflict,
        deliveredAt: now,
        acknowledgedAt: now,
        attempts: found.delivery.attempts + 1,
        lastError: null,
      })
      .where(eq(deliveries.id, found.delivery.id))
      .returning();
    await auditSuccess(tx, request, now, { type: 'delivery', id: found.delivery.id });
    return toDelivery({ delivery: updated!, file: found.file });
  }
}
