import { API } from '../../shared/platform';
import type { ApiRoutes } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { ApiKeyService } from './api-key-service';

/** API keys: create (secret shown once), list, view, delete (their owned resources transferred or deleted). */
export function apiKeyRoutes(routes: ApiRoutes, keys: ApiKeyService): void {
  routes.add(API.apiKeys.create, async (request) => {
    const principal = request.auth.principal;
    if (principal?.type !== 'user') throw new ApiError('forbidden', 'Only a member can create API keys.');
    return keys.create(request, request.params.orgId, principal.userId, request.body);
  });
  routes.add(API.apiKeys.list, (request) => keys.list(request.params.orgId, request.query));
  routes.add(API.apiKeys.read, (request) => keys.read(request.params.orgId, request.params.keyId));
  routes.add(API.apiKeys.delete, async (request) => {
    await keys.remove(request, request.params.orgId, request.params.keyId, request.query);
    return null;
  });
}
