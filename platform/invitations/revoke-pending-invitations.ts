import { and, eq, gt, isNull, type SQL } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Executor } from '../db/database';
import { invitations } from '../db/schema';
import { auditEvent } from '../audit/audit-request';

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
    .returning({ id: invitations.id, email: invitations.email });
  for (const { id, email } of revoked) {
    await auditEvent(db, request, now, {
      action: 'invitations.revoke',
      target: { type: 'invitation', id, label: email },
      orgId,
      reason: request.routeOptions.config.access?.action ?? null,
    });
  }
  return revoked.length;
}
