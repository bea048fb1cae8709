import { API } from '../../shared/platform';
import type { ApiRoutes } from '../http/api-route';
import type { PlatformContext } from '../platform-context';
import { CatalogService } from './catalog-service';

/** The catalog: any member of a buyer organisation browses other organisations' published offers. */
export function catalogRoutes(routes: ApiRoutes, ctx: PlatformContext): void {
  const catalog = new CatalogService(ctx);
  routes.add(API.catalog.list, (request) => catalog.list(request.params.orgId, request.query));
  routes.add(API.catalog.read, (request) => catalog.read(request.params.orgId, request.params.offerId));
}
