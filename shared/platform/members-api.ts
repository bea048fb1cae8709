import { z } from 'zod';
import { RoleSchema } from './roles';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';
import { OrgParamsSchema } from './organisations-api';
import { OwnedResourcesQuerySchema } from './owned-resources';

/** A member of an organisation as listed: name, ID, e-mail, role, when they joined. */
export const MemberSchema = z.object({
  id: Id,
  name: z.string(),
  email: z.string(),
  role: RoleSchema,
  joinedAt: Timestamp,
});
/** A member as listed. */
export type Member = z.infer<typeof MemberSchema>;

/** One member in detail: adds how many resources they own (a deletion must transfer or delete them). */
export const MemberDetailSchema = MemberSchema.extend({ ownedResourceCount: z.number().int() });
/** A member in detail. */
export type MemberDetail = z.infer<typeof MemberDetailSchema>;

/** GET /v1/orgs/{orgId}/members query: paging, sort, a text filter on name or e-mail, a role filter. */
export const ListMembersQuerySchema = pageQuery(['name', 'email', 'role', 'joinedAt'], 'name').extend({
  q: z.string().max(200).optional(),
  role: RoleSchema.optional(),
});
/** GET /v1/orgs/{orgId}/members query. */
export type ListMembersQuery = z.infer<typeof ListMembersQuerySchema>;

/** A page of members. */
export const MemberPageSchema = pageOf(MemberSchema);

/** PATCH /v1/orgs/{orgId}/members/{memberId} body. */
export const UpdateMemberRequestSchema = z.object({ role: RoleSchema });
/** PATCH member body. */
export type UpdateMemberRequest = z.infer<typeof UpdateMemberRequestSchema>;

/** Path parameters of one member. */
export const MemberParamsSchema = z.object({ orgId: Id, memberId: Id });

const member = { type: 'member', param: 'memberId' } as const;

/** The member routes. */
export const MEMBER_ROUTES = routesOf('members', {
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/members',
    status: 200,
    params: OrgParamsSchema,
    query: ListMembersQuerySchema,
    response: MemberPageSchema,
    access: { kind: 'org', action: 'members.list', minRole: 'viewer' },
    summary: 'List members (sort, filter by text or role, page)',
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/members/:memberId',
    status: 200,
    params: MemberParamsSchema,
    response: MemberDetailSchema,
    access: { kind: 'org', action: 'members.read', minRole: 'viewer', target: member },
    summary: 'One member, with how many resources they own',
  },
  update: {
    method: 'PATCH',
    path: '/v1/orgs/:orgId/members/:memberId',
    status: 200,
    params: MemberParamsSchema,
    body: UpdateMemberRequestSchema,
    response: MemberSchema,
    access: { kind: 'org', action: 'members.update', minRole: 'admin', target: member },
    summary: "Change a member's role (the last admin cannot be demoted)",
  },
  delete: {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/members/:memberId',
    status: 204,
    params: MemberParamsSchema,
    query: OwnedResourcesQuerySchema,
    response: z.null(),
    access: { kind: 'org', action: 'members.delete', minRole: 'admin', target: member },
    summary:
      'Remove a member: their resources go to another editor or admin, or are deleted; their sessions end at once; pending invitations to their e-mail or sent by them here are revoked',
  },
});
