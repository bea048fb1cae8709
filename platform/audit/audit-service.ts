import type { FastifyRequest } from 'fastify';
import type { AuditEvent, AuditExportQuery, ListAuditQuery } from '../../shared/platform';
import type { PlatformContext } from '../platform-context';
import { allAudit, listAudit, purgeAudit } from './audit-log';
import { auditSuccess } from './audit-request';

/** The audit log as the API shows it: a page, every matching event (for the CSV), and purging past retention. */
export class AuditService {
  constructor(private readonly ctx: PlatformContext) {}

  /** A page of the organisation's events, filtered and sorted. */
  async list(orgId: string, query: ListAuditQuery) {
    const page = await listAudit(this.ctx.db, orgId, query);
    return { ...page, limit: query.limit, offset: query.offset };
  }

  /** Every matching event, oldest first, read in pages as the consumer asks. */
  all(orgId: string, filter: AuditExportQuery): AsyncGenerator<AuditEvent> {
    return allAudit(this.ctx.db, orgId, filter);
  }

  /** Deletes the events older than the organisation's retention now, and audits it. */
  purge(request: FastifyRequest, orgId: string): Promise<{ purged: number }> {
    const now = this.ctx.now();
    return this.ctx.db.transaction(async (tx) => {
      const purged = await purgeAudit(tx, orgId, now);
      await auditSuccess(tx, request, now, { type: 'organisation', id: orgId });
      return { purged };
    });
  }
}
