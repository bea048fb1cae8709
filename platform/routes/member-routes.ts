import { and, asc, desc, eq, ilike, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  ListMembersQuerySchema,
  MemberDetailSchema,
  MemberPageSchema,
  MemberParamsSchema,
  MemberSchema,
  OrgParamsSchema,
  OwnedResourcesQuerySchema,
  UpdateMemberRequestSchema,
  type Member,
} from '../../shared/platform';
import type { Executor } from '../db/database';
import { invitations, memberships, users } from '../db/schema';
import { containsPattern } from '../db/like-pattern';
import { endAllSessions } from '../auth/sessions';
import { revokePendingInvitations } from '../invitations/revoke-pending-invitations';
import { auditSuccess } from '../audit/audit-request';
import { countOwned, settleOwnedResources } from '../resources/owned-resources';
import { ApiError, notFound } from '../http/api-error';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

const memberColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: memberships.role,
  joinedAt: memberships.joinedAt,
};

function toMember(row: { id: string; name: string; email: string; role: Member['role']; joinedAt: Date }): Member {
  return { ...row, joinedAt: row.joinedAt.toISOString() };
}

async function findMember(db: Executor, orgId: string, memberId: string) {
  const [row] = await db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, memberId)));
  if (!row) throw notFound('Member');
  return row;
}

/** Locks the organisation's admin rows and counts them, so two demotions cannot leave it without an admin. */
async function lockAdminCount(db: Executor, orgId: string): Promise<number> {
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'admin')))
    .for('update');
  return rows.length;
}

/** Members: list, view, change role, remove (with their owned resources transferred or deleted). */
export function memberRoutes(app: PlatformApp, ctx: PlatformContext): void {
  const target = { type: 'member', param: 'memberId' } as const;

  app.get(
    '/v1/orgs/:orgId/members',
    {
      config: { access: { kind: 'org', action: 'members.list', minRole: 'viewer' } },
      schema: {
        summary: 'List members (sort, filter by text or role, page)',
        tags: ['members'],
        security: BEARER,
        params: OrgParamsSchema,
        querystring: ListMembersQuerySchema,
        response: { 200: MemberPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { q, role, limit, offset, sort, order } = request.query;
      const where = and(
        eq(memberships.orgId, request.params.orgId),
        role !== undefined ? eq(memberships.role, role) : undefined,
        q ? or(ilike(users.name, containsPattern(q)), ilike(users.email, containsPattern(q))) : undefined,
      );
      const column = { name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.joinedAt }[
        sort
      ];
      const direction = order === 'desc' ? desc : asc;
      const rows = await ctx.db
        .select(memberColumns)
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(where)
        .orderBy(direction(column), asc(users.id))
        .limit(limit)
        .offset(offset);
      const [count] = await ctx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(where);
      return { items: rows.map(toMember), total: count?.n ?? 0, limit, offset };
    },
  );

  app.get(
    '/v1/orgs/:orgId/members/:memberId',
    {
      config: { access: { kind: 'org', action: 'members.read', minRole: 'viewer', target } },
      schema: {
        summary: 'One member, with how many resources they own',
        tags: ['members'],
        security: BEARER,
        params: MemberParamsSchema,
        response: { 200: MemberDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId, memberId } = request.params;
      const row = await findMember(ctx.db, orgId, memberId);
      return { ...toMember(row), ownedResourceCount: await countOwned(ctx.db, orgId, { type: 'user', id: memberId }) };
    },
  );

  app.patch(
    '/v1/orgs/:orgId/members/:memberId',
    {
      config: { access: { kind: 'org', action: 'members.update', minRole: 'admin', target } },
      schema: {
        summary: "Change a member's role (the last admin cannot be demoted)",
        tags: ['members'],
        security: BEARER,
        params: MemberParamsSchema,
        body: UpdateMemberRequestSchema,
        response: { 200: MemberSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { orgId, memberId } = request.params;
      const now = ctx.now();
      const row = await ctx.db.transaction(async (tx) => {
        const admins = await lockAdminCount(tx, orgId);
        const member = await findMember(tx, orgId, memberId);
        if (member.role === 'admin' && request.body.role !== 'admin' && admins <= 1) {
          throw new ApiError('last_admin', 'The last admin cannot be demoted; make someone else admin first.');
        }
        await tx
          .update(memberships)
          .set({ role: request.body.role })
          .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, memberId)));
        await auditSuccess(tx, request, now);
        return { ...member, role: request.body.role };
      });
      return toMember(row);
    },
  );

  app.delete(
    '/v1/orgs/:orgId/members/:memberId',
    {
      config: { access: { kind: 'org', action: 'members.delete', minRole: 'admin', target } },
      schema: {
        summary:
          'Remove a member: their resources go to another editor or admin, or are deleted; their sessions end at once; pending invitations to their e-mail or sent by them here are revoked',
        tags: ['members'],
        security: BEARER,
        params: MemberParamsSchema,
        querystring: OwnedResourcesQuerySchema,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId, memberId } = request.params;
      const now = ctx.now();
      await ctx.db.transaction(async (tx) => {
        const admins = await lockAdminCount(tx, orgId);
        const member = await findMember(tx, orgId, memberId);
        if (member.role === 'admin' && admins <= 1) {
          throw new ApiError('last_admin', 'The last admin cannot be removed; make someone else admin first.');
        }
        await settleOwnedResources(tx, orgId, { type: 'user', id: memberId }, request.query, now);
        await tx.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, memberId)));
        await endAllSessions(tx, memberId);
        await auditSuccess(tx, request, now);
        // Their pending invitations here end too: those addressed to them (no way back in) and those they sent.
        await revokePendingInvitations(
          tx,
          request,
          now,
          orgId,
          or(eq(invitations.email, member.email), eq(invitations.senderId, memberId)),
        );
      });
      return reply.code(204).send(null);
    },
  );
}
