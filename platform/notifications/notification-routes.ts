import { API } from '../../shared/platform';
import type { FastifyRequest } from 'fastify';
import type { ApiRoutes } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { NotificationService } from './notification-service';

// The routes are sessions-only (the access hook refuses API keys): what remains is a person.
function userOf(request: FastifyRequest): string {
  const principal = request.auth.principal;
  if (principal?.type !== 'user')
    throw new ApiError('forbidden', 'API keys have no notifications; sign in as a member.');
  return principal.userId;
}

/** The signed-in member's notifications: list, mark one read, mark all read. */
export function notificationRoutes(routes: ApiRoutes, service: NotificationService): void {
  routes.add(API.notifications.list, (request) => service.list(userOf(request), request.query));
  routes.add(API.notifications.read, (request) => service.markRead(userOf(request), request.params.notificationId));
  routes.add(API.notifications.readAll, async (request) => ({ marked: await service.markAllRead(userOf(request)) }));
}
