import { z } from 'zod';
import { LanguageSchema, RoleSchema } from './roles';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { EmailSchema, NewPasswordSchema, PersonNameSchema, SessionSchema } from './auth-api';
import { OrganisationSchema, OrgParamsSchema } from './organisations-api';
import { routesOf } from './api-route';

/**
 * How the invitation e-mail went: queued for sending (SMTP configured; a background job sends it), sent by SMTP,
 * waiting in the outbox (no SMTP configured), or failed to send (then also in the outbox; a retry may still send it).
 */
export const EmailStatusSchema = z.enum(['queued', 'sent', 'outbox', 'failed']);
/** How the invitation e-mail went. */
export type EmailStatus = z.infer<typeof EmailStatusSchema>;

/** An invitation as listed: ID, sender e-mail, invitee e-mail, role, created, expires, whether accepted. */
export const InvitationSchema = z.object({
  id: Id,
  senderEmail: z.string().nullable(),
  email: z.string(),
  role: RoleSchema,
  createdAt: Timestamp,
  expiresAt: Timestamp,
  acceptedAt: Timestamp.nullable(),
});
/** An invitation as listed. */
export type Invitation = z.infer<typeof InvitationSchema>;

/**
 * One invitation in detail: adds language, role, the e-mail's status and the link to copy (null when the server
 * can no longer rebuild it: accepted, or its sealing key changed).
 */
export const InvitationDetailSchema = InvitationSchema.extend({
  language: LanguageSchema,
  emailStatus: EmailStatusSchema,
  link: z.string().nullable(),
});
/** An invitation in detail. */
export type InvitationDetail = z.infer<typeof InvitationDetailSchema>;

/** POST /v1/orgs/{orgId}/invitations body. */
export const CreateInvitationRequestSchema = z.object({
  email: EmailSchema,
  role: RoleSchema,
  language: LanguageSchema,
});
/** POST invitation body. */
export type CreateInvitationRequest = z.infer<typeof CreateInvitationRequestSchema>;

/** GET /v1/orgs/{orgId}/invitations query: paging, sort, a filter on the invitee e-mail, pending only. */
export const ListInvitationsQuerySchema = pageQuery(['email', 'createdAt', 'expiresAt'], 'createdAt').extend({
  q: z.string().max(200).optional(),
  pending: z.enum(['true', 'false']).optional(),
});
/** GET invitations query. */
export type ListInvitationsQuery = z.infer<typeof ListInvitationsQuerySchema>;

/** A page of invitations. */
export const InvitationPageSchema = pageOf(InvitationSchema);

/** Path parameters of one invitation. */
export const InvitationParamsSchema = z.object({ orgId: Id, invitationId: Id });

/** An e-mail waiting in the organisation's outbox (no SMTP configured, or sending failed). */
export const OutboxMessageSchema = z.object({
  invitationId: Id,
  to: z.string(),
  subject: z.string(),
  text: z.string(),
  status: EmailStatusSchema,
  error: z.string().nullable(),
  createdAt: Timestamp,
});
/** An outbox message. */
export type OutboxMessage = z.infer<typeof OutboxMessageSchema>;

/** GET /v1/orgs/{orgId}/outbox response. */
export const OutboxSchema = z.object({ items: z.array(OutboxMessageSchema) });

/** The token query of the public invitation preview. */
export const InvitationTokenQuerySchema = z.object({ token: z.string().min(1).max(200) });

/**
 * GET /v1/invitations/accept?token=: what the invitee is about to accept. It never says whether the e-mail already
 * has an account (accepting tells the link holder: an existing account must be signed in).
 */
export const InvitationPreviewSchema = z.object({
  organisationName: z.string(),
  email: z.string(),
  role: RoleSchema,
  language: LanguageSchema,
  expiresAt: Timestamp,
});
/** Invitation preview. */
export type InvitationPreview = z.infer<typeof InvitationPreviewSchema>;

