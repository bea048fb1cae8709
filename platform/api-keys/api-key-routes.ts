import { API } from '../../shared/platform';
import { apiRoute } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { PlatformApp } from '../http/platform-app';
import type { ApiKeyService } from './api-key-service';

/** API keys: create (secret shown once), list, view, delete (their owned resources transferred or deleted). */
export function apiKeyRoutes(app: PlatformApp, keys: ApiKeyService): void {
  const target = { type: 'api-key', param: 'keyId' } as const;

  apiRoute(
    app,
    API.apiKeys.create,
    {
      access: { kind: 'org', action: 'api-keys.create', minRole: 'admin' },
      summary: 'Create an API key (editor or viewer); the secret is in this response only',
      tag: 'api-keys',
    },
    async (request) => {
      const principal = request.auth.principal;
      if (principal?.type !== 'user') throw new ApiError('forbidden', 'Only a member can create API keys.');
      return keys.create(request, request.params.orgId, principal.userId, request.body);
    },
  );

  apiRoute(
    app,
    API.apiKeys.list,
    {
      access: { kind: 'org', action: 'api-keys.list', minRole: 'admin' },
      summary: 'List API keys (sort, filter by name or role, page)',
      tag: 'api-keys',
    },
    (request) => keys.list(request.params.orgId, request.query),
  );

  apiRoute(
    app,
    API.apiKeys.read,
    {
      access: { kind: 'org', action: 'api-keys.read', minRole: 'admin', target },
      summary: 'One API key, with its owner and how many resources it owns',
      tag: 'api-keys',
    },
    (request) => keys.read(request.params.orgId, request.params.keyId),
  );

  apiRoute(
    app,
    API.apiKeys.delete,
    {
      access: { kind: 'org', action: 'api-keys.delete', minRole: 'admin', target },
      summary: 'Delete an API key (it stops working at once); what it owns is transferred to a member or deleted',
      tag: 'api-keys',
    },
    async (request) => {
      await keys.remove(request, request.params.orgId, request.params.keyId, request.query);
      return null;
    },
  );
}
