import type { FastifyInstance, FastifyRequest } from 'fastify';
import { roleAtLeast, type Role, type RouteAccess } from '../../shared/platform';
import { roleIn } from '../members/membership-queries';
import { authenticate } from '../auth/authenticate';
import type { RequestAuth } from '../auth/principal';
import type { PlatformContext } from '../platform-context';
import { ApiError, notFound } from './api-error';

/** Who may call a route, and the action name its audit entries carry (declared in the shared route table). */
export type Access = RouteAccess;

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    auth: RequestAuth;
  }
}

async function check(ctx: PlatformContext, request: FastifyRequest, access: Access): Promise<void> {
  const result = await authenticate(ctx, request.headers.authorization);
  if (!result.ok) {
    request.auth.refusedPrincipal = result.refused;
    const message = result.reason === 'no_credentials' ? 'Sign in first.' : 'The credentials are not valid (any more).';
    throw Object.assign(new ApiError('unauthenticated', message), { auditReason: result.reason });
  }
  const principal = result.principal;
  request.auth.principal = principal;
  if (access.kind === 'signed-in') {
    if (access.sessionsOnly && principal.type === 'api-key') {
      throw Object.assign(new ApiError('forbidden', 'API keys cannot do this; sign in as a member.'), {
        auditReason: 'api_key_not_allowed',
      });
    }
    return;
  }
  if (access.kind !== 'org') return;
  const orgId = (request.params as { orgId?: string }).orgId ?? '';
  let role: Role | null = null;
  if (principal.type === 'api-key') {
    role = principal.orgId === orgId ? principal.role : null;
  } else {
    role = await roleIn(ctx.db, orgId, principal.userId);
  }
  // Not a member: the same 404 as an unknown organisation, so IDs of other organisations cannot be probed.
  if (role === null) throw Object.assign(notFound('Organisation'), { auditReason: 'not_a_member' });
  request.auth.orgId = orgId;
  request.auth.role = role;
  if (!roleAtLeast(role, access.minRole)) {
    throw Object.assign(new ApiError('forbidden', `This needs the ${access.minRole} role; yours is ${role}.`), {
      auditReason: 'role_too_low',
    });
  }
}

/** Authenticates and authorizes every route from its `config.access` before the body is even validated. */
export function registerAccessHook(app: FastifyInstance, ctx: PlatformContext): void {
  app.decorateRequest('auth', null as unknown as RequestAuth);
  app.addHook('onRequest', async (request) => {
    request.auth = { principal: null, refusedPrincipal: null, orgId: null, role: null, audited: false };
    const access = request.routeOptions.config.access;
    if (access === undefined || access.kind === 'public') return;
    await check(ctx, request, access);
  });
}
