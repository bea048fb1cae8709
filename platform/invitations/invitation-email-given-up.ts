import { and, eq, isNull } from 'drizzle-orm';
import { auditSystemEvent } from '../audit/system-audit';
import { invitations, memberships } from '../db/schema';
import { notify } from '../notifications/notify';
import { adminsOf } from '../notifications/notification-recipients';
import type { PlatformContext } from '../platform-context';

/** The audit action of an invitation e-mail the platform stopped trying to send. */
export const INVITATION_EMAIL_FAILED_ACTION = 'invitations.email-failed';

/**
 * When the mail job of a pending invitation's e-mail is given up: audited, and its sender told (the admins when the
 * sender is no longer a member) to send the link themselves. Nothing for an invitation accepted, gone or sent since.
 */
export async function reportInvitationEmailGivenUp(
  ctx: PlatformContext,
  invitationId: string,
  attempts: number,
): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    const [inv] = await tx
      .select()
      .from(invitations)
      .where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt)));
    if (inv === undefined || inv.emailStatus === 'sent') return;
    const at = ctx.now();
    const [sender] =
      inv.senderId === null
        ? []
        : await tx
            .select({ userId: memberships.userId })
            .from(memberships)
            .where(and(eq(memberships.orgId, inv.orgId), eq(memberships.userId, inv.senderId)));
    const target = { type: 'invitation', id: inv.id };
    await auditSystemEvent(tx, at, {
      orgId: inv.orgId,
      action: INVITATION_EMAIL_FAILED_ACTION,
      target,
      reason: `mail: given up after ${attempts} attempt(s)`,
    });
    await notify(
      tx,
      {
        orgId: inv.orgId,
        kind: 'invitation.email-failed',
        subject: target,
        params: { email: inv.email, attempts },
        message:
          `The invitation e-mail to ${inv.email} could not be sent (${attempts} attempts). ` +
          "Copy the invitation's link in Ferry and send it to them yourself.",
      },
      sender === undefined ? await adminsOf(tx, inv.orgId) : [sender.userId],
      at,
    );
  });
}
