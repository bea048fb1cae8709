import { and, asc, desc, eq, ilike, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  ApiKeyDetailSchema,
  ApiKeyPageSchema,
  ApiKeyParamsSchema,
  CreateApiKeyRequestSchema,
  CreatedApiKeySchema,
  ListApiKeysQuerySchema,
  OrgParamsSchema,
  OwnedResourcesQuerySchema,
  type ApiKey,
  type ApiKeyDetail,
} from '../../shared/platform';
import type { Executor } from '../db/database';
import { apiKeys, users } from '../db/schema';
import { containsPattern } from '../db/like-pattern';
import { iso } from '../db/to-api';
import { hashToken, newId, newSecretToken, TOKEN_PREFIXES } from '../auth/secret-token';
import { auditSuccess } from '../audit/audit-request';
import {
  countOwned,
  forgetOwnership,
  ownerOf,
  recordOwnership,
  settleOwnedResources,
} from '../resources/owned-resources';
import { ApiError, notFound } from '../http/api-error';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from '../http/platform-app';
import type { PlatformContext } from '../platform-context';

const MAX_LIFETIME_MS = 5 * 365 * 86_400_000;

function toApiKey(row: { key: typeof apiKeys.$inferSelect; creatorEmail: string | null }): ApiKey {
  return {
    id: row.key.id,
    name: row.key.name,
    role: row.key.role,
    prefix: row.key.prefix,
    creatorId: row.key.creatorId,
    creatorEmail: row.creatorEmail,
    createdAt: row.key.createdAt.toISOString(),
    expiresAt: row.key.expiresAt.toISOString(),
    lastUsedAt: iso(row.key.lastUsedAt),
  };
}

const live = (orgId: string) => and(eq(apiKeys.orgId, orgId), isNull(apiKeys.deletedAt));

async function keyDetail(db: Executor, orgId: string, keyId: string): Promise<ApiKeyDetail> {
  const [row] = await db
    .select({ key: apiKeys, creatorEmail: users.email })
    .from(apiKeys)
    .leftJoin(users, eq(users.id, apiKeys.creatorId))
    .where(and(live(orgId), eq(apiKeys.id, keyId)));
  if (!row) throw notFound('API key');
  const owner = await ownerOf(db, 'api-key', keyId);
  return {
    ...toApiKey(row),
    ownerId: owner?.id ?? null,
    ownedResourceCount: await countOwned(db, orgId, { type: 'api-key', id: keyId }),
  };
}

/** API keys: create (secret shown once), list, view, delete (their owned resources transferred or deleted). */
export function apiKeyRoutes(app: PlatformApp, ctx: PlatformContext): void {
  const target = { type: 'api-key', param: 'keyId' } as const;

  app.post(
    '/v1/orgs/:orgId/api-keys',
    {
      config: { access: { kind: 'org', action: 'api-keys.create', minRole: 'admin' } },
      schema: {
        summary: 'Create an API key (editor or viewer); the secret is in this response only',
        tags: ['api-keys'],
        security: BEARER,
        params: OrgParamsSchema,
        body: CreateApiKeyRequestSchema,
        response: { 201: CreatedApiKeySchema, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params;
      const principal = request.auth.principal;
      if (principal?.type !== 'user') throw new ApiError('forbidden', 'Only a member can create API keys.');
      const now = ctx.now();
      const expiresAt = new Date(request.body.expiresAt);
      if (expiresAt <= now || expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS) {
        throw new ApiError('validation_failed', 'The expiry must be in the future and within 5 years.', {
          issues: [{ path: 'body.expiresAt', message: 'must be in the future and within 5 years' }],
        });
      }
      const secret = newSecretToken('apiKey');
      const id = newId('key');
      await ctx.db.transaction(async (tx) => {
        await tx.insert(apiKeys).values({
          id,
          orgId,
          name: request.body.name,
          role: request.body.role,
          secretHash: hashToken(secret),
          prefix: secret.slice(0, TOKEN_PREFIXES.apiKey.length + 4),
          creatorId: principal.userId,
          createdAt: now,
          expiresAt,
        });
        // The creator owns the key: removing them from the organisation must transfer or delete it.
        await recordOwnership(tx, orgId, 'api-key', id, { type: 'user', id: principal.userId });
        await auditSuccess(tx, request, now, { type: 'api-key', id });
      });
      return reply.code(201).send({ apiKey: await keyDetail(ctx.db, orgId, id), secret });
    },
  );

  app.get(
    '/v1/orgs/:orgId/api-keys',
    {
      config: { access: { kind: 'org', action: 'api-keys.list', minRole: 'admin' } },
      schema: {
        summary: 'List API keys (sort, filter by name or role, page)',
        tags: ['api-keys'],
        security: BEARER,
        params: OrgParamsSchema,
        querystring: ListApiKeysQuerySchema,
        response: { 200: ApiKeyPageSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => {
      const { q, role, limit, offset, sort, order } = request.query;
      const where = and(
        live(request.params.orgId),
        q ? ilike(apiKeys.name, containsPattern(q)) : undefined,
        role !== undefined ? eq(apiKeys.role, role) : undefined,
      );
      const column = {
        name: apiKeys.name,
        createdAt: apiKeys.createdAt,
        expiresAt: apiKeys.expiresAt,
        lastUsedAt: apiKeys.lastUsedAt,
      }[sort];
      const rows = await ctx.db
        .select({ key: apiKeys, creatorEmail: users.email })
        .from(apiKeys)
        .leftJoin(users, eq(users.id, apiKeys.creatorId))
        .where(where)
        .orderBy((order === 'desc' ? desc : asc)(column), asc(apiKeys.id))
        .limit(limit)
        .offset(offset);
      const [count] = await ctx.db
        .select({ n: sql<number>`count(*)::int` })
        .from(apiKeys)
        .where(where);
      return { items: rows.map(toApiKey), total: count?.n ?? 0, limit, offset };
    },
  );

  app.get(
    '/v1/orgs/:orgId/api-keys/:keyId',
    {
      config: { access: { kind: 'org', action: 'api-keys.read', minRole: 'admin', target } },
      schema: {
        summary: 'One API key, with its owner and how many resources it owns',
        tags: ['api-keys'],
        security: BEARER,
        params: ApiKeyParamsSchema,
        response: { 200: ApiKeyDetailSchema, ...ERROR_RESPONSES },
      },
    },
    async (request) => keyDetail(ctx.db, request.params.orgId, request.params.keyId),
  );

  app.delete(
    '/v1/orgs/:orgId/api-keys/:keyId',
    {
      config: { access: { kind: 'org', action: 'api-keys.delete', minRole: 'admin', target } },
      schema: {
        summary: 'Delete an API key (it stops working at once); what it owns is transferred to a member or deleted',
        tags: ['api-keys'],
        security: BEARER,
        params: ApiKeyParamsSchema,
        querystring: OwnedResourcesQuerySchema,
        response: { 204: z.null(), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { orgId, keyId } = request.params;
      const now = ctx.now();
      await ctx.db.transaction(async (tx) => {
        const [key] = await tx
          .select({ id: apiKeys.id })
          .from(apiKeys)
          .where(and(live(orgId), eq(apiKeys.id, keyId)))
          .for('update');
        if (!key) throw notFound('API key');
        await settleOwnedResources(tx, orgId, { type: 'api-key', id: keyId }, request.query, now);
        await tx.update(apiKeys).set({ deletedAt: now }).where(eq(apiKeys.id, keyId));
        await forgetOwnership(tx, 'api-key', keyId);
        await auditSuccess(tx, request, now);
      });
      return reply.code(204).send(null);
    },
  );
}
