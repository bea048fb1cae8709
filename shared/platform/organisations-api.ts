import { z } from 'zod';
import { singleLineText } from './text-schemas';
import { RoleSchema } from './roles';
import { Id, Timestamp } from './paging';
import { routesOf } from './api-route';

/** An organisation: its immutable ID (for copying), its name, and its audit retention. */
export const OrganisationSchema = z.object({
  id: Id,
  name: z.string(),
  createdAt: Timestamp,
  auditRetentionDays: z.number().int(),
});
/** An organisation. */
export type Organisation = z.infer<typeof OrganisationSchema>;

/** An organisation as listed for the signed-in person, with their role in it. */
export const MyOrganisationSchema = OrganisationSchema.extend({ role: RoleSchema });
/** An organisation with the caller's role. */
export type MyOrganisation = z.infer<typeof MyOrganisationSchema>;

/** GET /v1/orgs response: the caller's organisations with their role in each. */
export const MyOrganisationsSchema = z.object({ items: z.array(MyOrganisationSchema) });

/** An organisation's name. */
export const OrganisationNameSchema = singleLineText(200);

/** POST /v1/orgs body: a signed-in person creates another organisation and becomes its admin. */
export const CreateOrganisationRequestSchema = z.object({ name: OrganisationNameSchema });
/** POST /v1/orgs body. */
export type CreateOrganisationRequest = z.infer<typeof CreateOrganisationRequestSchema>;

/** PATCH /v1/orgs/{orgId} body: rename, or change how long audit events are kept (1 day to 10 years). */
export const UpdateOrganisationRequestSchema = z
  .object({ name: OrganisationNameSchema.optional(), auditRetentionDays: z.number().int().min(1).max(3650).optional() })
  .refine((v) => v.name !== undefined || v.auditRetentionDays !== undefined, 'nothing to change');
/** PATCH /v1/orgs/{orgId} body. */
export type UpdateOrganisationRequest = z.infer<typeof UpdateOrganisationRequestSchema>;

/** Path parameters of organisation-scoped routes. */
export const OrgParamsSchema = z.object({ orgId: Id });

/** The organisation routes. */
export const ORGANISATION_ROUTES = routesOf('organisations', {
  create: {
    method: 'POST',
    path: '/v1/orgs',
    status: 201,
    body: CreateOrganisationRequestSchema,
    response: OrganisationSchema,
    access: { kind: 'signed-in', action: 'organisations.create', sessionsOnly: true },
    summary: 'Create another organisation; the signed-in person becomes its admin',
  },
  list: {
    method: 'GET',
    path: '/v1/orgs',
    status: 200,
    response: MyOrganisationsSchema,
    access: { kind: 'signed-in', action: 'organisations.list' },
    summary: 'The organisations the caller belongs to, with their role in each',
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId',
    status: 200,
    params: OrgParamsSchema,
    response: OrganisationSchema,
    access: { kind: 'org', action: 'organisations.read', minRole: 'viewer' },
    summary: 'One organisation: its immutable ID, name and audit retention',
  },
  update: {
    method: 'PATCH',
    path: '/v1/orgs/:orgId',
    status: 200,
    params: OrgParamsSchema,
    body: UpdateOrganisationRequestSchema,
    response: OrganisationSchema,
    access: {
      kind: 'org',
      action: 'organisations.update',
      minRole: 'admin',
      target: { type: 'organisation', param: 'orgId' },
    },
    summary: 'Rename the organisation or change how long its audit events are kept (admins)',
  },
});
