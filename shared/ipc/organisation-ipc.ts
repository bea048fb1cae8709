import { z } from 'zod';
import {
  ApiKeyDetailSchema,
  ApiKeyPageSchema,
  AuditPageSchema,
  CreateApiKeyRequestSchema,
  CreateInvitationRequestSchema,
  CreatedApiKeySchema,
  Id,
  InvitationDetailSchema,
  InvitationPageSchema,
  ListApiKeysQuerySchema,
  ListAuditQuerySchema,
  ListInvitationsQuerySchema,
  ListMembersQuerySchema,
  MemberDetailSchema,
  MemberPageSchema,
  MemberSchema,
  OrganisationNameSchema,
  OrganisationSchema,
  OutboxSchema,
  RoleSchema,
} from '../platform';
import { defineMethods } from './contract';

/** What happens to what a deleted member or API key owns: nothing owned, given to a member, or deleted with it. */
export const OwnedResourcesChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('transfer'), to: Id }).strict(),
  z.object({ kind: z.literal('delete') }).strict(),
]);
/** What happens to owned resources on a deletion. */
export type OwnedResourcesChoice = z.infer<typeof OwnedResourcesChoiceSchema>;

/** The audit log's filters (as the list and the CSV export take them). */
export const AuditFiltersSchema = ListAuditQuerySchema.pick({
  action: true,
  outcome: true,
  principalId: true,
  targetId: true,
  from: true,
  to: true,
}).strict();
/** The audit log's filters. */
export type AuditFilters = z.infer<typeof AuditFiltersSchema>;

const none = z.object({}).strict();
const done = z.object({ done: z.literal(true) });

/**
 * Methods of the organisation screens: they act on the active account's organisation (platform.state) through
 * main, which holds the session. The one secret that crosses IPC is a new API key's, in apiKeys.create's answer,
 * because the admin must see and copy it once; main never keeps it.
 */
export const organisationMethods = defineMethods({
  'organisation.get': {
    summary: 'The active organisation (name, ID, retention) and the signed-in role in it.',
    input: none,
    output: z.object({ organisation: OrganisationSchema, role: RoleSchema }),
  },
  'organisation.rename': {
    summary: 'Renames the active organisation (admins).',
    input: z.object({ name: OrganisationNameSchema }).strict(),
    output: OrganisationSchema,
  },
  'members.list': {
    summary: 'A page of members (sort, filter by text or role).',
    input: z.object({ query: ListMembersQuerySchema.strict() }).strict(),
    output: MemberPageSchema,
  },
  'members.get': {
    summary: 'One member with how many resources they own.',
    input: z.object({ memberId: Id }).strict(),
    output: MemberDetailSchema,
  },
  'members.setRole': {
    summary: "Changes a member's role (admins; the last admin stays admin).",
    input: z.object({ memberId: Id, role: RoleSchema }).strict(),
    output: MemberSchema,
  },
  'members.remove': {
    summary: 'Removes a member; what they own is transferred to another member or deleted.',
    input: z.object({ memberId: Id, owned: OwnedResourcesChoiceSchema }).strict(),
    output: done,
  },
  'invitations.list': {
    summary: 'A page of invitations (sort, filter by e-mail, pending only).',
    input: z.object({ query: ListInvitationsQuerySchema.strict() }).strict(),
    output: InvitationPageSchema,
  },
  'invitations.get': {
    summary: 'One invitation with its role, language, e-mail status and link.',
    input: z.object({ invitationId: Id }).strict(),
    output: InvitationDetailSchema,
  },
  'invitations.create': {
    summary: 'Invites someone by e-mail with a role and a language; the answer carries the link to copy.',
    input: CreateInvitationRequestSchema.strict(),
    output: InvitationDetailSchema,
  },
  'invitations.remove': {
    summary: 'Deletes an invitation: its link stops working.',
    input: z.object({ invitationId: Id }).strict(),
    output: done,
  },
  'invitations.resend': {
    summary: "Sends an invitation's e-mail again with the same link (SMTP, or back in the outbox).",
    input: z.object({ invitationId: Id }).strict(),
    output: InvitationDetailSchema,
  },
  'invitations.outbox': {
    summary: 'The invitation e-mails that were not sent (no SMTP, or sending failed): recipient, subject and text.',
    input: none,
    output: OutboxSchema,
  },
  'apiKeys.list': {
    summary: 'A page of API keys (never their secrets).',
    input: z.object({ query: ListApiKeysQuerySchema.strict() }).strict(),
    output: ApiKeyPageSchema,
  },
  'apiKeys.get': {
    summary: 'One API key with its owner and how many resources it owns.',
    input: z.object({ keyId: Id }).strict(),
    output: ApiKeyDetailSchema,
  },
  'apiKeys.create': {
    summary: 'Creates an API key; its secret is in this answer only, to be shown once.',
    input: CreateApiKeyRequestSchema.strict(),
    output: CreatedApiKeySchema,
  },
  'apiKeys.remove': {
    summary: 'Deletes an API key; what it owns is transferred to a member or deleted.',
    input: z.object({ keyId: Id, owned: OwnedResourcesChoiceSchema }).strict(),
    output: done,
  },
  'audit.list': {
    summary: 'A page of audit events with filters.',
    input: z.object({ query: ListAuditQuerySchema.strict() }).strict(),
    output: AuditPageSchema,
  },
  'audit.export': {
    summary: 'Saves the audit events matching the filters as CSV where the user chooses (a save dialog).',
    input: z.object({ filters: AuditFiltersSchema }).strict(),
    output: z.discriminatedUnion('saved', [
      z.object({ saved: z.literal(true), path: z.string(), bytes: z.number().int() }),
      z.object({ saved: z.literal(false) }),
    ]),
  },
});