/**
 * POST /v1/invitations/accept body: the token from the link, and the name and password of the account to create for
 * the invited e-mail. When that e-mail already has an account, the request must be signed in as that account
 * (Authorization: Bearer) and name and password are ignored: accept never checks a password.
 */
export const AcceptInvitationRequestSchema = z.object({
  token: z.string().min(1).max(200),
  name: PersonNameSchema.optional(),
  password: NewPasswordSchema.optional(),
});
/** POST accept body. */
export type AcceptInvitationRequest = z.infer<typeof AcceptInvitationRequestSchema>;

/** POST /v1/invitations/accept response: a session for the new member and the organisation joined. */
export const AcceptInvitationResponseSchema = SessionSchema.extend({
  organisation: OrganisationSchema,
  role: RoleSchema,
});
/** POST accept response. */
export type AcceptInvitationResponse = z.infer<typeof AcceptInvitationResponseSchema>;

const invitation = { type: 'invitation', param: 'invitationId' } as const;

/** The invitation routes, the public preview and accept included. */
export const INVITATION_ROUTES = routesOf('invitations', {
  create: {
    method: 'POST',
    path: '/v1/orgs/:orgId/invitations',
    status: 201,
    params: OrgParamsSchema,
    body: CreateInvitationRequestSchema,
    response: InvitationDetailSchema,
    access: { kind: 'org', action: 'invitations.create', minRole: 'admin' },
    summary: 'Invite someone by e-mail with a role; the e-mail goes by SMTP when configured, else to the outbox',
  },
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/invitations',
    status: 200,
    params: OrgParamsSchema,
    query: ListInvitationsQuerySchema,
    response: InvitationPageSchema,
    access: { kind: 'org', action: 'invitations.list', minRole: 'admin' },
    summary: 'List invitations (sort, filter by e-mail or pending, page)',
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/invitations/:invitationId',
    status: 200,
    params: InvitationParamsSchema,
    response: InvitationDetailSchema,
    access: { kind: 'org', action: 'invitations.read', minRole: 'admin', target: invitation },
    summary: 'One invitation, with its language, role and the link to copy',
  },
  delete: {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/invitations/:invitationId',
    status: 204,
    params: InvitationParamsSchema,
    response: z.null(),
    access: { kind: 'org', action: 'invitations.delete', minRole: 'admin', target: invitation },
    summary: 'Delete an invitation: its link stops working',
  },
  resend: {
    method: 'POST',
    path: '/v1/orgs/:orgId/invitations/:invitationId/resend',
    status: 200,
    params: InvitationParamsSchema,
    response: InvitationDetailSchema,
    access: { kind: 'org', action: 'invitations.resend', minRole: 'admin', target: invitation },
    summary:
      'Send the invitation e-mail again with the same link (by SMTP when configured, else it waits in the outbox); refused once the invitation is no longer pending',
  },
  outbox: {
    method: 'GET',
    path: '/v1/orgs/:orgId/outbox',
    status: 200,
    params: OrgParamsSchema,
    response: OutboxSchema,
    access: { kind: 'org', action: 'outbox.read', minRole: 'admin' },
    summary: 'Invitation e-mails that were not sent (no SMTP configured, or sending failed), still pending',
  },
  preview: {
    method: 'GET',
    path: '/v1/invitations/accept',
    status: 200,
    query: InvitationTokenQuerySchema,
    response: InvitationPreviewSchema,
    access: { kind: 'public', action: 'invitations.preview' },
    rateLimited: true,
    summary: 'What an invitation link offers (organisation, e-mail, role), before accepting it',
  },
  accept: {
    method: 'POST',
    path: '/v1/invitations/accept',
    status: 201,
    body: AcceptInvitationRequestSchema,
    response: AcceptInvitationResponseSchema,
    access: { kind: 'public', action: 'invitations.accept' },
    rateLimited: true,
    optionalBearer: true,
    summary:
      'Accept an invitation: creates the account of the invited e-mail with a name and a password, or, when it exists, needs a session of that account; returns a session (the link then stops working)',
  },
});
