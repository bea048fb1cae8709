import { and, eq, ilike, or, sql } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { ListMembersQuery, Member, MemberDetail, OwnedResourcesQuery, Role } from '../../shared/platform';
import type { Executor } from '../db/database';
import { invitations, memberships, users } from '../db/schema';
import { containsPattern } from '../db/like-pattern';
import { paged } from '../db/paged';
import { endAllSessions } from '../auth/sessions';
import { revokePendingInvitations } from '../invitations/revoke-pending-invitations';
import { auditSuccess, type AuditTarget } from '../audit/audit-request';
import { countOwned, settleOwnedResources } from '../resources/owned-resources';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';

const memberColumns = {
  id: users.id,
  name: users.name,
  email: users.email,
  role: memberships.role,
  joinedAt: memberships.joinedAt,
};

function toMember(row: { id: string; name: string; email: string; role: Role; joinedAt: Date }): Member {
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

/** A member as an audit target, named so the log still reads once they are gone: their name, else their e-mail. */
function memberTarget(member: { readonly id: string; readonly name: string; readonly email: string }): AuditTarget {
  return { type: 'member', id: member.id, label: member.name.trim() === '' ? member.email : member.name };
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

/** Members: list, view, change role, remove (their owned resources transferred or deleted, their access ended). */
export class MemberService {
  constructor(private readonly ctx: PlatformContext) {}

  /** A page of the organisation's members, sorted and filtered. */
  async list(orgId: string, query: ListMembersQuery) {
    const { q, role, limit, offset, sort } = query;
    const where = and(
      eq(memberships.orgId, orgId),
      role !== undefined ? eq(memberships.role, role) : undefined,
      q ? or(ilike(users.name, containsPattern(q)), ilike(users.email, containsPattern(q))) : undefined,
    );
    const column = { name: users.name, email: users.email, role: memberships.role, joinedAt: memberships.joinedAt }[
      sort
    ];
    const members = this.ctx.db
      .select(memberColumns)
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId));
    const rows = await paged(members.where(where).$dynamic(), column, users.id, query);
    // The filter names users' columns, so the count joins them too.
    const [count] = await this.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(where);
    return { items: rows.map(toMember), total: count?.n ?? 0, limit, offset };
  }

  /** One member with how many resources they own. */
  async read(orgId: string, memberId: string): Promise<MemberDetail> {
    const row = await findMember(this.ctx.db, orgId, memberId);
    return {
      ...toMember(row),
      ownedResourceCount: await countOwned(this.ctx.db, orgId, { type: 'user', id: memberId }),
    };
  }

  /** Changes a member's role; the last admin cannot be demoted. */
  async setRole(request: FastifyRequest, orgId: string, memberId: string, role: Role): Promise<Member> {
    const now = this.ctx.now();
    const row = await this.ctx.db.transaction(async (tx) => {
      const admins = await lockAdminCount(tx, orgId);
      const member = await findMember(tx, orgId, memberId);
      if (member.role === 'admin' && role !== 'admin' && admins <= 1) {
        throw new ApiError('last_admin', 'The last admin cannot be demoted; make someone else admin first.');
      }
      await tx
        .update(memberships)
        .set({ role })
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, memberId)));
      await auditSuccess(tx, request, now, memberTarget(member));
      return { ...member, role };
    });
    return toMember(row);
  }

  /**
   * Removes a member: the last admin cannot go; what they own is transferred or deleted as `owned` says; their
   * sessions end when no organisation is left to them (every request checks the membership of the organisation in
   * its URL, so their other organisations keep working); pending invitations to their e-mail or sent by them here
   * are revoked.
   */
  async remove(request: FastifyRequest, orgId: string, memberId: string, owned: OwnedResourcesQuery): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const admins = await lockAdminCount(tx, orgId);
      const member = await findMember(tx, orgId, memberId);
      if (member.role === 'admin' && admins <= 1) {
        throw new ApiError('last_admin', 'The last admin cannot be removed; make someone else admin first.');
      }
      await settleOwnedResources(tx, this.ctx, orgId, { type: 'user', id: memberId }, owned, now);
      await tx.delete(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, memberId)));
      const [elsewhere] = await tx
        .select({ orgId: memberships.orgId })
        .from(memberships)
        .where(eq(memberships.userId, memberId))
        .limit(1);
      if (elsewhere === undefined) await endAllSessions(tx, memberId);
      await auditSuccess(tx, request, now, memberTarget(member));
      // Their pending invitations here end too: those addressed to them (no way back in) and those they sent.
      await revokePendingInvitations(
        tx,
        request,
        now,
        orgId,
        or(eq(invitations.email, member.email), eq(invitations.senderId, memberId)),
      );
    });
  }
}
