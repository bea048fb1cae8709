import { and, eq, ilike, isNull } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type {
  ApiKey,
  ApiKeyDetail,
  CreateApiKeyRequest,
  CreatedApiKey,
  ListApiKeysQuery,
  OwnedResourcesQuery,
} from '../../shared/platform';
import type { Executor } from '../db/database';
import { apiKeys, users } from '../db/schema';
import { containsPattern } from '../db/like-pattern';
import { countRows } from '../db/count-rows';
import { paged } from '../db/paged';
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

/** API keys: create (secret shown once), list, view, delete (their owned resources transferred or deleted). */
export class ApiKeyService {
  constructor(private readonly ctx: PlatformContext) {}

  /** Keys with their creator's e-mail (null once the creator's account is gone). */
  private keysWithCreator(db: Executor = this.ctx.db) {
    return db
      .select({ key: apiKeys, creatorEmail: users.email })
      .from(apiKeys)
      .leftJoin(users, eq(users.id, apiKeys.creatorId));
  }

  /** Creates a key owned by its creator; the secret is in the answer only. */
  async create(
    request: FastifyRequest,
    orgId: string,
    creatorId: string,
    body: CreateApiKeyRequest,
  ): Promise<CreatedApiKey> {
    const now = this.ctx.now();
    const expiresAt = new Date(body.expiresAt);
    if (expiresAt <= now || expiresAt.getTime() - now.getTime() > MAX_LIFETIME_MS) {
      throw new ApiError('validation_failed', 'The expiry must be in the future and within 5 years.', {
        issues: [{ path: 'body.expiresAt', message: 'must be in the future and within 5 years' }],
      });
    }
    const secret = newSecretToken('apiKey');
    const id = newId('key');
    await this.ctx.db.transaction(async (tx) => {
      await tx.insert(apiKeys).values({
        id,
        orgId,
        name: body.name,
        role: body.role,
        secretHash: hashToken(secret),
        prefix: secret.slice(0, TOKEN_PREFIXES.apiKey.length + 4),
        creatorId,
        createdAt: now,
        expiresAt,
      });
      // The creator owns the key: removing them from the organisation must transfer or delete it.
      await recordOwnership(tx, orgId, 'api-key', id, { type: 'user', id: creatorId });
      await auditSuccess(tx, request, now, { type: 'api-key', id, label: body.name });
    });
    return { apiKey: await this.read(orgId, id), secret };
  }

  /** A page of the organisation's live keys, sorted and filtered (never their secrets). */
  async list(orgId: string, query: ListApiKeysQuery) {
    const { q, role, limit, offset, sort } = query;
    const where = and(
      live(orgId),
      q ? ilike(apiKeys.name, containsPattern(q)) : undefined,
      role !== undefined ? eq(apiKeys.role, role) : undefined,
    );
    const column = {
      name: apiKeys.name,
      createdAt: apiKeys.createdAt,
      expiresAt: apiKeys.expiresAt,
      lastUsedAt: apiKeys.lastUsedAt,
    }[sort];
    const rows = await paged(this.keysWithCreator().where(where).$dynamic(), column, apiKeys.id, query);
    return { items: rows.map(toApiKey), total: await countRows(this.ctx.db, apiKeys, where), limit, offset };
  }

  /** One live key with its owner and how many resources it owns. */
  async read(orgId: string, keyId: string, db: Executor = this.ctx.db): Promise<ApiKeyDetail> {
    const [row] = await this.keysWithCreator(db).where(and(live(orgId), eq(apiKeys.id, keyId)));
    if (!row) throw notFound('API key');
    const owner = await ownerOf(db, 'api-key', keyId);
    return {
      ...toApiKey(row),
      ownerId: owner?.id ?? null,
      ownedResourceCount: await countOwned(db, orgId, { type: 'api-key', id: keyId }),
    };
  }

  /** Deletes a key (it stops working at once); what it owns is transferred or deleted as `owned` says. */
  async remove(request: FastifyRequest, orgId: string, keyId: string, owned: OwnedResourcesQuery): Promise<void> {
    const now = this.ctx.now();
    await this.ctx.db.transaction(async (tx) => {
      const [key] = await tx
        .select({ id: apiKeys.id, name: apiKeys.name })
        .from(apiKeys)
        .where(and(live(orgId), eq(apiKeys.id, keyId)))
        .for('update');
      if (!key) throw notFound('API key');
      await settleOwnedResources(tx, this.ctx, orgId, { type: 'api-key', id: keyId }, owned, now);
      await tx.update(apiKeys).set({ deletedAt: now }).where(eq(apiKeys.id, keyId));
      await forgetOwnership(tx, 'api-key', keyId);
      await auditSuccess(tx, request, now, { type: 'api-key', id: keyId, label: key.name });
    });
  }
}
