import { API } from '../../shared/platform';
import { apiRoute } from '../http/api-route';
import type { PlatformApp } from '../http/platform-app';
import type { MemberService } from './member-service';

/** Members: list, view, change role, remove (with their owned resources transferred or deleted). */
export function memberRoutes(app: PlatformApp, members: MemberService): void {
  const target = { type: 'member', param: 'memberId' } as const;

  apiRoute(
    app,
    API.members.list,
    {
      access: { kind: 'org', action: 'members.list', minRole: 'viewer' },
      summary: 'List members (sort, filter by text or role, page)',
      tag: 'members',
    },
    (request) => members.list(request.params.orgId, request.query),
  );

  apiRoute(
    app,
    API.members.read,
    {
      access: { kind: 'org', action: 'members.read', minRole: 'viewer', target },
      summary: 'One member, with how many resources they own',
      tag: 'members',
    },
    (request) => members.read(request.params.orgId, request.params.memberId),
  );

  apiRoute(
    app,
    API.members.update,
    {
      access: { kind: 'org', action: 'members.update', minRole: 'admin', target },
      summary: "Change a member's role (the last admin cannot be demoted)",
      tag: 'members',
    },
    (request) => members.setRole(request, request.params.orgId, request.params.memberId, request.body.role),
  );

  apiRoute(
    app,
    API.members.delete,
    {
      access: { kind: 'org', action: 'members.delete', minRole: 'admin', target },
      summary:
        'Remove a member: their resources go to another editor or admin, or are deleted; their sessions end at once; pending invitations to their e-mail or sent by them here are revoked',
      tag: 'members',
    },
    async (request) => {
      await members.remove(request, request.params.orgId, request.params.memberId, request.query);
      return null;
    },
  );
}
