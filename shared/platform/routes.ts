// The platform API's one route table: the server registers each route from it, the desktop's client calls it.
import { z } from 'zod';
import {
  LoginRequestSchema,
  MeSchema,
  SessionSchema,
  SetupRequestSchema,
  SetupResponseSchema,
  SetupStatusSchema,
} from './auth-api';
import {
  CreateOrganisationRequestSchema,
  MyOrganisationsSchema,
  OrganisationSchema,
  OrgParamsSchema,
  UpdateOrganisationRequestSchema,
} from './organisations-api';
import {
  ListMembersQuerySchema,
  MemberDetailSchema,
  MemberPageSchema,
  MemberParamsSchema,
  MemberSchema,
  UpdateMemberRequestSchema,
} from './members-api';
import { OwnedResourcesQuerySchema } from './owned-resources';
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
  OutboxSchema,
} from './invitations-api';
import {
  ApiKeyDetailSchema,
  ApiKeyPageSchema,
  ApiKeyParamsSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  ListApiKeysQuerySchema,
} from './api-keys-api';
import {
  AuditCsvSchema,
  AuditExportQuerySchema,
  AuditPageSchema,
  AuditPurgeResultSchema,
  ListAuditQuerySchema,
} from './audit-api';
import {
  CompletePasswordResetRequestSchema,
  PasswordResetRequestedSchema,
  PasswordResetRequestSchema,
} from './password-reset-api';

/** The HTTP methods of the API. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/** One API route: method, path template (`:name` parameters), its schemas and the status of a success. */
export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: 200 | 201 | 202 | 204;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The success body's schema (`z.null()` for 204). */
  readonly response: z.ZodType;
}

const NoContent = z.null();

/** Declares a route, keeping its literal types for the server's handlers and the client's arguments. */
function route<const R extends ApiRoute>(definition: R): R {
  return definition;
}

