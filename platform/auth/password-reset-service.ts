import { and, count, eq, gt, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Language } from '../../shared/platform';
import { passwordResets, users } from '../db/schema';
import { orgIdsOf } from '../members/membership-queries';
import type { PlatformContext } from '../platform-context';
import { renderPasswordResetEmail } from '../mail/password-reset-email';
import { auditDenial, auditSuccess } from '../audit/audit-request';
import { ApiError } from '../http/api-error';
import { hashPassword } from './password';
import { hashToken, newId, newSecretToken, tokenKindOf } from './secret-token';
import { endAllSessions } from './sessions';
import { clearLoginFailures } from './login-throttle';

/** How long a reset link works. */
export const PASSWORD_RESET_TTL_MS = 60 * 60_000;
/** Reset e-mails one account receives per hour at most, so the address cannot be flooded. */
const RESETS_PER_HOUR = 3;

/** The answer to every reset request, whether or not the address has an account. */
export const RESET_REQUESTED =
  'If an account exists for this address, an e-mail with a link to choose a new password is on its way. ' +
  'The link works once, for one hour.';

const INVALID = 'This password reset link is not valid: it was used, replaced or has expired. Ask for a new one.';

/** The page a reset link opens on this server. */
export function passwordResetLink(ctx: PlatformContext, token: string, language: Language): string {
  return `${ctx.publicUrl()}/reset-password?lang=${language}&token=${encodeURIComponent(token)}`;
}

/**
 * Starts a reset: for a known address, stores a new token's hash and enqueues the e-mail on the `mail` job queue in the
 * same transaction (sent in the background, so the answer takes as long for an unknown address); every request is
 * audited. Refused as a whole without SMTP.
 */
export async function requestPasswordReset(
  ctx: PlatformContext,
  request: FastifyRequest,
  email: string,
  language: Language,
): Promise<void> {
  if (ctx.mail.kind !== 'smtp') {
    throw new ApiError(
      'mail_unavailable',
      'This server cannot send e-mails, so it cannot reset passwords. Ask an administrator of the server to set a new password or to configure SMTP.',
    );
  }
  const now = ctx.now();
  const [user] = await ctx.db.select().from(users).where(eq(users.email, email.toLowerCase()));
  if (!user) {
    await auditDenial(ctx.db, request, now, 'unknown_email', []);
    return;
  }
  request.auth.refusedPrincipal = { type: 'user', id: user.id, label: user.email, orgId: null };
  const orgIds = await orgIdsOf(ctx.db, user.id);
  const [recent] = await ctx.db
    .select({ n: count() })
    .from(passwordResets)
    .where(and(eq(passwordResets.userId, user.id), gt(passwordResets.createdAt, new Date(now.getTime() - 3_600_000))));
  if ((recent?.n ?? 0) >= RESETS_PER_HOUR) {
    await auditDenial(ctx.db, request, now, 'reset_throttled', orgIds);
    return;
  }
  const token = newSecretToken('passwordReset');
  const message = renderPasswordResetEmail({
    language,
    name: user.name,
    link: passwordResetLink(ctx, token, language),
    validMinutes: PASSWORD_RESET_TTL_MS / 60_000,
  });
  await ctx.db.transaction(async (tx) => {
    await tx.insert(passwordResets).values({
      id: newId('pwr'),
      userId: user.id,
      tokenHash: hashToken(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS),
      usedAt: null,
    });
    for (const orgId of orgIds) await auditSuccess(tx, request, now, { type: 'member', id: user.id }, orgId);
    // Only enqueued, with the token's row: the answer must not tell, by its delay, whether the address has an account.
    await ctx.mail.enqueue(tx, { to: user.email, ...message }, { purpose: 'password-reset', userId: user.id });
  });
}

/** Whether a reset token is one this server issued, unused and within its hour (without using it). */
export async function isPasswordResetPending(ctx: PlatformContext, token: string): Promise<boolean> {
  if (tokenKindOf(token) !== 'passwordReset') return false;
  const [row] = await ctx.db
    .select({ id: passwordResets.id })
    .from(passwordResets)
    .where(
      and(
        eq(passwordResets.tokenHash, hashToken(token)),
        isNull(passwordResets.usedAt),
        gt(passwordResets.expiresAt, ctx.now()),
      ),
    );
  return row !== undefined;
}

/**
 * Completes a reset: the token must be unused and within its hour; the password changes, every reset link of the
 * account stops working, every session ends, and the change is audited in each of the account's organisations.
 */
export async function completePasswordReset(
  ctx: PlatformContext,
  request: FastifyRequest,
  token: string,
  password: string,
): Promise<void> {
  const now = ctx.now();
  const passwordHash = await hashPassword(password);
  const refused = await ctx.db.transaction(async (tx) => {
    if (tokenKindOf(token) !== 'passwordReset') return { orgIds: [] };
    const [row] = await tx
      .select({ reset: passwordResets, user: users })
      .from(passwordResets)
      .innerJoin(users, eq(users.id, passwordResets.userId))
      .where(eq(passwordResets.tokenHash, hashToken(token)))
      .for('update');
    if (!row) return { orgIds: [] };
    const { reset, user } = row;
    const orgIds = await orgIdsOf(tx, user.id);
    if (reset.usedAt !== null || reset.expiresAt <= now) {
      request.auth.refusedPrincipal = { type: 'user', id: user.id, label: user.email, orgId: null };
      return { orgIds };
    }
    await tx.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await tx
      .update(passwordResets)
      .set({ usedAt: now })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt)));
    await endAllSessions(tx, user.id);
    await clearLoginFailures(tx, user.email);
    request.auth.principal = { type: 'user', userId: user.id, email: user.email, name: user.name, sessionId: '' };
    for (const orgId of orgIds) await auditSuccess(tx, request, now, { type: 'member', id: user.id }, orgId);
    return null;
  });
  if (refused === null) return;
  await auditDenial(ctx.db, request, now, 'password_reset_invalid', refused.orgIds);
  throw new ApiError('password_reset_invalid', INVALID);
}
