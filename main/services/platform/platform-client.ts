import type { z } from 'zod';
import {
  API,
  ApiErrorSchema,
  pathOf,
  type AcceptInvitationRequest,
  type ApiRoute,
  type CreateApiKeyRequest,
  type CreateInvitationRequest,
  type ListApiKeysQuerySchema,
  type ListAuditQuerySchema,
  type ListInvitationsQuerySchema,
  type ListMembersQuerySchema,
  type LoginRequest,
  type OwnedResourcesQuery,
  type Role,
  type RouteBody,
  type RouteQuery,
  type RouteResponse,
  type SetupRequest,
  type UpdateOrganisationRequest,
} from '../../../shared/platform';
import { PlatformApiError, PlatformUnreachableError } from './platform-api-error';

/** Query of the members list (every field optional; the server applies its defaults). */
export type MembersQuery = z.input<typeof ListMembersQuerySchema>;
/** Query of the invitations list. */
export type InvitationsQuery = z.input<typeof ListInvitationsQuerySchema>;
/** Query of the API keys list. */
export type ApiKeysQuery = z.input<typeof ListApiKeysQuerySchema>;
/** Query of the audit log. */
export type AuditQuery = z.input<typeof ListAuditQuerySchema>;
/** Filters of the audit CSV export (the audit query without paging and sort). */
export type AuditFilters = Omit<AuditQuery, 'limit' | 'offset' | 'sort' | 'order'>;

/** How long one request may take before the platform counts as unreachable. */
const TIMEOUT_MS = 20_000;

/** What a call of a table route carries: its path parameters, query and body. */
export interface CallInput<R extends ApiRoute> {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: RouteQuery<R>;
  readonly body?: RouteBody<R>;
}

/**
 * A typed client of the platform API (used by main only: the renderer has no network). Every answer is checked
 * against the shared schemas; refusals become PlatformApiError with the platform's stable code, network failures
 * PlatformUnreachableError. The bearer token, when given, is sent and never logged.
 */
export class PlatformClient {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** The same platform with another bearer token (a new session, or none). */
  withToken(token: string | undefined): PlatformClient {
    return new PlatformClient(this.baseUrl, token, this.fetchImpl);
  }

