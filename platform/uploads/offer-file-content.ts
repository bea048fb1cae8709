// The provider's own download of an offer file: GET/HEAD .../offers/:offerId/files/:fileId/content, Range supported.
import type { FastifyInstance } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { RouteAccess } from '../../shared/platform';
import { Id } from '../../shared/platform/paging';
import { offerFiles } from '../db/schema';
import type { PlatformContext } from '../platform-context';
import { notFound } from '../http/api-error';
import { BEARER, ERROR_RESPONSES } from '../http/platform-app';
import { serveOfferFile } from './serve-offer-file';

/** The content route's path. */
export const OFFER_FILE_CONTENT_PATH = '/v1/orgs/:orgId/offers/:offerId/files/:fileId/content';

/** Any member of the offer's organisation may read its files (viewers too). */
export const OFFER_FILE_CONTENT_ACCESS: RouteAccess = {
  kind: 'org',
  action: 'offers.files.download',
  minRole: 'viewer',
  target: { type: 'offer-file', param: 'fileId' },
};

const Params = z.object({ orgId: Id, offerId: Id, fileId: Id });
const Bytes = z.string().describe('application/octet-stream');

/**
 * Registers the download of one file of an offer for the members of its organisation (pending, available or removed:
 * the bytes stay while deliveries name them), answered by serveOfferFile: Range, ETag and the SHA-256 in
 * `X-Ferry-SHA256` and `Repr-Digest`. Another organisation's file, or a file of another offer, is not found.
 */
export function registerOfferFileContent(app: FastifyInstance, ctx: PlatformContext): void {
  app.route({
    method: ['GET', 'HEAD'],
    url: OFFER_FILE_CONTENT_PATH,
    // HEAD is listed itself: Fastify's automatic HEAD route would read the stream it is given to the end.
    exposeHeadRoute: false,
    config: { access: OFFER_FILE_CONTENT_ACCESS },
    schema: {
      summary: "Download a file of one of the organisation's offers (Range supported, its SHA-256 in headers)",
      tags: ['offers'],
      security: BEARER,
      params: Params,
      produces: ['application/octet-stream'],
      response: {
        200: Bytes,
        206: Bytes.describe('The range asked for, with Content-Range'),
        416: z.string().describe('Range Not Satisfiable: Content-Range bytes */size'),
        ...ERROR_RESPONSES,
      },
    },
    handler: async (request, reply) => {
      const { orgId, offerId, fileId } = request.params as z.output<typeof Params>;
      const [file] = await ctx.db
        .select({
          storageKey: offerFiles.storageKey,
          size: offerFiles.size,
          sha256: offerFiles.sha256,
          name: offerFiles.name,
        })
        .from(offerFiles)
        .where(and(eq(offerFiles.id, fileId), eq(offerFiles.offerId, offerId), eq(offerFiles.orgId, orgId)));
      if (file === undefined) throw notFound('File');
      return serveOfferFile(ctx.offerStorage, file, request, reply);
    },
  });
}
