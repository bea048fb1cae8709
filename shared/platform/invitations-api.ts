import { z } from 'zod';
import { LanguageSchema, RoleSchema } from './roles';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { EmailSchema, NewPasswordSchema, PersonNameSchema, SessionSchema } from './auth-api';
import { OrganisationSchema } from './organisations-api';

/** How the invitation e-mail went: sent by SMTP, waiting in the outbox (no SMTP configured), or failed to send. */
export const EmailStatusSchema = z.enum(['sent', 'outbox', 'failed']);
/** How the invitation e-mail went. */
export type EmailStatus = z.infer<typeof EmailStatusSchema>;

/** An invitation as listed: ID, sender e-mail, invitee e-mail, created, expires, whether accepted. */
export const InvitationSchema = z.object({
  id: Id,
  senderEmail: z.string().nullable(),
  email: z.string(),
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
  role: RoleSchema,
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
