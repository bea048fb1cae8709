import { sql } from 'drizzle-orm';
import { SetupRequestSchema, SetupResponseSchema, SetupStatusSchema } from '../../shared/platform';
import { memberships, organisations, users } from '../db/schema';
import { toOrganisation, toUser } from '../db/to-api';
import { hashPassword } from '../auth/password';
import { newId } from '../auth/secret-token';
import { createSession } from '../auth/sessions';
import { auditSuccess } from '../audit/audit-request';
import { ApiError } from '../http/api-error';
import { ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

/** First-run setup: whether it is needed, and creating the first organisation with its admin. */
export function setupRoutes(app: PlatformApp, ctx: PlatformContext, rateLimit: object): void {
  app.get(
    '/v1/setup',
    {
      config: { access: { kind: 'public', action: 'setup.status' } },
      schema: {
        summary: 'Whether the first-run setup is still to be done',
        tags: ['auth'],
        response: { 200: SetupStatusSchema },
      },
    },
    async () => {
      const [row] = await ctx.db.select({ n: sql<number>`count(*)::int` }).from(organisations);
      return { setupRequired: (row?.n ?? 0) === 0 };
    },
  );

  app.post(
    '/v1/setup',
    {
      config: { access: { kind: 'public', action: 'setup' }, rateLimit },
      schema: {
        summary: 'Create the first organisation and its admin (refused once any organisation exists)',
        tags: ['auth'],
        body: SetupRequestSchema,
        response: { 201: SetupResponseSchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const passwordHash = await hashPassword(body.password);
      const now = ctx.now();
      const result = await ctx.db.transaction(async (tx) => {
        // Serialises concurrent setups: only the first one sees an empty table.
        await tx.execute(sql`lock table ${organisations} in exclusive mode`);
        const [count] = await tx.select({ n: sql<number>`count(*)::int` }).from(organisations);
        if ((count?.n ?? 0) > 0)
          throw new ApiError('already_set_up', 'This platform is already set up; sign in instead.');
        const [org] = await tx
          .insert(organisations)
          .values({ id: newId('org'), name: body.organisationName, createdAt: now })
          .returning();
        const [user] = await tx
          .insert(users)
          .values({ id: newId('usr'), email: body.email.toLowerCase(), name: body.name, passwordHash, createdAt: now })
          .returning();
        if (!org || !user) throw new Error('insert returned nothing');
        await tx.insert(memberships).values({ orgId: org.id, userId: user.id, role: 'admin', joinedAt: now });
        const session = await createSession(tx, user.id, now, ctx.sessionTtlMs);
        request.auth.principal = { type: 'user', userId: user.id, email: user.email, name: user.name, sessionId: '' };
        await auditSuccess(tx, request, now, { type: 'organisation', id: org.id }, org.id);
        return { org, user, session };
      });
      return reply.code(201).send({
        token: result.session.token,
        expiresAt: result.session.expiresAt.toISOString(),
        user: toUser(result.user),
        organisation: toOrganisation(result.org),
      });
    },
  );
}
