import { eq } from 'drizzle-orm';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LoginRequest, Me, Session } from '../../shared/platform';
import { sessions, users } from '../db/schema';
import { toUser } from '../db/to-api';
import { auditDenial, auditSuccess } from '../audit/audit-request';
import { orgIdsOf, organisationsOf } from '../members/membership-queries';
import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { burnPasswordCheck, verifyPassword } from './password';
import { createSession } from './sessions';
import { checkLoginThrottle, clearLoginFailures, recordLoginFailure } from './login-throttle';
import type { Principal } from './principal';

/** Signing in and out, and who a principal is. */
export class AuthService {
  constructor(private readonly ctx: PlatformContext) {}

  /**
   * Signs in with e-mail and password: throttled per address before any password check, every failure audited in
   * the account's organisations; a throttled attempt sets Retry-After on `reply`.
   */
  async login(request: FastifyRequest, reply: FastifyReply, body: LoginRequest): Promise<Session> {
    const { db } = this.ctx;
    const email = body.email.toLowerCase();
    const now = this.ctx.now();
    const [user] = await db.select().from(users).where(eq(users.email, email));
    request.auth.refusedPrincipal = { type: 'user', id: user?.id ?? email, label: email, orgId: null };
    const orgIds = user ? await orgIdsOf(db, user.id) : [];
    // Throttled per address, known or not, before any password check: waiting attempts are not even tried.
    const verdict = await checkLoginThrottle(db, email, now);
    if (!verdict.allowed) {
      const seconds = Math.ceil(verdict.retryAfterMs / 1000);
      await auditDenial(db, request, now, 'login_throttled', orgIds);
      reply.header('retry-after', String(seconds));
      throw new ApiError(
        'rate_limited',
        `Too many failed sign-ins for this address: wait ${seconds} seconds, then try again.`,
      );
    }
    const ok = user ? await verifyPassword(body.password, user.passwordHash) : false;
    if (!user) await burnPasswordCheck(body.password);
    if (!user || !ok) {
      await recordLoginFailure(db, email, now, this.ctx.loginThrottle);
      // A failed login is shown to the admins of every organisation the account belongs to.
      await auditDenial(db, request, now, 'invalid_credentials', orgIds);
      throw new ApiError('invalid_credentials', 'The e-mail or the password is wrong.');
    }
    request.auth.refusedPrincipal = null;
    await clearLoginFailures(db, email);
    const session = await db.transaction(async (tx) => {
      const created = await createSession(tx, user.id, now, this.ctx.sessionTtlMs);
      request.auth.principal = { type: 'user', userId: user.id, email: user.email, name: user.name, sessionId: '' };
      for (const orgId of await orgIdsOf(tx, user.id)) await auditSuccess(tx, request, now, null, orgId);
      return created;
    });
    return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: toUser(user) };
  }

  /** Ends a person's session, audited in each of their organisations. */
  async logout(request: FastifyRequest, userId: string, sessionId: string): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.id, sessionId));
      for (const orgId of await orgIdsOf(tx, userId)) await auditSuccess(tx, request, now, null, orgId);
    });
  }

  /** Who a principal is and, for a person, their organisations and roles. */
  async me(principal: Principal): Promise<Me> {
    if (principal.type === 'api-key') {
      return {
        type: 'api-key',
        id: principal.keyId,
        name: principal.name,
        orgId: principal.orgId,
        role: principal.role,
      };
    }
    const rows = await organisationsOf(this.ctx.db, principal.userId);
    return {
      type: 'user',
      user: { id: principal.userId, email: principal.email, name: principal.name },
      memberships: rows.map((row) => ({ orgId: row.org.id, orgName: row.org.name, role: row.role })),
    };
  }
}
