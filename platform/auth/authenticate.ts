import { eq } from 'drizzle-orm';
import { apiKeys, sessions, users } from '../db/schema';
import type { PlatformContext } from '../platform-context';
import type { Principal, RequestAuth } from './principal';
import { hashToken, tokenKindOf } from './secret-token';

/** The principal a bearer token stands for, or why it was refused (and whom, when that is known). */
export type Authentication =
  | { readonly ok: true; readonly principal: Principal }
  | { readonly ok: false; readonly reason: string; readonly refused: RequestAuth['refusedPrincipal'] };

const refuse = (reason: string, refused: RequestAuth['refusedPrincipal'] = null): Authentication => ({
  ok: false,
  reason,
  refused,
});

/** Reads `Authorization: Bearer <token>` and resolves a session or an API key; expired and deleted ones fail. */
export async function authenticate(ctx: PlatformContext, header: string | undefined): Promise<Authentication> {
  if (header === undefined) return refuse('no_credentials');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match?.[1]) return refuse('malformed_authorization');
  const token = match[1];
  const now = ctx.now();
  const kind = tokenKindOf(token);
  switch (kind) {
    case 'session': {
      const [row] = await ctx.db
        .select({ session: sessions, user: users })
        .from(sessions)
        .innerJoin(users, eq(users.id, sessions.userId))
        .where(eq(sessions.tokenHash, hashToken(token)));
      if (!row) return refuse('unknown_session');
      const refused = { type: 'user' as const, id: row.user.id, label: row.user.email, orgId: null };
      if (row.session.expiresAt <= now) {
        await ctx.db.delete(sessions).where(eq(sessions.id, row.session.id));
        return refuse('session_expired', refused);
      }
      return {
        ok: true,
        principal: {
          type: 'user',
          userId: row.user.id,
          email: row.user.email,
          name: row.user.name,
          sessionId: row.session.id,
        },
      };
    }
    case 'apiKey': {
      const [key] = await ctx.db
        .select()
        .from(apiKeys)
        .where(eq(apiKeys.secretHash, hashToken(token)));
      if (!key) return refuse('unknown_api_key');
      const refused = { type: 'api-key' as const, id: key.id, label: key.name, orgId: key.orgId };
      if (key.deletedAt !== null) return refuse('api_key_deleted', refused);
      if (key.expiresAt <= now) return refuse('api_key_expired', refused);
      await ctx.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, key.id));
      return {
        ok: true,
        principal: { type: 'api-key', keyId: key.id, name: key.name, orgId: key.orgId, role: key.role },
      };
    }
    case 'invitation':
    case 'passwordReset':
    case null:
      return refuse('unknown_token');
  }
}
