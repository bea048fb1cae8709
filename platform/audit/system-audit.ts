import type { Executor } from '../db/database';
import { recordAudit } from './audit-log';
import type { AuditTarget } from './audit-request';

/** How the audit log names the platform itself when it acts without a request (background jobs). */
export const SYSTEM_PRINCIPAL_LABEL = 'Ferry platform (background job)';

/**
 * Records what the platform did on its own (a scheduled check paused a connector, a job was given up): no caller,
 * no IP; the principal is the platform itself, with its label, inside the caller's transaction.
 */
export async function auditSystemEvent(
  db: Executor,
  at: Date,
  event: {
    readonly orgId: string;
    readonly action: string;
    readonly target: AuditTarget | null;
    /** Why, in words without any secret (a check's failed step, a job's error code). */
    readonly reason: string | null;
  },
): Promise<void> {
  await recordAudit(db, {
    orgId: event.orgId,
    at,
    principalType: 'platform',
    principalId: null,
    principalLabel: SYSTEM_PRINCIPAL_LABEL,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    targetLabel: event.target?.label ?? null,
    ip: null,
    outcome: 'success',
    reason: event.reason,
  });
}
