import { ORG_API_ROUTES, type OrgApiMethod } from '../../../shared/ipc/org-api-ipc';
import type { ApiRoute } from '../../../shared/platform';
import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import type { PlatformConnection } from './platform-connection';
import { refusing } from './platform-refusal';

interface RouteCall {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: never;
  readonly body?: never;
}

/** The IPC handlers of the exposed platform routes: each calls its route for the active account and organisation. */
export function orgApiHandlers(connection: PlatformConnection): Pick<IpcHandlers, OrgApiMethod> {
  const handlerOf = (route: ApiRoute) =>
    refusing((input: RouteCall) =>
      connection.run(({ client, orgId }) =>
        client.call(route, {
          // The organisation is always the active one: a payload cannot name another.
          params: { ...input.params, orgId },
          ...(input.query !== undefined ? { query: input.query } : {}),
          ...(input.body !== undefined ? { body: input.body } : {}),
        }),
      ),
    );
  return Object.fromEntries(
    Object.entries(ORG_API_ROUTES).map(([method, route]) => [method, handlerOf(route)]),
  ) as unknown as Pick<IpcHandlers, OrgApiMethod>;
}
