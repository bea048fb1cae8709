// The offer routes: thin over OfferService and OfferFileService.
import { API } from '../../shared/platform';
import type { RequestAuth } from '../auth/principal';
import type { ApiRoutes } from '../http/api-route';
import type { PlatformContext } from '../platform-context';
import type { Owner } from '../resources/owned-resources';
import { offerConnectorUsages } from './offer-connector-usages';
import { OfferFileService } from './offer-file-service';
import { OfferService } from './offer-service';

function ownerOf(auth: RequestAuth): Owner {
  const principal = auth.principal;
  if (principal === null) throw new Error('an organisation route ran without a principal');
  return principal.type === 'user' ? { type: 'user', id: principal.userId } : { type: 'api-key', id: principal.keyId };
}

/**
 * A provider's offers and their files: admins, editors and editor API keys manage them, viewers read them. An
 * organisation connector used as an offer's source cannot be deleted (connector_in_use names the offer).
 */
export function offerRoutes(routes: ApiRoutes, ctx: PlatformContext): void {
  ctx.connectorUsages.register(offerConnectorUsages);
  const offers = new OfferService(ctx);
  const files = new OfferFileService(ctx, offers);
  routes.add(API.offers.create, (request) =>
    offers.create(request, request.params.orgId, ownerOf(request.auth), request.body),
  );
  routes.add(API.offers.list, (request) => offers.list(request.params.orgId, request.query));
  routes.add(API.offers.read, (request) => offers.read(request.params.orgId, request.params.offerId));
  routes.add(API.offers.update, (request) =>
    offers.update(request, request.params.orgId, request.params.offerId, request.body),
  );
  routes.add(API.offers.delete, async (request) => {
    await offers.remove(request, request.params.orgId, request.params.offerId);
    return null;
  });
  routes.add(API.offers.publish, (request) => offers.publish(request, request.params.orgId, request.params.offerId));
  routes.add(API.offers.archive, (request) => offers.archive(request, request.params.orgId, request.params.offerId));
  routes.add(API.offers.files, (request) => files.list(request.params.orgId, request.params.offerId, request.query));
  routes.add(API.offers.removeFile, async (request) => {
    const { orgId, offerId, fileId } = request.params;
    await files.remove(request, orgId, offerId, fileId);
    return null;
  });
  routes.add(API.offers.approveFiles, (request) =>
    files.approve(request, request.params.orgId, request.params.offerId, request.body.fileIds),
  );
  routes.add(API.offers.rejectFiles, (request) =>
    files.reject(request, request.params.orgId, request.params.offerId, request.body.fileIds),
  );
}
