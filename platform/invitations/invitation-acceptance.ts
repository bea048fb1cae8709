import { and, eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { AcceptInvitationRequest, AcceptInvitationResponse, InvitationPreview } from '../../shared/platform';
import type { Executor } from '../db/database';
import { invitations, memberships, organisations, users } from '../db/schema';
import { toOrganisation, toUser } from '../db/to-api';
import { hashPassword } from '../auth/password';
import type { Principal } from '../auth/principal';
import { hashToken, newId, tokenKindOf } from '../auth/secret-token';
import { createSession } from '../auth/sessions';
import { auditSuccess } from '../audit/audit-request';
import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { isPending } from './invitation-links';
import { revokePendingInvitations } from './revoke-pending-invitations';

type InvitationRow = typeof invitations.$inferSelect;

const INVALID = 'This invitation link is not valid: it was used, deleted or has expired. Ask for a new one.';

/** The public side of an invitation: what its link offers, and accepting it (a new account, or a signed-in one). */
export class InvitationAcceptance {
  constructor(private readonly ctx: PlatformContext) {}

  /** The pending invitation a token opens; a used or expired one is still attributed to its organisation. */
  private async pendingByToken(
    db: Executor,
    request: FastifyRequest,
    token: string,
    now: Date,
    lock: boolean,
  ): Promise<InvitationRow> {
    if (tokenKindOf(token) !== 'invitation') throw new ApiError('invitation_invalid', INVALID);
    const query = db
      .select()
      .from(invitations)
      .where(eq(invitations.tokenHash, hashToken(token)));
    const [row] = lock ? await query.for('update') : await query;
    if (row) request.auth.refusedPrincipal = { type: 'user', id: row.email, label: row.email, orgId: row.orgId };
    if (!row || !isPending(row, now)) throw new ApiError('invitation_invalid', INVALID);
    return row;
  }

  /** What a pending invitation offers (never whether its e-mail has an account: the preview is public). */
  async preview(request: FastifyRequest, token: string): Promise<InvitationPreview> {
    const inv = await this.pendingByToken(this.ctx.db, request, token, this.ctx.now(), false);
    const [org] = await this.ctx.db.select().from(organisations).where(eq(organisations.id, inv.orgId));
    return {
      organisationName: org?.name ?? '',
      email: inv.email,
      role: inv.role,
      language: inv.language,
      expiresAt: inv.expiresAt.toISOString(),
    };
  }

  /**
   * Accepts an invitation: creates the invited e-mail's account with `body`'s name and password, or, when it exists,
   * needs `signedIn` to be that account; the other pending invitations of that address here are revoked.
   */
  async accept(
    request: FastifyRequest,
    signedIn: Principal | null,
    body: AcceptInvitationRequest,
  ): Promise<AcceptInvitationResponse> {
    const now = this.ctx.now();
    const { name, password } = body;
    const newHash = password !== undefined ? await hashPassword(password) : null;
    const result = await this.ctx.db.transaction(async (tx) => {
      const inv = await this.pendingByToken(tx, request, body.token, now, true);
      let [user] = await tx.select().from(users).where(eq(users.email, inv.email));
      if (user) {
        request.auth.refusedPrincipal = { type: 'user', id: user.id, label: user.email, orgId: inv.orgId };
        // No password is checked here (that would be a second, unthrottled sign-in): the account signs in first.
        if (signedIn === null) {
          throw new ApiError(
            'sign_in_required',
            `An account already exists for ${inv.email}: sign in as ${inv.email}, then accept the invitation.`,
          );
        }
        if (signedIn.type !== 'user' || signedIn.userId !== user.id) {
          const as = signedIn.type === 'user' ? signedIn.email : `the API key ${signedIn.name}`;
          throw new ApiError(
            'wrong_account',
            `This invitation is for ${inv.email}, but you are signed in as ${as}: sign in as ${inv.email} to accept it.`,
          );
        }
        request.auth.principal = signedIn;
        const [member] = await tx
          .select({ userId: memberships.userId })
          .from(memberships)
          .where(and(eq(memberships.orgId, inv.orgId), eq(memberships.userId, user.id)));
        if (member) throw new ApiError('already_member', 'You are already a member of this organisation.');
      } else {
        if (newHash === null || name === undefined) {
          throw new ApiError('validation_failed', 'Choose your name and a password to create your account.');
        }
        // The account is always the invited e-mail's: the request cannot name another address.
        [user] = await tx
          .insert(users)
          .values({ id: newId('usr'), email: inv.email, name, passwordHash: newHash, createdAt: now })
          .returning();
        if (!user) throw new Error('insert returned nothing');
        request.auth.principal = { type: 'user', userId: user.id, email: user.email, name: user.name, sessionId: '' };
      }
      await tx.insert(memberships).values({ orgId: inv.orgId, userId: user.id, role: inv.role, joinedAt: now });
      await tx.update(invitations).set({ acceptedAt: now }).where(eq(invitations.id, inv.id));
      await auditSuccess(tx, request, now, { type: 'invitation', id: inv.id, label: inv.email }, inv.orgId);
      // Other pending invitations of the same address to this organisation have served their purpose.
      await revokePendingInvitations(tx, request, now, inv.orgId, eq(invitations.email, inv.email));
      const session = await createSession(tx, user.id, now, this.ctx.sessionTtlMs);
      const [org] = await tx.select().from(organisations).where(eq(organisations.id, inv.orgId));
      if (!org) throw new Error('invitation without organisation');
      return { user, session, org, role: inv.role };
    });
    return {
      token: result.session.token,
      expiresAt: result.session.expiresAt.toISOString(),
      user: toUser(result.user),
      organisation: toOrganisation(result.org),
      role: result.role,
    };
  }
}
