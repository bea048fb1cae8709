import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { sessions } from '../db/schema';
import { hashToken, newId, newSecretToken } from './secret-token';

/** Opens a session for a person: the bearer token is returned once, only its hash is stored. */
export async function createSession(
  db: Executor,
  userId: string,
  now: Date,
  ttlMs: number,
): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecretToken('session');
  const expiresAt = new Date(now.getTime() + ttlMs);
  await db
    .insert(sessions)
    .values({ id: newId('ses'), tokenHash: hashToken(token), userId, createdAt: now, expiresAt });
  return { token, expiresAt };
}

/** Ends every session of a person at once (removed from an organisation, or signed out everywhere). */
export async function endAllSessions(db: Executor, userId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.userId, userId));
}
