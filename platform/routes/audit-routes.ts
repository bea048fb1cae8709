import {
  AUDIT_CSV_COLUMNS,
  AuditPageSchema,
  AuditPurgeResultSchema,
  ListAuditQuerySchema,
  OrgParamsSchema,
  type AuditEvent,
} from '../../shared/platform';
import { z } from 'zod';
import { allAudit, listAudit, purgeAudit } from '../audit/audit-log';
import { auditSuccess } from '../audit/audit-request';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

/** One CSV field (RFC 4180), with a leading quote on values a spreadsheet would run as formulas. */
function csvField(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(event: AuditEvent): string {
  return AUDIT_CSV_COLUMNS.map((column) => csvField(event[column])).join(',') + '\r\n';
}

/** The audit log: list with filters, export as CSV, purge events past the organisation's retention. */
export function auditRoutes(app: PlatformApp, ctx: PlatformContext): void {
  app.get(
    '/v1/orgs/:orgId/audit',
    {
      config: { access: { kind: 'org', action: 'audit.list', minRole: 'admin' } },
      schema: {
        summary: 'Audit events (filter by action, outcome, principal, target, time; newest first by default)',
        tags: ['audit'],
        security: BEARER,
        params: OrgParamsSchema,
        querystring: ListAuditQuerySchema,
        response: { 200: AuditPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const page = await listAudit(ctx.db, request.params.orgId, request.query);
      return { ...page, limit: request.query.limit, offset: request.query.offset };
    },
  );

  app.get(
    '/v1/orgs/:orgId/audit/export',
    {
      config: { access: { kind: 'org', action: 'audit.export', minRole: 'admin' } },
      schema: {
        summary: 'The audit events matching the filters as CSV (oldest first)',
        tags: ['audit'],
        security: BEARER,
        params: OrgParamsSchema,
        querystring: ListAuditQuerySchema.omit({ limit: true, offset: true, sort: true, order: true }),
        produces: ['text/csv'],
        response: { 200: z.string().describe('text/csv'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      let csv = AUDIT_CSV_COLUMNS.join(',') + '\r\n';
      for await (const event of allAudit(ctx.db, request.params.orgId, request.query)) csv += csvLine(event);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="audit-${request.params.orgId}.csv"`)
        .send(csv);
    },
  );

  app.post(
    '/v1/orgs/:orgId/audit/purge',
    {
      config: { access: { kind: 'org', action: 'audit.purge', minRole: 'admin' } },
      schema: {
        summary: "Delete events older than the organisation's retention now (the server also does it hourly)",
        tags: ['audit'],
        security: BEARER,
        params: OrgParamsSchema,
        response: { 200: AuditPurgeResultSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const now = ctx.now();
      return ctx.db.transaction(async (tx) => {
        const purged = await purgeAudit(tx, request.params.orgId, now);
        await auditSuccess(tx, request, now, { type: 'organisation', id: request.params.orgId });
        return { purged };
      });
    },
  );
}
