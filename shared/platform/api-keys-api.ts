import { z } from 'zod';
import { singleLineText } from './text-schemas';
import { ApiKeyRoleSchema } from './roles';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';
import { OrgParamsSchema } from './organisations-api';
import { OwnedResourcesQuerySchema } from './owned-resources';

/** An API key as listed: title, ID, creator, created, expires, last used (never the secret). */
export const ApiKeySchema = z.object({
  id: Id,
  name: z.string(),
  role: ApiKeyRoleSchema,
  /** The secret's first characters, to recognise it; not enough to use it. */
  prefix: z.string(),
  creatorId: Id.nullable(),
  creatorEmail: z.string().nullable(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
});
/** An API key as listed. */
export type ApiKey = z.infer<typeof ApiKeySchema>;

/** One API key in detail: adds who owns it now and how many resources it owns. */
export const ApiKeyDetailSchema = ApiKeySchema.extend({
  ownerId: Id.nullable(),
  ownedResourceCount: z.number().int(),
});
/** An API key in detail. */
export type ApiKeyDetail = z.infer<typeof ApiKeyDetailSchema>;

/** POST /v1/orgs/{orgId}/api-keys body: a name, a role (editor or viewer), an expiry in the future. */
export const CreateApiKeyRequestSchema = z.object({
  name: singleLineText(200),
  role: ApiKeyRoleSchema,
  expiresAt: Timestamp,
});
/** POST API key body. */
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequestSchema>;

/** POST API key response: the key and its secret, shown this once and never again. */
export const CreatedApiKeySchema = z.object({ apiKey: ApiKeyDetailSchema, secret: z.string() });
/** POST API key response. */
export type CreatedApiKey = z.infer<typeof CreatedApiKeySchema>;

/** GET /v1/orgs/{orgId}/api-keys query: paging, sort, a filter on the name, a role filter. */
export const ListApiKeysQuerySchema = pageQuery(['name', 'createdAt', 'expiresAt', 'lastUsedAt'], 'createdAt').extend({
  q: z.string().max(200).optional(),
  role: ApiKeyRoleSchema.optional(),
});
/** GET API keys query. */
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuerySchema>;

/** A page of API keys. */
export const ApiKeyPageSchema = pageOf(ApiKeySchema);

/** Path parameters of one API key. */
export const ApiKeyParamsSchema = z.object({ orgId: Id, keyId: Id });

const apiKey = { type: 'api-key', param: 'keyId' } as const;

/** The API key routes. */
export const API_KEY_ROUTES = routesOf('api-keys', {
  create: {
    method: 'POST',
    path: '/v1/orgs/:orgId/api-keys',
    status: 201,
    params: OrgParamsSchema,
    body: CreateApiKeyRequestSchema,
    response: CreatedApiKeySchema,
    access: { kind: 'org', action: 'api-keys.create', minRole: 'admin' },
    summary: 'Create an API key (editor or viewer); the secret is in this response only',
  },
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/api-keys',
    status: 200,
    params: OrgParamsSchema,
    query: ListApiKeysQuerySchema,
    response: ApiKeyPageSchema,
    access: { kind: 'org', action: 'api-keys.list', minRole: 'admin' },
    summary: 'List API keys (sort, filter by name or role, page)',
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/api-keys/:keyId',
    status: 200,
    params: ApiKeyParamsSchema,
    response: ApiKeyDetailSchema,
    access: { kind: 'org', action: 'api-keys.read', minRole: 'admin', target: apiKey },
    summary: 'One API key, with its owner and how many resources it owns',
  },
  delete: {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/api-keys/:keyId',
    status: 204,
    params: ApiKeyParamsSchema,
    query: OwnedResourcesQuerySchema,
    response: z.null(),
    access: { kind: 'org', action: 'api-keys.delete', minRole: 'admin', target: apiKey },
    summary: 'Delete an API key (it stops working at once); what it owns is transferred to a member or deleted',
  },
});
