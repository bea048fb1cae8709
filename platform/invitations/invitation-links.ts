import type { invitations } from '../db/schema';
import type { PlatformContext } from '../platform-context';

type InvitationRow = typeof invitations.$inferSelect;

/** Whether an invitation can still be accepted: not accepted yet and not expired. */
export function isPending(row: InvitationRow, now: Date): boolean {
  return row.acceptedAt === null && row.expiresAt > now;
}

/** The accept link of an invitation token on this server. */
export function invitationLink(ctx: PlatformContext, token: string): string {
  return `${ctx.publicUrl()}/v1/invitations/accept?token=${encodeURIComponent(token)}`;
}

/** The link of a pending invitation, rebuilt from its sealed token; null once not pending or sealed under another key. */
export async function linkOf(ctx: PlatformContext, row: InvitationRow, now: Date): Promise<string | null> {
  const token = isPending(row, now) ? await ctx.sealer.open(row.sealedToken, 'invitation-token') : null;
  return token === null ? null : invitationLink(ctx, token);
}
