import type { FastifyRequest } from 'fastify';
import { API } from '../../shared/platform';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import { apiRoute } from '../http/api-route';
import { ApiError } from '../http/api-error';
import { BEARER, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';
import type { InvitationAcceptance } from './invitation-acceptance';
import type { InvitationService } from './invitation-service';

/** Invitations: create (e-mail via SMTP or the outbox), list, view with the link, delete, and the public accept. */
export function invitationRoutes(
  app: PlatformApp,
  ctx: PlatformContext,
  services: { readonly invitations: InvitationService; readonly acceptance: InvitationAcceptance },
  rateLimit: object,
): void {
  const { invitations, acceptance } = services;
  const target = { type: 'invitation', param: 'invitationId' } as const;

  /** The principal of an Authorization header on the public accept route; an invalid one is refused, not ignored. */
  async function signedInCaller(request: FastifyRequest): Promise<Principal | null> {
    if (request.headers.authorization === undefined) return null;
    const result = await authenticate(ctx, request.headers.authorization);
    if (result.ok) return result.principal;
    request.auth.refusedPrincipal = result.refused;
    throw Object.assign(new ApiError('unauthenticated', 'Your session is not valid any more: sign in again.'), {
      auditReason: result.reason,
    });
  }

  apiRoute(
    app,
    API.invitations.create,
    {
      access: { kind: 'org', action: 'invitations.create', minRole: 'admin' },
      summary: 'Invite someone by e-mail with a role; the e-mail goes by SMTP when configured, else to the outbox',
      tag: 'invitations',
    },
    (request) => invitations.create(request, request.params.orgId, request.auth.principal, request.body),
  );

  apiRoute(
    app,
    API.invitations.list,
    {
      access: { kind: 'org', action: 'invitations.list', minRole: 'admin' },
      summary: 'List invitations (sort, filter by e-mail or pending, page)',
      tag: 'invitations',
    },
    (request) => invitations.list(request.params.orgId, request.query),
  );

  apiRoute(
    app,
    API.invitations.read,
    {
      access: { kind: 'org', action: 'invitations.read', minRole: 'admin', target },
      summary: 'One invitation, with its language, role and the link to copy',
      tag: 'invitations',
    },
    (request) => invitations.read(request.params.orgId, request.params.invitationId),
  );

  apiRoute(
    app,
    API.invitations.delete,
    {
      access: { kind: 'org', action: 'invitations.delete', minRole: 'admin', target },
      summary: 'Delete an invitation: its link stops working',
      tag: 'invitations',
    },
    async (request) => {
      await invitations.remove(request, request.params.orgId, request.params.invitationId);
      return null;
    },
  );

  apiRoute(
    app,
    API.invitations.outbox,
    {
      access: { kind: 'org', action: 'outbox.read', minRole: 'admin' },
      summary: 'Invitation e-mails that were not sent (no SMTP configured, or sending failed), still pending',
      tag: 'invitations',
    },
    (request) => invitations.outbox(request.params.orgId),
  );

  apiRoute(
    app,
    API.invitations.preview,
    {
      access: { kind: 'public', action: 'invitations.preview' },
      rateLimit,
      summary: 'What an invitation link offers (organisation, e-mail, role), before accepting it',
      tag: 'invitations',
    },
    (request) => acceptance.preview(request, request.query.token),
  );

  apiRoute(
    app,
    API.invitations.accept,
    {
      access: { kind: 'public', action: 'invitations.accept' },
      rateLimit,
      summary:
        'Accept an invitation: creates the account of the invited e-mail with a name and a password, or, when it exists, needs a session of that account; returns a session (the link then stops working)',
      tag: 'invitations',
      security: [{}, ...BEARER],
    },
    async (request) => acceptance.accept(request, await signedInCaller(request), request.body),
  );
}
