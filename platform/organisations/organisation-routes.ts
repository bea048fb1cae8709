import { API } from '../../shared/platform';
import type { ApiRoutes } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { OrganisationService } from './organisation-service';

/** First-run setup: whether it is needed, and creating the first organisation with its admin. */
export function setupRoutes(routes: ApiRoutes, organisations: OrganisationService): void {
  routes.add(API.setup.status, async () => ({ setupRequired: await organisations.setupRequired() }));
  routes.add(API.setup.create, (request) => organisations.setup(request, request.body));
}

/** Organisations: create another, list mine, view one, rename or change its audit retention. */
export function organisationRoutes(routes: ApiRoutes, organisations: OrganisationService): void {
  routes.add(API.organisations.create, async (request) => {
    const principal = request.auth.principal;
    if (principal?.type !== 'user')
      throw new ApiError('forbidden', 'Only a signed-in person can create an organisation.');
    return organisations.create(request, principal.userId, request.body.name);
  });
  routes.add(API.organisations.list, async (request) => {
    const principal = request.auth.principal;
    if (principal === null) throw new ApiError('unauthenticated', 'Sign in first.');
    return organisations.listFor(principal);
  });
  routes.add(API.organisations.read, (request) => organisations.read(request.params.orgId));
  routes.add(API.organisations.update, (request) => organisations.update(request, request.params.orgId, request.body));
}
