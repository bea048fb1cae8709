import { and, desc, eq, gt, ilike, inArray, isNull, ne, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyRequest } from 'fastify';
import type {
  CreateInvitationRequest,
  Invitation,
  InvitationDetail,
  ListInvitationsQuery,
  OutboxMessage,
} from '../../shared/platform';
import type { Executor } from '../db/database';
import { invitations, memberships, organisations, users } from '../db/schema';
import { containsPattern } from '../db/like-pattern';
import { countRows } from '../db/count-rows';
import { paged } from '../db/paged';
import { iso } from '../db/to-api';
import type { Principal } from '../auth/principal';
import { hashToken, newId, newSecretToken } from '../auth/secret-token';
import { auditSuccess } from '../audit/audit-request';
import { renderInvitationEmail } from '../mail/invitation-email';
import type { DeliveryOutcome } from '../mail/mail-service';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { reportInvitationEmailGivenUp } from './invitation-email-given-up';
import { invitationLink, linkOf } from './invitation-links';

type InvitationRow = typeof invitations.$inferSelect;
const sender = alias(users, 'sender');

function toInvitation(inv: InvitationRow, senderEmail: string | null): Invitation {
  return {
    id: inv.id,
    senderEmail,
    email: inv.email,
    role: inv.role,
    createdAt: inv.createdAt.toISOString(),
    expiresAt: inv.expiresAt.toISOString(),
    acceptedAt: iso(inv.acceptedAt),
  };
}

/** Invitations as admins see them: create (with its e-mail), list, view with the link, delete, the outbox. */
export class InvitationService {
  /** Also records the outcomes of invitation e-mails sent by the `mail` jobs, and reports those given up. */
  constructor(private readonly ctx: PlatformContext) {
    ctx.mail.recordOutcomes('invitation', (id, outcome) => this.recordEmailOutcome(id, outcome));
    ctx.mail.onGivenUp('invitation', (id, attempts) => reportInvitationEmailGivenUp(ctx, id, attempts));
  }

  /** Invitations with their sender's e-mail (null once the sender's account is gone). */
  private withSender() {
    return this.ctx.db
      .select({ invitation: invitations, senderEmail: sender.email })
      .from(invitations)
      .leftJoin(sender, eq(sender.id, invitations.senderId));
  }

  /** The invitation e-mail of `inv` carrying `link`, in the invitation's language. */
  private async emailOf(db: Executor, inv: InvitationRow, link: string) {
    const [org] = await db.select().from(organisations).where(eq(organisations.id, inv.orgId));
    const [from] = inv.senderId ? await db.select().from(users).where(eq(users.id, inv.senderId)) : [];
    return renderInvitationEmail({
      language: inv.language,
      organisationName: org?.name ?? '',
      senderName: from?.name ?? null,
      role: inv.role,
      link,
      expiresAt: inv.expiresAt,
    });
  }

