import { API, type AuditEvent } from '../../shared/platform';
import { loggableError } from '../http/loggable-error';
import { apiRoute } from '../http/api-route';
import type { PlatformApp } from '../http/platform-app';
import { auditCsv } from './audit-csv';
import type { AuditService } from './audit-service';

/** The audit log: list with filters, export as CSV, purge events past the organisation's retention. */
export function auditRoutes(app: PlatformApp, audit: AuditService): void {
  apiRoute(
    app,
    API.audit.list,
    {
      access: { kind: 'org', action: 'audit.list', minRole: 'admin' },
      summary: 'Audit events (filter by action, outcome, principal, target, time; newest first by default)',
      tag: 'audit',
    },
    (request) => audit.list(request.params.orgId, request.query),
  );

  apiRoute(
    app,
    API.audit.export,
    {
      access: { kind: 'org', action: 'audit.export', minRole: 'admin' },
      summary: 'The audit events matching the filters as CSV (oldest first)',
      tag: 'audit',
      produces: ['text/csv'],
    },
    async (request, reply) => {
      const events = audit.all(request.params.orgId, request.query);
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

  apiRoute(
    app,
    API.audit.purge,
    {
      access: { kind: 'org', action: 'audit.purge', minRole: 'admin' },
      summary: "Delete events older than the organisation's retention now (the server also does it hourly)",
      tag: 'audit',
    },
    (request) => audit.purge(request, request.params.orgId),
  );
}