/** Every route of the platform API, by domain. */
export const API = {
  setup: {
    status: route({ method: 'GET', path: '/v1/setup', status: 200, response: SetupStatusSchema }),
    create: route({
      method: 'POST',
      path: '/v1/setup',
      status: 201,
      body: SetupRequestSchema,
      response: SetupResponseSchema,
    }),
  },
  auth: {
    login: route({
      method: 'POST',
      path: '/v1/auth/login',
      status: 200,
      body: LoginRequestSchema,
      response: SessionSchema,
    }),
    logout: route({ method: 'POST', path: '/v1/auth/logout', status: 204, response: NoContent }),
    me: route({ method: 'GET', path: '/v1/me', status: 200, response: MeSchema }),
    requestPasswordReset: route({
      method: 'POST',
      path: '/v1/auth/password-reset',
      status: 202,
      body: PasswordResetRequestSchema,
      response: PasswordResetRequestedSchema,
    }),
    completePasswordReset: route({
      method: 'POST',
      path: '/v1/auth/password-reset/complete',
      status: 204,
      body: CompletePasswordResetRequestSchema,
      response: NoContent,
    }),
  },
  organisations: {
    create: route({
      method: 'POST',
      path: '/v1/orgs',
      status: 201,
      body: CreateOrganisationRequestSchema,
      response: OrganisationSchema,
    }),
    list: route({ method: 'GET', path: '/v1/orgs', status: 200, response: MyOrganisationsSchema }),
    read: route({
      method: 'GET',
      path: '/v1/orgs/:orgId',
      status: 200,
      params: OrgParamsSchema,
      response: OrganisationSchema,
    }),
    update: route({
      method: 'PATCH',
      path: '/v1/orgs/:orgId',
      status: 200,
      params: OrgParamsSchema,
      body: UpdateOrganisationRequestSchema,
      response: OrganisationSchema,
    }),
  },
  members: {
    list: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/members',
      status: 200,
      params: OrgParamsSchema,
      query: ListMembersQuerySchema,
      response: MemberPageSchema,
    }),
    read: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/members/:memberId',
      status: 200,
      params: MemberParamsSchema,
      response: MemberDetailSchema,
    }),
    update: route({
      method: 'PATCH',
      path: '/v1/orgs/:orgId/members/:memberId',
      status: 200,
      params: MemberParamsSchema,
      body: UpdateMemberRequestSchema,
      response: MemberSchema,
    }),
    delete: route({
      method: 'DELETE',
      path: '/v1/orgs/:orgId/members/:memberId',
      status: 204,
      params: MemberParamsSchema,
      query: OwnedResourcesQuerySchema,
      response: NoContent,
    }),
  },
  invitations: {
    create: route({
      method: 'POST',
      path: '/v1/orgs/:orgId/invitations',
      status: 201,
      params: OrgParamsSchema,
      body: CreateInvitationRequestSchema,
      response: InvitationDetailSchema,
    }),
    list: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/invitations',
      status: 200,
      params: OrgParamsSchema,
      query: ListInvitationsQuerySchema,
      response: InvitationPageSchema,
    }),
    read: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/invitations/:invitationId',
      status: 200,
      params: InvitationParamsSchema,
      response: InvitationDetailSchema,
    }),
    delete: route({
      method: 'DELETE',
      path: '/v1/orgs/:orgId/invitations/:invitationId',
      status: 204,
      params: InvitationParamsSchema,
      response: NoContent,
    }),
    outbox: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/outbox',
      status: 200,
      params: OrgParamsSchema,
      response: OutboxSchema,
    }),
    preview: route({
      method: 'GET',
      path: '/v1/invitations/accept',
      status: 200,
      query: InvitationTokenQuerySchema,
      response: InvitationPreviewSchema,
    }),
    accept: route({
      method: 'POST',
      path: '/v1/invitations/accept',
      status: 201,
      body: AcceptInvitationRequestSchema,
      response: AcceptInvitationResponseSchema,
    }),
  },
  apiKeys: {
    create: route({
      method: 'POST',
      path: '/v1/orgs/:orgId/api-keys',
      status: 201,
      params: OrgParamsSchema,
      body: CreateApiKeyRequestSchema,
      response: CreatedApiKeySchema,
    }),
    list: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/api-keys',
      status: 200,
      params: OrgParamsSchema,
      query: ListApiKeysQuerySchema,
      response: ApiKeyPageSchema,
    }),
    read: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/api-keys/:keyId',
      status: 200,
      params: ApiKeyParamsSchema,
      response: ApiKeyDetailSchema,
    }),
    delete: route({
      method: 'DELETE',
      path: '/v1/orgs/:orgId/api-keys/:keyId',
      status: 204,
      params: ApiKeyParamsSchema,
      query: OwnedResourcesQuerySchema,
      response: NoContent,
    }),
  },
  audit: {
    list: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/audit',
      status: 200,
      params: OrgParamsSchema,
      query: ListAuditQuerySchema,
      response: AuditPageSchema,
    }),
    export: route({
      method: 'GET',
      path: '/v1/orgs/:orgId/audit/export',
      status: 200,
      params: OrgParamsSchema,
      query: AuditExportQuerySchema,
      response: AuditCsvSchema,
    }),
    purge: route({
      method: 'POST',
      path: '/v1/orgs/:orgId/audit/purge',
      status: 200,
      params: OrgParamsSchema,
      response: AuditPurgeResultSchema,
    }),
  },
} as const;

/** The path parameters a route's template names, as strings. */
export type RouteParams<R extends ApiRoute> = R['params'] extends z.ZodType ? z.input<R['params']> : undefined;
/** The query a caller may give (the server fills its defaults). */
export type RouteQuery<R extends ApiRoute> = R['query'] extends z.ZodType ? z.input<R['query']> : undefined;
/** The body a caller sends. */
export type RouteBody<R extends ApiRoute> = R['body'] extends z.ZodType ? z.input<R['body']> : undefined;
/** The body of a success. */
export type RouteResponse<R extends ApiRoute> = z.output<R['response']>;

/** The concrete path of a route: each `:name` replaced by its parameter, URI-encoded. */
export function pathOf(route: ApiRoute, params: Readonly<Record<string, string>> = {}): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} of ${route.path}`);
    return encodeURIComponent(value);
  });
}
