import type { FastifyRequest } from 'fastify';
import { API } from '../../shared/platform';
import { authenticate } from '../auth/authenticate';
import type { Principal } from '../auth/principal';
import type { ApiRoutes } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import type { InvitationAcceptance } from './invitation-acceptance';
import type { InvitationService } from './invitation-service';

/** The principal of an Authorization header on the public accept route; an invalid one is refused, not ignored. */
async function signedInCaller(ctx: PlatformContext, request: FastifyRequest): Promise<Principal | null> {
  if (request.headers.authorization === undefined) return null;
  const result = await authenticate(ctx, request.headers.authorization);
  if (result.ok) return result.principal;
  request.auth.refusedPrincipal = result.refused;
  throw Object.assign(new ApiError('unauthenticated', 'Your session is not valid any more: sign in again.'), {
    auditReason: result.reason,
  });
}

/** Invitations: create (e-mail via SMTP or the outbox), list, view with the link, delete, and the public accept. */
export function invitationRoutes(
  routes: ApiRoutes,
  ctx: PlatformContext,
  services: { readonly invitations: InvitationService; readonly acceptance: InvitationAcceptance },
): void {
  const { invitations, acceptance } = services;
  routes.add(API.invitations.create, (request) =>
    invitations.create(request, request.params.orgId, request.auth.principal, request.body),
  );
  routes.add(API.invitations.list, (request) => invitations.list(request.params.orgId, request.query));
  routes.add(API.invitations.read, (request) => invitations.read(request.params.orgId, request.params.invitationId));
  routes.add(API.invitations.delete, async (request) => {
    await invitations.remove(request, request.params.orgId, request.params.invitationId);
    return null;
  });
  routes.add(API.invitations.resend, (request) =>
    invitations.resend(request, request.params.orgId, request.params.invitationId),
  );
  routes.add(API.invitations.outbox, (request) => invitations.outbox(request.params.orgId));
  routes.add(API.invitations.preview, (request) => acceptance.preview(request, request.query.token));
  routes.add(API.invitations.accept, async (request) =>
    acceptance.accept(request, await signedInCaller(ctx, request), request.body),
  );
}
