import { and, asc, desc, eq, gt, ilike, inArray, isNull, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AcceptInvitationRequestSchema,
  AcceptInvitationResponseSchema,
  CreateInvitationRequestSchema,
  InvitationDetailSchema,
  InvitationPageSchema,
  InvitationParamsSchema,
  InvitationPreviewSchema,
  InvitationTokenQuerySchema,
  ListInvitationsQuerySchema,
  OrgParamsSchema,
  OutboxSchema,
  type InvitationDetail,
  type OutboxMessage,
} from '../../shared/platform';
import type { Executor } from '../db/database';
import { invitations, memberships, organisations, users } from '../db/schema';
import { containsPattern } from '../db/like-pattern';
import { iso, toOrganisation, toUser } from '../db/to-api';
import { hashPassword } from '../auth/password';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { revokePendingInvitations } from '../invitations/revoke-pending-invitations';
import { hashToken, newId, newSecretToken, tokenKindOf } from '../auth/secret-token';
import { createSession } from '../auth/sessions';
import { auditSuccess } from '../audit/audit-request';
import { renderInvitationEmail } from '../mail/invitation-email';
import { ApiError, notFound } from '../http/api-error';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

type InvitationRow = typeof invitations.$inferSelect;
const sender = alias(users, 'sender');

const INVALID = 'This invitation link is not valid: it was used, deleted or has expired. Ask for a new one.';

