import { and, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { loginThrottle } from '../db/schema';

/** How failed sign-ins of one address slow down further attempts. */
export interface LoginThrottlePolicy {
  /** Failures counted together; the count starts again after a window with no failure. */
  readonly windowMs: number;
  /** Failures allowed without any wait. */
  readonly freeFailures: number;
  /** The first wait after the free failures; each further failure doubles it. */
  readonly firstDelayMs: number;
  /** The longest wait, so an attacker can only slow the owner down, never lock them out for long. */
  readonly maxDelayMs: number;
}

/** Default: 5 free failures per 15 minutes, then 2 s, 4 s, 8 s ... up to 1 minute between attempts. */
export const DEFAULT_LOGIN_THROTTLE: LoginThrottlePolicy = {
  windowMs: 15 * 60_000,
  freeFailures: 5,
  firstDelayMs: 2_000,
  maxDelayMs: 60_000,
};

/** Whether a sign-in for an address may be checked now, or how long it must wait. */
export type ThrottleVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number };

/** The wait that follows the `failures`-th failure in a window (0 while failures are free). */
export function delayAfter(policy: LoginThrottlePolicy, failures: number): number {
  const beyond = failures - policy.freeFailures;
  if (beyond <= 0) return 0;
  return Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** Math.min(beyond - 1, 30));
}

/** Whether an address may try a password now (attempts while waiting are refused unchecked and not counted). */
export async function checkLoginThrottle(db: Executor, email: string, now: Date): Promise<ThrottleVerdict> {
  const [row] = await db
    .select({ blockedUntil: loginThrottle.blockedUntil })
    .from(loginThrottle)
    .where(eq(loginThrottle.email, email));
  if (row?.blockedUntil && row.blockedUntil > now) {
    return { allowed: false, retryAfterMs: row.blockedUntil.getTime() - now.getTime() };
  }
  return { allowed: true };
}

/**
 * Counts a failed sign-in for an address (in the database, under a row lock, so servers sharing it agree) and sets
 * when the next attempt may come.
 */
export async function recordLoginFailure(
  db: Executor,
  email: string,
  now: Date,
  policy: LoginThrottlePolicy,
): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .insert(loginThrottle)
      .values({ email, failures: 0, windowStart: now, blockedUntil: null })
      .onConflictDoNothing();
    const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.email, email)).for('update');
    const fresh = !row || row.windowStart.getTime() + policy.windowMs <= now.getTime();
    const failures = fresh ? 1 : row.failures + 1;
    const delay = delayAfter(policy, failures);
    await tx
      .update(loginThrottle)
      .set({
        failures,
        windowStart: fresh ? now : row.windowStart,
        blockedUntil: delay > 0 ? new Date(now.getTime() + delay) : null,
      })
      .where(eq(loginThrottle.email, email));
  });
  // Forget addresses whose window is over, a few at a time, so sprayed addresses do not pile up.
  const stale = await db
    .select({ email: loginThrottle.email })
    .from(loginThrottle)
    .where(
      and(
        lt(loginThrottle.windowStart, new Date(now.getTime() - policy.windowMs)),
        or(isNull(loginThrottle.blockedUntil), lt(loginThrottle.blockedUntil, now)),
      ),
    )
    .limit(50);
  if (stale.length > 0) {
    await db.delete(loginThrottle).where(
      and(
        inArray(
          loginThrottle.email,
          stale.map((s) => s.email),
        ),
        lt(loginThrottle.windowStart, new Date(now.getTime() - policy.windowMs)),
      ),
    );
  }
}

/** Forgets an address's failures after a successful sign-in or a password reset. */
export async function clearLoginFailures(db: Executor, email: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.email, email));
}
