import {
  AuditPageSchema,
  AuditPurgeResultSchema,
  ListAuditQuerySchema,
  OrgParamsSchema,
  type AuditEvent,
} from '../../shared/platform';
import { auditCsv } from '../audit/audit-csv';
import { loggableError } from '../http/loggable-error';
import { z } from 'zod';
import { allAudit, listAudit, purgeAudit } from '../audit/audit-log';
import { auditSuccess } from '../audit/audit-request';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

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
      const events = allAudit(ctx.db, request.params.orgId, request.query);
      // Once the first bytes are out, a failure can only cut the download: log it without SQL or parameters.
      async function* logged(): AsyncGenerator<AuditEvent> {
        try {
          yield* events;
        } catch (error) {
          request.log.error({ err: loggableError(error) }, 'audit export stopped');
          throw new Error('the audit export stopped');
        }
      }
      return (
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="audit-${request.params.orgId}.csv"`)
          // A stream skips the response serializer; the schema's string only documents the body for OpenAPI.
          .send(auditCsv(logged()) as unknown as string)
      );
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