  /**
   * Invites `body.email` (refused when already a member). With SMTP the invitation e-mail is enqueued as a `mail` job
   * in the same transaction (status `queued`; the job records `sent` or `failed`); without SMTP it waits in the
   * outbox.
   */
  async create(
    request: FastifyRequest,
    orgId: string,
    principal: Principal | null,
    body: CreateInvitationRequest,
  ): Promise<InvitationDetail> {
    const { ctx } = this;
    const email = body.email.toLowerCase();
    const now = ctx.now();
    const token = newSecretToken('invitation');
    const sealedToken = await ctx.sealer.seal(token, 'invitation-token');
    const inv = await ctx.db.transaction(async (tx) => {
      const [existing] = await tx
        .select({ userId: memberships.userId })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.orgId, orgId), eq(users.email, email)));
      if (existing) throw new ApiError('already_member', `${email} is already a member of this organisation.`);
      const [created] = await tx
        .insert(invitations)
        .values({
          id: newId('inv'),
          orgId,
          email,
          role: body.role,
          language: body.language,
          tokenHash: hashToken(token),
          sealedToken,
          senderId: principal?.type === 'user' ? principal.userId : null,
          emailStatus: ctx.mail.kind === 'smtp' ? 'queued' : 'outbox',
          emailError: null,
          createdAt: now,
          expiresAt: new Date(now.getTime() + ctx.invitationTtlMs),
        })
        .returning();
      if (!created) throw new Error('insert returned nothing');
      await auditSuccess(tx, request, now, { type: 'invitation', id: created.id, label: created.email });
      if (ctx.mail.kind === 'smtp') {
        const message = await this.emailOf(tx, created, invitationLink(ctx, token));
        await ctx.mail.enqueue(
          tx,
          { to: created.email, ...message },
          { purpose: 'invitation', invitationId: created.id },
          { kind: 'invitation', id: created.id },
        );
      }
      return created;
    });
    return this.read(orgId, inv.id);
  }

  /** Records how an attempt at an invitation's e-mail went (from the mail job); a failed one waits in the outbox. */
  async recordEmailOutcome(invitationId: string, outcome: DeliveryOutcome): Promise<void> {
    const error = outcome.kind === 'sent' ? null : outcome.error;
    // A later failed retry never undoes a success recorded by an earlier attempt.
    await this.ctx.db
      .update(invitations)
      .set({ emailStatus: error === null ? 'sent' : 'failed', emailError: error })
      .where(and(eq(invitations.id, invitationId), ne(invitations.emailStatus, 'sent')));
  }

  /** A page of the organisation's invitations, sorted and filtered by e-mail or by whether they are pending. */
  async list(orgId: string, query: ListInvitationsQuery) {
    const { q, pending, limit, offset, sort } = query;
    const now = this.ctx.now();
    const where = and(
      eq(invitations.orgId, orgId),
      q ? ilike(invitations.email, containsPattern(q)) : undefined,
      pending === 'true' ? and(isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)) : undefined,
      pending === 'false'
        ? sql`not (${invitations.acceptedAt} is null and ${invitations.expiresAt} > ${now})`
        : undefined,
    );
    const column = { email: invitations.email, createdAt: invitations.createdAt, expiresAt: invitations.expiresAt }[
      sort
    ];
    const rows = await paged(this.withSender().where(where).$dynamic(), column, invitations.id, query);
    return {
      items: rows.map((row) => toInvitation(row.invitation, row.senderEmail)),
      total: await countRows(this.ctx.db, invitations, where),
      limit,
      offset,
    };
  }

  /** One invitation with its language, role, e-mail status and the link to copy while it is pending. */
  async read(orgId: string, invitationId: string): Promise<InvitationDetail> {
    const [row] = await this.withSender().where(and(eq(invitations.orgId, orgId), eq(invitations.id, invitationId)));
    if (!row) throw notFound('Invitation');
    const inv = row.invitation;
    return {
      ...toInvitation(inv, row.senderEmail),
      language: inv.language,
      emailStatus: inv.emailStatus,
      link: await linkOf(this.ctx, inv, this.ctx.now()),
    };
  }

  /**
   * Sends a pending invitation's e-mail again with the same link: queued for SMTP when configured, else back in the
   * outbox (where the admin copies it). An accepted or expired invitation is refused: invite again instead.
   */
  async resend(request: FastifyRequest, orgId: string, invitationId: string): Promise<InvitationDetail> {
    const { ctx } = this;
    const now = ctx.now();
    await ctx.db.transaction(async (tx) => {
      const [inv] = await tx
        .select()
        .from(invitations)
        .where(and(eq(invitations.orgId, orgId), eq(invitations.id, invitationId)))
        .for('update');
      if (!inv) throw notFound('Invitation');
      const link = await linkOf(ctx, inv, now);
      if (link === null) {
        throw new ApiError(
          'invitation_invalid',
          'This invitation was accepted, has expired or its link can no longer be rebuilt: invite again instead.',
        );
      }
      const smtp = ctx.mail.kind === 'smtp';
      await tx
        .update(invitations)
        .set({ emailStatus: smtp ? 'queued' : 'outbox', emailError: null })
        .where(eq(invitations.id, inv.id));
      await auditSuccess(tx, request, now, { type: 'invitation', id: inv.id, label: inv.email });
      if (smtp) {
        const message = await this.emailOf(tx, inv, link);
        await ctx.mail.enqueue(
          tx,
          { to: inv.email, ...message },
          { purpose: 'invitation', invitationId: inv.id },
          { kind: 'invitation', id: inv.id },
        );
      }
    });
    return this.read(orgId, invitationId);
  }

  /** Deletes an invitation: its link stops working. */
  async remove(request: FastifyRequest, orgId: string, invitationId: string): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const gone = await tx
        .delete(invitations)
        .where(and(eq(invitations.orgId, orgId), eq(invitations.id, invitationId)))
        .returning({ id: invitations.id, email: invitations.email });
      if (gone[0] === undefined) throw notFound('Invitation');
      await auditSuccess(tx, request, now, { type: 'invitation', id: gone[0].id, label: gone[0].email });
    });
  }

  /** The pending invitations whose e-mail was not sent (no SMTP, or sending failed), rebuilt to be copied. */
  async outbox(orgId: string): Promise<{ items: OutboxMessage[] }> {
    const now = this.ctx.now();
    const rows = await this.ctx.db
      .select()
      .from(invitations)
      .where(
        and(
          eq(invitations.orgId, orgId),
          inArray(invitations.emailStatus, ['outbox', 'failed']),
          isNull(invitations.acceptedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .orderBy(desc(invitations.createdAt));
    const items: OutboxMessage[] = [];
    for (const inv of rows) {
      const link = await linkOf(this.ctx, inv, now);
      if (link === null) continue; // sealed under a previous key: the message cannot be rebuilt
      const message = await this.emailOf(this.ctx.db, inv, link);
      items.push({
        invitationId: inv.id,
        to: inv.email,
        ...message,
        status: inv.emailStatus,
        error: inv.emailError,
        createdAt: inv.createdAt.toISOString(),
      });
    }
    return { items };
  }
}
