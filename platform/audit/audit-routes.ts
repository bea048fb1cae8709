import { API, type AuditEvent } from '../../shared/platform';
import { loggableError } from '../http/loggable-error';
import type { ApiRoutes } from '../http/api-route';
import { auditCsv } from './audit-csv';
import type { AuditService } from './audit-service';

/** The audit log: list with filters, export as CSV, purge events past the organisation's retention. */
export function auditRoutes(routes: ApiRoutes, audit: AuditService): void {
  routes.add(API.audit.list, (request) => audit.list(request.params.orgId, request.query));
  routes.add(API.audit.export, async (request, reply) => {
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
  });
  routes.add(API.audit.purge, (request) => audit.purge(request, request.params.orgId));
}
