import { API } from '../../shared/platform';
import { apiRoute } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { PlatformApp } from '../http/platform-app';
import type { AuthService } from './auth-service';

/** Signing in and out, and who the bearer token stands for. */
export function authRoutes(app: PlatformApp, auth: AuthService, rateLimit: object): void {
  apiRoute(
    app,
    API.auth.login,
    {
      access: { kind: 'public', action: 'auth.login' },
      rateLimit,
      summary:
        'Sign in with e-mail and password; returns a session token (rate-limited per IP, and per address after failures: 429 with Retry-After)',
      tag: 'auth',
    },
    (request, reply) => auth.login(request, reply, request.body),
  );

  apiRoute(
    app,
    API.auth.logout,
    {
      access: { kind: 'signed-in', action: 'auth.logout', sessionsOnly: true },
      summary: 'End the current session',
      tag: 'auth',
    },
    async (request) => {
      const principal = request.auth.principal;
      if (principal?.type !== 'user') throw new ApiError('forbidden', 'API keys cannot sign out.');
      await auth.logout(request, principal.userId, principal.sessionId);
      return null;
    },
  );

  apiRoute(
    app,
    API.auth.me,
    {
      access: { kind: 'signed-in', action: 'me.read' },
      summary: 'Who the bearer token stands for, and (for a person) their organisations and roles',
      tag: 'auth',
    },
    async (request) => {
      const principal = request.auth.principal;
      if (principal === null) throw new ApiError('unauthenticated', 'Sign in first.');
      return auth.me(principal);
    },
  );
}
