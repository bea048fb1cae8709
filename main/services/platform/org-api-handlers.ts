import { ORG_API_ROUTES, type OrgApiMethod } from '../../../shared/ipc/org-api-ipc';
import type { ApiRoute } from '../../../shared/platform';
import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import { ConnectorInputError } from '../connectors/connector-input-error';
import type { SignInTokens } from '../connectors/drive-sign-ins';
import type { PlatformConnection } from './platform-connection';
import { refusing } from './platform-refusal';

interface RouteCall {
  readonly params?: Readonly<Record<string, string>>;
  readonly query?: never;
  readonly body?: never;
  /** A Google sign-in of the form (organisation connectors' create and update only). */
  readonly signIn?: string;
}

interface ConnectorBody {
  readonly options?: Readonly<Record<string, unknown>>;
  readonly secrets?: Readonly<Record<string, string | null>>;
}

/**
 * The IPC handlers of the exposed platform routes: each calls its route for the active account and organisation. A
 * connector's create or update with a Google sign-in gets the sign-in's refresh token as its `refreshToken` secret
 * here, in main, on its way to the platform's vault.
 */
export function orgApiHandlers(
  connection: PlatformConnection,
  signIns?: SignInTokens,
): Pick<IpcHandlers, OrgApiMethod> {
  const bodyOf = (input: RouteCall): unknown => {
    if (input.signIn === undefined) return input.body;
    if (signIns === undefined)
      throw new ConnectorInputError('SignInExpired', 'Google sign-ins are not available here.');
    const body = (input.body ?? {}) as ConnectorBody;
    const clientId = body.options?.['clientId'];
    const refreshToken = signIns.tokenOf(input.signIn, typeof clientId === 'string' ? clientId : undefined);
    return { ...body, secrets: { ...body.secrets, refreshToken } };
  };
  const handlerOf = (route: ApiRoute) =>
    refusing(async (input: RouteCall) => {
      const body = bodyOf(input);
      const answer = await connection.run(({ client, orgId }) =>
        client.call(route, {
          // The organisation is always the active one: a payload cannot name another.
          params: { ...input.params, orgId },
          ...(input.query !== undefined ? { query: input.query } : {}),
          ...(body !== undefined ? { body: body as never } : {}),
        }),
      );
      if (input.signIn !== undefined) signIns?.forget(input.signIn);
      return answer;
    });
  return Object.fromEntries(
    Object.entries(ORG_API_ROUTES).map(([method, route]) => [method, handlerOf(route)]),
  ) as unknown as Pick<IpcHandlers, OrgApiMethod>;
}
