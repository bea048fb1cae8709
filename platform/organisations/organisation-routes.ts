import { API } from '../../shared/platform';
import { apiRoute } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { PlatformApp } from '../http/platform-app';
import type { OrganisationService } from './organisation-service';

/** First-run setup: whether it is needed, and creating the first organisation with its admin. */
export function setupRoutes(app: PlatformApp, organisations: OrganisationService, rateLimit: object): void {
  apiRoute(
    app,
    API.setup.status,
    {
      access: { kind: 'public', action: 'setup.status' },
      summary: 'Whether the first-run setup is still to be done',
      tag: 'auth',
      errors: false,
    },
    async () => ({ setupRequired: await organisations.setupRequired() }),
  );

  apiRoute(
    app,
    API.setup.create,
    {
      access: { kind: 'public', action: 'setup' },
      rateLimit,
      summary: 'Create the first organisation and its admin (refused once any organisation exists)',
      tag: 'auth',
    },
    (request) => organisations.setup(request, request.body),
  );
}

/** Organisations: create another, list mine, view one, rename or change its audit retention. */
export function organisationRoutes(app: PlatformApp, organisations: OrganisationService): void {
  apiRoute(
    app,
    API.organisations.create,
    {
      access: { kind: 'signed-in', action: 'organisations.create', sessionsOnly: true },
      summary: 'Create another organisation; the signed-in person becomes its admin',
      tag: 'organisations',
    },
    async (request) => {
      const principal = request.auth.principal;
      if (principal?.type !== 'user') {
        throw new ApiError('forbidden', 'Only a signed-in person can create an organisation.');
      }
      return organisations.create(request, principal.userId, request.body.name);
    },
  );

  apiRoute(
    app,
    API.organisations.list,
    {
      access: { kind: 'signed-in', action: 'organisations.list' },
      summary: 'The organisations the caller belongs to, with their role in each',
      tag: 'organisations',
    },
    async (request) => {
      const principal = request.auth.principal;
      if (principal === null) throw new ApiError('unauthenticated', 'Sign in first.');
      return organisations.listFor(principal);
    },
  );

  apiRoute(
    app,
    API.organisations.read,
    {
      access: { kind: 'org', action: 'organisations.read', minRole: 'viewer' },
      summary: 'One organisation: its immutable ID, name and audit retention',
      tag: 'organisations',
    },
    (request) => organisations.read(request.params.orgId),
  );

  apiRoute(
    app,
    API.organisations.update,
    {
      access: {
        kind: 'org',
        action: 'organisations.update',
        minRole: 'admin',
        target: { type: 'organisation', param: 'orgId' },
      },
      summary: 'Rename the organisation or change how long its audit events are kept (admins)',
      tag: 'organisations',
    },
    (request) => organisations.update(request, request.params.orgId, request.body),
  );
}
