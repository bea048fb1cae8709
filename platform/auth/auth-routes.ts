import { API } from '../../shared/platform';
import type { ApiRoutes } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { AuthService } from './auth-service';

/** Signing in and out, and who the bearer token stands for. */
export function authRoutes(routes: ApiRoutes, auth: AuthService): void {
  routes.add(API.auth.login, (request, reply) => auth.login(request, reply, request.body));
  routes.add(API.auth.logout, async (request) => {
    const principal = request.auth.principal;
    if (principal?.type !== 'user') throw new ApiError('forbidden', 'API keys cannot sign out.');
    await auth.logout(request, principal.userId, principal.sessionId);
    return null;
  });
  routes.add(API.auth.me, async (request) => {
    const principal = request.auth.principal;
    if (principal === null) throw new ApiError('unauthenticated', 'Sign in first.');
    return auth.me(principal);
  });
}
