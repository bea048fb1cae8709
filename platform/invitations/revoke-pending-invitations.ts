import { and, eq, gt, isNull, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Executor } from '../db/database';
import { invitations } from '../db/schema';
import { auditPrincipal } from '../auth/principal';
import { recordAudit } from '../audit/audit-log';

/**
 * Ends the organisation's pending invitations matching `which` (their links stop working; they stay listed as no
 * longer pending) and records one `invitations.revoke` event per invitation, inside the caller's transaction.
 */
export async function revokePendingInvitations(
  db: Executor,
  request: FastifyRequest,
  now: Date,
  orgId: string,
  which: SQL | undefined,
): Promise<number> {
  const revoked = await db
    .update(invitations)
    .set({ expiresAt: now })
    .where(and(eq(invitations.orgId, orgId), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now), which))
    .returning({ id: invitations.id });
  const who = request.auth.principal ? auditPrincipal(request.auth.principal) : null;
  for (const { id } of revoked) {
    await recordAudit(db, {
      orgId,
      at: now,
      principalType: who?.type ?? 'anonymous',
      principalId: who?.id ?? null,
      principalLabel: who?.label ?? null,
      action: 'invitations.revoke',
      targetType: 'invitation',
      targetId: id,
      ip: request.ip,
      outcome: 'success',
      reason: request.routeOptions.config.access?.action ?? null,
    });
  }
  return revoked.length;
}
