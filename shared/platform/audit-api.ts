import { z } from 'zod';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';
import { OrgParamsSchema } from './organisations-api';

/** Whether an audited attempt was carried out or refused. */
export const AUDIT_OUTCOMES = ['success', 'denied'] as const;
/** An audited attempt's outcome. */
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

/** Who made an audited attempt: a member, an API key, nobody known, or the platform itself (background jobs). */
export const PRINCIPAL_TYPES = ['user', 'api-key', 'anonymous', 'platform'] as const;
/** Who made an audited attempt. */
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

/** One audit event: time, principal, action, target, IP, outcome, and why it was refused. */
export const AuditEventSchema = z.object({
  id: Id,
  at: Timestamp,
  principalType: z.enum(PRINCIPAL_TYPES),
  principalId: z.string().nullable(),
  principalLabel: z.string().nullable(),
  action: z.string(),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  /** The target's name when the event was recorded (a member's name, an invitee's e-mail, a key's name). */
  targetLabel: z.string().nullable(),
  ip: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  reason: z.string().nullable(),
});
/** An audit event. */
export type AuditEvent = z.infer<typeof AuditEventSchema>;

/** An exact action (`members.delete`) or a whole domain by prefix (`members.*`, also `deliveries.targets.*`). */
export const AuditActionFilter = z
  .string()
  .max(100)
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)*(\.\*)?$/, 'an action such as members.delete, or a domain such as members.*');

/** The prefix an action filter selects (`members.*` -> `members.`), or undefined for an exact action. */
export function auditActionPrefix(filter: string): string | undefined {
  return filter.endsWith('.*') ? filter.slice(0, -1) : undefined;
}

/** GET /v1/orgs/{orgId}/audit query: paging (newest first by default) and filters. */
export const ListAuditQuerySchema = pageQuery(['at', 'action'], 'at').extend({
  order: z.enum(['asc', 'desc']).default('desc'),
  action: AuditActionFilter.optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  principalId: z.string().max(64).optional(),
  targetId: z.string().max(64).optional(),
  from: Timestamp.optional(),
  to: Timestamp.optional(),
});
/** GET audit query. */
export type ListAuditQuery = z.infer<typeof ListAuditQuerySchema>;

/** GET /v1/orgs/{orgId}/audit/export query: the audit filters without paging and sort. */
export const AuditExportQuerySchema = ListAuditQuerySchema.omit({ limit: true, offset: true, sort: true, order: true });
/** GET audit export query. */
export type AuditExportQuery = z.infer<typeof AuditExportQuerySchema>;

/** GET /v1/orgs/{orgId}/audit/export body: CSV text (the server streams it). */
export const AuditCsvSchema = z.string().describe('text/csv');

/** A page of audit events. */
export const AuditPageSchema = pageOf(AuditEventSchema);

/** POST /v1/orgs/{orgId}/audit/purge response: how many events older than the retention were removed. */
export const AuditPurgeResultSchema = z.object({ purged: z.number().int() });

/** Column order of the CSV export. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'at',
  'principalType',
  'principalId',
  'principalLabel',
  'action',
  'targetType',
  'targetId',
  'ip',
  'outcome',
  'reason',
  'targetLabel',
] as const;

/** The audit log routes. */
export const AUDIT_ROUTES = routesOf('audit', {
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/audit',
    status: 200,
    params: OrgParamsSchema,
    query: ListAuditQuerySchema,
    response: AuditPageSchema,
    access: { kind: 'org', action: 'audit.list', minRole: 'admin' },
    summary: 'Audit events (filter by action, outcome, principal, target, time; newest first by default)',
  },
  export: {
    method: 'GET',
    path: '/v1/orgs/:orgId/audit/export',
    status: 200,
    params: OrgParamsSchema,
    query: AuditExportQuerySchema,
    response: AuditCsvSchema,
    access: { kind: 'org', action: 'audit.export', minRole: 'admin' },
    summary: 'The audit events matching the filters as CSV (oldest first)',
    produces: ['text/csv'],
  },
  purge: {
    method: 'POST',
    path: '/v1/orgs/:orgId/audit/purge',
    status: 200,
    params: OrgParamsSchema,
    response: AuditPurgeResultSchema,
    access: { kind: 'org', action: 'audit.purge', minRole: 'admin' },
    summary: "Delete events older than the organisation's retention now (the server also does it hourly)",
  },
});
