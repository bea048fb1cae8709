import { API, type Role } from '../../shared/platform';
import type { RequestAuth } from '../auth/principal';
import type { ApiRoutes } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { listEntries, statEntry } from './connector-browser';
import { ConnectorChecks } from './connector-checks';
import { ConnectorService } from './connector-service';
import { requireVault } from './require-vault';

/**
 * Organisation connectors: admins create, change, test, trust, resume and delete them; editors also browse them;
 * viewers see names and kinds. Every route needs the vault (vault_unavailable otherwise).
 */
export function connectorRoutes(routes: ApiRoutes, ctx: PlatformContext): void {
  const connectors = new ConnectorService(ctx);
  const checks = new ConnectorChecks(ctx, connectors);
  const role = (request: { readonly auth: RequestAuth }): Role => {
    if (request.auth.role === null) throw new Error('an organisation route ran without a role');
    return request.auth.role;
  };
  routes.add(API.connectors.create, async (request) => {
    const principal = request.auth.principal;
    if (principal?.type !== 'user') throw new ApiError('forbidden', 'Only a member can create connectors.');
    return connectors.create(request, request.params.orgId, principal.userId, request.body);
  });
  routes.add(API.connectors.list, (request) => connectors.list(request.params.orgId, role(request), request.query));
  routes.add(API.connectors.outgoingAddresses, async () => ({ addresses: [...ctx.outgoingAddresses()] }));
  routes.add(API.connectors.read, (request) =>
    connectors.read(request.params.orgId, request.params.connectorId, role(request)),
  );
  routes.add(API.connectors.update, (request) =>
    connectors.update(request, request.params.orgId, request.params.connectorId, request.body),
  );
  routes.add(API.connectors.delete, async (request) => {
    await connectors.remove(request, request.params.orgId, request.params.connectorId);
    return null;
  });
  routes.add(API.connectors.test, (request) =>
    checks.test(request, request.params.orgId, request.params.connectorId, request.query.write),
  );
  routes.add(API.connectors.trust, (request) =>
    checks.trust(request, request.params.orgId, request.params.connectorId, request.body.fingerprint),
  );
  routes.add(API.connectors.forgetIdentity, (request) =>
    checks.forgetIdentity(request, request.params.orgId, request.params.connectorId),
  );
  routes.add(API.connectors.resume, (request) =>
    connectors.resume(request, request.params.orgId, request.params.connectorId),
  );
  routes.add(API.connectors.entries, async (request) => {
    requireVault(ctx);
    return listEntries(ctx, request.params.orgId, request.params.connectorId, request.query);
  });
  routes.add(API.connectors.stat, async (request) => {
    requireVault(ctx);
    return statEntry(ctx, request.params.orgId, request.params.connectorId, request.query.path);
  });
}