  private async send<R extends ApiRoute>(route: R, options: CallInput<R>): Promise<Response> {
    const url = new URL(`${this.baseUrl}${pathOf(route, options.params)}`);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      // Booleans go back to the 'true'/'false' the query schemas read (main re-sends what it validated).
      if ((typeof value === 'string' && value !== '') || typeof value === 'number' || typeof value === 'boolean') {
        url.searchParams.set(key, String(value));
      }
    }
    const headers: Record<string, string> = { accept: 'application/json, text/csv' };
    if (this.token !== undefined) headers['authorization'] = `Bearer ${this.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: route.method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
        redirect: 'error',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (error) {
      const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
      throw new PlatformUnreachableError(this.baseUrl, `The platform at ${this.baseUrl} did not answer (${reason}).`);
    }
    if (response.ok) return response;
    const body: unknown = await response.json().catch(() => null);
    const parsed = ApiErrorSchema.safeParse(body);
    if (!parsed.success) {
      throw new PlatformUnreachableError(
        this.baseUrl,
        `${this.baseUrl} answered HTTP ${response.status}, which is not the Ferry platform API.`,
      );
    }
    throw new PlatformApiError(parsed.data.code, response.status, parsed.data.message, parsed.data.ownedResourceCount);
  }

  /** Calls a route answering JSON and checks the answer against the route's response schema. */
  private async json<R extends ApiRoute>(route: R, options: CallInput<R> = {}): Promise<RouteResponse<R>> {
    const response = await this.send(route, options);
    const parsed = route.response.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      const where = pathOf(route, options.params).slice('/v1/'.length);
      throw new PlatformUnreachableError(this.baseUrl, `${this.baseUrl} answered ${where} outside the platform API.`);
    }
    return parsed.data as RouteResponse<R>;
  }

  /** Calls any route of the shared table answering JSON or 204 (null); the routes without a method of their own. */
  async call<R extends ApiRoute>(route: R, options: CallInput<R> = {}): Promise<RouteResponse<R>> {
    if (route.status !== 204) return this.json(route, options);
    await this.empty(route, options);
    return null as RouteResponse<R>;
  }

  /** Calls a route answering 204 No Content. */
  private async empty<R extends ApiRoute>(route: R, options: CallInput<R> = {}): Promise<void> {
    const response = await this.send(route, options);
    await response.body?.cancel();
  }

  /** Whether the first-run setup is still to be done (public). */
  setupStatus() {
    return this.json(API.setup.status);
  }

  /** Creates the first organisation and its admin; returns the admin's session (public). */
  setup(request: SetupRequest) {
    return this.json(API.setup.create, { body: request });
  }

  /** Signs in with e-mail and password (public). */
  login(request: LoginRequest) {
    return this.json(API.auth.login, { body: request });
  }

  /** Ends this client's session on the server. */
  logout() {
    return this.empty(API.auth.logout);
  }

  /** Who the token stands for, with their organisations and roles. */
  me() {
    return this.json(API.auth.me);
  }

  /** The caller's organisations with their role in each. */
  organisations() {
    return this.json(API.organisations.list);
  }

  /** One organisation. */
  organisation(orgId: string) {
    return this.json(API.organisations.read, { params: { orgId } });
  }

  /** Renames an organisation or changes its audit retention (admins). */
  updateOrganisation(orgId: string, patch: UpdateOrganisationRequest) {
    return this.json(API.organisations.update, { params: { orgId }, body: patch });
  }

  /** A page of members. */
  members(orgId: string, query: MembersQuery = {}) {
    return this.json(API.members.list, { params: { orgId }, query });
  }

  /** One member with the number of resources they own. */
  member(orgId: string, memberId: string) {
    return this.json(API.members.read, { params: { orgId, memberId } });
  }

  /** Changes a member's role. */
  updateMember(orgId: string, memberId: string, role: Role) {
    return this.json(API.members.update, { params: { orgId, memberId }, body: { role } });
  }

  /** Removes a member; what they own is transferred or deleted as `owned` says. */
  deleteMember(orgId: string, memberId: string, owned: OwnedResourcesQuery = {}) {
    return this.empty(API.members.delete, { params: { orgId, memberId }, query: owned });
  }

  /** Invites someone; the answer carries the link. */
  createInvitation(orgId: string, request: CreateInvitationRequest) {
    return this.json(API.invitations.create, { params: { orgId }, body: request });
  }

  /** A page of invitations. */
  invitations(orgId: string, query: InvitationsQuery = {}) {
    return this.json(API.invitations.list, { params: { orgId }, query });
  }

  /** One invitation with its link (null once accepted or expired). */
  invitation(orgId: string, invitationId: string) {
    return this.json(API.invitations.read, { params: { orgId, invitationId } });
  }

  /** Deletes an invitation: its link stops working. */
  deleteInvitation(orgId: string, invitationId: string) {
    return this.empty(API.invitations.delete, { params: { orgId, invitationId } });
  }

  /** Sends a pending invitation's e-mail again with the same link (SMTP, or back in the outbox). */
  resendInvitation(orgId: string, invitationId: string) {
    return this.json(API.invitations.resend, { params: { orgId, invitationId } });
  }

  /** Invitation e-mails not sent (no SMTP, or sending failed). */
  outbox(orgId: string) {
    return this.json(API.invitations.outbox, { params: { orgId } });
  }

  /** What an invitation token offers, before accepting it (public). */
  previewInvitation(token: string) {
    return this.json(API.invitations.preview, { query: { token } });
  }

  /** Accepts an invitation; returns the new member's session (public). */
  acceptInvitation(request: AcceptInvitationRequest) {
    return this.json(API.invitations.accept, { body: request });
  }

  /** Creates an API key; the answer holds its secret, the only time it is ever given. */
  createApiKey(orgId: string, request: CreateApiKeyRequest) {
    return this.json(API.apiKeys.create, { params: { orgId }, body: request });
  }

  /** A page of API keys (never their secrets). */
  apiKeys(orgId: string, query: ApiKeysQuery = {}) {
    return this.json(API.apiKeys.list, { params: { orgId }, query });
  }

  /** One API key with its owner and the number of resources it owns. */
  apiKey(orgId: string, keyId: string) {
    return this.json(API.apiKeys.read, { params: { orgId, keyId } });
  }

  /** Deletes an API key; what it owns is transferred or deleted as `owned` says. */
  deleteApiKey(orgId: string, keyId: string, owned: OwnedResourcesQuery = {}) {
    return this.empty(API.apiKeys.delete, { params: { orgId, keyId }, query: owned });
  }

  /** A page of audit events. */
  audit(orgId: string, query: AuditQuery = {}) {
    return this.json(API.audit.list, { params: { orgId }, query });
  }

  /** The audit events matching the filters, as CSV text (oldest first). */
  async auditCsv(orgId: string, filters: AuditFilters = {}): Promise<string> {
    const response = await this.send(API.audit.export, { params: { orgId }, query: filters });
    return response.text();
  }
}
