import { API } from '../../shared/platform';
import type { ApiRoutes } from '../http/api-route';
import type { MemberService } from './member-service';

/** Members: list, view, change role, remove (with their owned resources transferred or deleted). */
export function memberRoutes(routes: ApiRoutes, members: MemberService): void {
  routes.add(API.members.list, (request) => members.list(request.params.orgId, request.query));
  routes.add(API.members.read, (request) => members.read(request.params.orgId, request.params.memberId));
  routes.add(API.members.update, (request) =>
    members.setRole(request, request.params.orgId, request.params.memberId, request.body.role),
  );
  routes.add(API.members.delete, async (request) => {
    await members.remove(request, request.params.orgId, request.params.memberId, request.query);
    return null;
  });
}