/** Invitations: create (e-mail via SMTP or the outbox), list, view with the link, delete, and the public accept. */
export function invitationRoutes(app: PlatformApp, ctx: PlatformContext, rateLimit: object): void {
  const target = { type: 'invitation', param: 'invitationId' } as const;
  const linkFor = (token: string) => `${ctx.publicUrl()}/v1/invitations/accept?token=${encodeURIComponent(token)}`;
  const isPending = (row: InvitationRow, now: Date) => row.acceptedAt === null && row.expiresAt > now;
  const linkOf = (row: InvitationRow, now: Date) => {
    const token = isPending(row, now) ? ctx.sealer.open(row.sealedToken) : null;
    return token === null ? null : linkFor(token);
  };

  async function detail(db: Executor, orgId: string, invitationId: string): Promise<InvitationDetail> {
    const [row] = await db
      .select({ invitation: invitations, senderEmail: sender.email })
      .from(invitations)
      .leftJoin(sender, eq(sender.id, invitations.senderId))
      .where(and(eq(invitations.orgId, orgId), eq(invitations.id, invitationId)));
    if (!row) throw notFound('Invitation');
    const inv = row.invitation;
    return {
      id: inv.id,
      senderEmail: row.senderEmail,
      email: inv.email,
      createdAt: inv.createdAt.toISOString(),
      expiresAt: inv.expiresAt.toISOString(),
      acceptedAt: iso(inv.acceptedAt),
      language: inv.language,
      role: inv.role,
      emailStatus: inv.emailStatus,
      link: linkOf(inv, ctx.now()),
    };
  }

  async function emailOf(db: Executor, inv: InvitationRow, link: string) {
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

  app.post(
    '/v1/orgs/:orgId/invitations',
    {
      config: { access: { kind: 'org', action: 'invitations.create', minRole: 'admin' } },
      schema: {
        summary: 'Invite someone by e-mail with a role; the e-mail goes by SMTP when configured, else to the outbox',
        tags: ['invitations'],
        security: BEARER,
        params: OrgParamsSchema,
        body: CreateInvitationRequestSchema,
        response: { 201: InvitationDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params;
      const email = request.body.email.toLowerCase();
      const principal = request.auth.principal;
      const now = ctx.now();
      const token = newSecretToken('invitation');
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
            role: request.body.role,
            language: request.body.language,
            tokenHash: hashToken(token),
            sealedToken: ctx.sealer.seal(token),
            senderId: principal?.type === 'user' ? principal.userId : null,
            emailStatus: ctx.mailer.kind === 'smtp' ? 'failed' : 'outbox',
            emailError: ctx.mailer.kind === 'smtp' ? 'not sent yet' : null,
            createdAt: now,
            expiresAt: new Date(now.getTime() + ctx.invitationTtlMs),
          })
          .returning();
        if (!created) throw new Error('insert returned nothing');
        await auditSuccess(tx, request, now, { type: 'invitation', id: created.id });
        return created;
      });
      if (ctx.mailer.kind === 'smtp') {
        const message = await emailOf(ctx.db, inv, linkFor(token));
        let error: string | null = null;
        try {
          await ctx.mailer.send({ to: inv.email, ...message });
        } catch (sendError) {
          error = sendError instanceof Error ? sendError.message : String(sendError);
          request.log.warn({ invitationId: inv.id, error }, 'invitation e-mail not sent; it waits in the outbox');
        }
        await ctx.db
          .update(invitations)
          .set({ emailStatus: error === null ? 'sent' : 'failed', emailError: error })
          .where(eq(invitations.id, inv.id));
      }
      return reply.code(201).send(await detail(ctx.db, orgId, inv.id));
    },
  );

  app.get(
    '/v1/orgs/:orgId/invitations',
    {
      config: { access: { kind: 'org', action: 'invitations.list', minRole: 'admin' } },
      schema: {
        summary: 'List invitations (sort, filter by e-mail or pending, page)',
        tags: ['invitations'],
        security: BEARER,
        params: OrgParamsSchema,
        querystring: ListInvitationsQuerySchema,
        response: { 200: InvitationPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { q, pending, limit, offset, sort, order } = request.query;
      const now = ctx.now();
      const where = and(
        eq(invitations.orgId, request.params.orgId),
        q ? ilike(invitations.email, containsPattern(q)) : undefined,
        pending === 'true' ? and(isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)) : undefined,
        pending === 'false'
          ? sql`not (${invitations.acceptedAt} is null and ${invitations.expiresAt} > ${now})`
          : undefined,
      );
      const column = { email: invitations.email, createdAt: invitations.createdAt, expiresAt: invitations.expiresAt }[
        sort
      ];
      const rows = await ctx.db
        .select({ invitation: invitations, senderEmail: sender.email })
        .from(invitations)
        .leftJoin(sender, eq(sender.id, invitations.senderId))
        .where(where)
        .orderBy((order === 'desc' ? desc : asc)(column), asc(invitations.id))
        .limit(limit)
        .offset(offset);
      const [count] = await ctx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(invitations)
        .where(where);
      return {
        items: rows.map(({ invitation: inv, senderEmail }) => ({
          id: inv.id,
          senderEmail,
          email: inv.email,
          createdAt: inv.createdAt.toISOString(),
          expiresAt: inv.expiresAt.toISOString(),
          acceptedAt: iso(inv.acceptedAt),
        })),
        total: count?.n ?? 0,
        limit,
        offset,
      };
    },
  );

  app.get(
    '/v1/orgs/:orgId/invitations/:invitationId',
    {
      config: { access: { kind: 'org', action: 'invitations.read', minRole: 'admin', target } },
      schema: {
        summary: 'One invitation, with its language, role and the link to copy',
        tags: ['invitations'],
        security: BEARER,
        params: InvitationParamsSchema,
        response: { 200: InvitationDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => detail(ctx.db, request.params.orgId, request.params.invitationId),
  );

  app.delete(
    '/v1/orgs/:orgId/invitations/:invitationId',
    {
      config: { access: { kind: 'org', action: 'invitations.delete', minRole: 'admin', target } },
      schema: {
        summary: 'Delete an invitation: its link stops working',
        tags: ['invitations'],
        security: BEARER,
        params: InvitationParamsSchema,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId, invitationId } = request.params;
      const now = ctx.now();
      await ctx.db.transaction(async (tx) => {
        const gone = await tx
          .delete(invitations)
          .where(and(eq(invitations.orgId, orgId), eq(invitations.id, invitationId)))
          .returning({ id: invitations.id });
        if (gone.length === 0) throw notFound('Invitation');
        await auditSuccess(tx, request, now);
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/orgs/:orgId/outbox',
    {
      config: { access: { kind: 'org', action: 'outbox.read', minRole: 'admin' } },
      schema: {
        summary: 'Invitation e-mails that were not sent (no SMTP configured, or sending failed), still pending',
        tags: ['invitations'],
        security: BEARER,
        params: OrgParamsSchema,
        response: { 200: OutboxSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const now = ctx.now();
      const rows = await ctx.db
        .select()
        .from(invitations)
        .where(
          and(
            eq(invitations.orgId, request.params.orgId),
            inArray(invitations.emailStatus, ['outbox', 'failed']),
            isNull(invitations.acceptedAt),
            gt(invitations.expiresAt, now),
          ),
        )
        .orderBy(desc(invitations.createdAt));
      const items: OutboxMessage[] = [];
      for (const inv of rows) {
        const link = linkOf(inv, now);
        if (link === null) continue; // sealed under a previous key: the message cannot be rebuilt
        const message = await emailOf(ctx.db, inv, link);
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
    },
  );

  /** The pending invitation a token opens; a used or expired one is still attributed to its organisation. */
  async function pendingByToken(
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

  /** The principal of an Authorization header on the public accept route; an invalid one is refused, not ignored. */
  async function signedInCaller(request: FastifyRequest): Promise<Principal | null> {
    if (request.headers.authorization === undefined) return null;
    const result = await authenticate(ctx, request.headers.authorization);
    if (result.ok) return result.principal;
    request.auth.refusedPrincipal = result.refused;
    throw Object.assign(new ApiError('unauthenticated', 'Your session is not valid any more: sign in again.'), {
      auditReason: result.reason,
    });
  }

  app.get(
    '/v1/invitations/accept',
    {
      config: { access: { kind: 'public', action: 'invitations.preview' }, rateLimit },
      schema: {
        summary: 'What an invitation link offers (organisation, e-mail, role), before accepting it',
        tags: ['invitations'],
        querystring: InvitationTokenQuerySchema,
        response: { 200: InvitationPreviewSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const inv = await pendingByToken(ctx.db, request, request.query.token, ctx.now(), false);
      const [org] = await ctx.db.select().from(organisations).where(eq(organisations.id, inv.orgId));
      // Whether the e-mail has an account is not said here: the preview is public to anyone holding the link.
      return {
        organisationName: org?.name ?? '',
        email: inv.email,
        role: inv.role,
        language: inv.language,
        expiresAt: inv.expiresAt.toISOString(),
      };
    },
  );

  app.post(
    '/v1/invitations/accept',
    {
      config: { access: { kind: 'public', action: 'invitations.accept' }, rateLimit },
      schema: {
        summary:
          'Accept an invitation: creates the account of the invited e-mail with a name and a password, or, when it exists, needs a session of that account; returns a session (the link then stops working)',
        security: [{}, ...BEARER],
        tags: ['invitations'],
        body: AcceptInvitationRequestSchema,
        response: { 201: AcceptInvitationResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const now = ctx.now();
      const signedIn = await signedInCaller(request);
      const { name, password } = request.body;
      const newHash = password !== undefined ? await hashPassword(password) : null;
      const result = await ctx.db.transaction(async (tx) => {
        const inv = await pendingByToken(tx, request, request.body.token, now, true);
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
        await auditSuccess(tx, request, now, { type: 'invitation', id: inv.id }, inv.orgId);
        // Other pending invitations of the same address to this organisation have served their purpose.
        await revokePendingInvitations(tx, request, now, inv.orgId, eq(invitations.email, inv.email));
        const session = await createSession(tx, user.id, now, ctx.sessionTtlMs);
        const [org] = await tx.select().from(organisations).where(eq(organisations.id, inv.orgId));
        if (!org) throw new Error('invitation without organisation');
        return { user, session, org, role: inv.role };
      });
      return reply.code(201).send({
        token: result.session.token,
        expiresAt: result.session.expiresAt.toISOString(),
        user: toUser(result.user),
        organisation: toOrganisation(result.org),
        role: result.role,
      });
    },
  );
}
