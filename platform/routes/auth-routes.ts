import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { LoginRequestSchema, MeSchema, SessionSchema, type Me } from '../../shared/platform';
import { memberships, organisations, sessions, users } from '../db/schema';
import { toUser } from '../db/to-api';
import { burnPasswordCheck, verifyPassword } from '../auth/password';
import { createSession } from '../auth/sessions';
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from '../auth/login-throttle';
import { auditDenial, auditSuccess } from '../audit/audit-request';
import { ApiError } from '../http/api-error';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';
import type { Executor } from '../db/database';

async function orgIdsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.select({ orgId: memberships.orgId }).from(memberships).where(eq(memberships.userId, userId));
  return rows.map((row) => row.orgId);
}

/** Signing in and out, and who the bearer token stands for. */
export function authRoutes(app: PlatformApp, ctx: PlatformContext, rateLimit: object): void {
  app.post(
    '/v1/auth/login',
    {
      config: { access: { kind: 'public', action: 'auth.login' }, rateLimit },
      schema: {
        summary:
          'Sign in with e-mail and password; returns a session token (rate-limited per IP, and per address after failures: 429 with Retry-After)',
        tags: ['auth'],
        body: LoginRequestSchema,
        response: { 200: SessionSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const email = request.body.email.toLowerCase();
      const now = ctx.now();
      const [user] = await ctx.db.select().from(users).where(eq(users.email, email));
      request.auth.refusedPrincipal = { type: 'user', id: user?.id ?? email, label: email, orgId: null };
      const orgIds = user ? await orgIdsOf(ctx.db, user.id) : [];
      // Throttled per address, known or not, before any password check: waiting attempts are not even tried.
      const verdict = await checkLoginThrottle(ctx.db, email, now);
      if (!verdict.allowed) {
        const seconds = Math.ceil(verdict.retryAfterMs / 1000);
        await auditDenial(ctx.db, request, now, 'login_throttled', orgIds);
        reply.header('retry-after', String(seconds));
        throw new ApiError(
          'rate_limited',
          `Too many failed sign-ins for this address: wait ${seconds} seconds, then try again.`,
        );
      }
      const ok = user ? await verifyPassword(request.body.password, user.passwordHash) : false;
      if (!user) await burnPasswordCheck(request.body.password);
      if (!user || !ok) {
        await recordLoginFailure(ctx.db, email, now, ctx.loginThrottle);
        // A failed login is shown to the admins of every organisation the account belongs to.
        await auditDenial(ctx.db, request, now, 'invalid_credentials', orgIds);
        throw new ApiError('invalid_credentials', 'The e-mail or the password is wrong.');
      }
      request.auth.refusedPrincipal = null;
      await clearLoginFailures(ctx.db, email);
      const session = await ctx.db.transaction(async (tx) => {
        const created = await createSession(tx, user.id, now, ctx.sessionTtlMs);
        request.auth.principal = { type: 'user', userId: user.id, email: user.email, name: user.name, sessionId: '' };
        for (const orgId of await orgIdsOf(tx, user.id)) await auditSuccess(tx, request, now, null, orgId);
        return created;
      });
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: toUser(user) };
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      config: { access: { kind: 'signed-in', action: 'auth.logout', sessionsOnly: true } },
      schema: {
        summary: 'End the current session',
        tags: ['auth'],
        security: BEARER,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = request.auth.principal;
      if (principal?.type !== 'user') throw new ApiError('forbidden', 'API keys cannot sign out.');
      const now = ctx.now();
      await ctx.db.transaction(async (tx) => {
        await tx.delete(sessions).where(eq(sessions.id, principal.sessionId));
        for (const orgId of await orgIdsOf(tx, principal.userId)) await auditSuccess(tx, request, now, null, orgId);
      });
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/me',
    {
      config: { access: { kind: 'signed-in', action: 'me.read' } },
      schema: {
        summary: 'Who the bearer token stands for, and (for a person) their organisations and roles',
        tags: ['auth'],
        security: BEARER,
        response: { 200: MeSchema, ...ERROR_RESPONSES },
      },
    },
    async (request): Promise<Me> => {
      const principal = request.auth.principal;
      if (principal === null) throw new ApiError('unauthenticated', 'Sign in first.');
      if (principal.type === 'api-key') {
        return {
          type: 'api-key',
          id: principal.keyId,
          name: principal.name,
          orgId: principal.orgId,
          role: principal.role,
        };
      }
      const rows = await ctx.db
        .select({ orgId: organisations.id, orgName: organisations.name, role: memberships.role })
        .from(memberships)
        .innerJoin(organisations, eq(organisations.id, memberships.orgId))
        .where(eq(memberships.userId, principal.userId))
        .orderBy(organisations.name);
      return {
        type: 'user',
        user: { id: principal.userId, email: principal.email, name: principal.name },
        memberships: rows,
      };
    },
  );
}
