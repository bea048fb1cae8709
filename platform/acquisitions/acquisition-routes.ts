import { API } from '../../shared/platform';
import { auditSuccess } from '../audit/audit-request';
import type { ApiRoutes } from '../http/api-route';
import { ApiError } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { serveOfferFile } from '../uploads/serve-offer-file';
import { AcquisitionFiles } from './acquisition-files';
import { AcquisitionService } from './acquisition-service';

/**
 * Acquisitions: admins and editors of a buyer organisation acquire and cancel, every member reads them, follows the
 * change feed and downloads entitled files (also through links that work without signing in); admins and editors of
 * a provider see who acquired its offers.
 */
export function acquisitionRoutes(routes: ApiRoutes, ctx: PlatformContext): void {
  const acquisitions = new AcquisitionService(ctx);
  const files = new AcquisitionFiles(ctx, acquisitions);
  routes.add(API.acquisitions.create, (request) => {
    const principal = request.auth.principal;
    if (principal === null) throw new ApiError('unauthenticated', 'Sign in first.');
    return acquisitions.create(request, request.params.orgId, principal, request.body);
  });
  routes.add(API.acquisitions.list, (request) => acquisitions.list(request.params.orgId, request.query));
  routes.add(API.acquisitions.read, (request) => acquisitions.read(request.params.orgId, request.params.acquisitionId));
  routes.add(API.acquisitions.cancel, (request) =>
    acquisitions.cancel(request, request.params.orgId, request.params.acquisitionId),
  );
  routes.add(API.acquisitions.delete, (request) =>
    acquisitions.cancel(request, request.params.orgId, request.params.acquisitionId),
  );
  routes.add(API.acquisitions.files, (request) =>
    files.feed(request.params.orgId, request.params.acquisitionId, request.query.after, request.query.limit),
  );
  routes.add(API.acquisitions.content, async (request, reply) => {
    const { orgId, acquisitionId, fileId } = request.params;
    const { file } = await files.forDownload(orgId, acquisitionId, fileId);
    return serveOfferFile(ctx.offerStorage, file, request, reply);
  });
  routes.add(API.acquisitions.link, (request) =>
    files.link(request, request.params.orgId, request.params.acquisitionId, request.params.fileId),
  );
  routes.add(API.acquisitions.download, async (request, reply) => {
    const { acquisition, file } = await files.openLink(request, request.params.token);
    // A download through a link has no principal: its buyer's log records it (HEAD only looks, so it is not).
    if (request.method === 'GET') {
      const target = { type: 'acquisition', id: acquisition.id };
      await auditSuccess(ctx.db, request, ctx.now(), target, acquisition.buyerOrgId);
    }
    return serveOfferFile(ctx.offerStorage, file, request, reply);
  });
  routes.add(API.acquisitions.sales, (request) =>
    acquisitions.sales(request.params.orgId, request.params.offerId, request.query),
  );
}
