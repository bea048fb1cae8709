import { z } from 'zod';
import { RoleSchema } from './roles';
import { Id, Timestamp, pageOf, pageQuery } from './paging';

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
