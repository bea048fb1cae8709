// Resumable offer uploads: the tus protocol mounted on the platform's Fastify app, behind its bearer-token access.
import type { IncomingMessage } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { Server } from '@tus/server';
import { ERRORS, type DataStore, type Upload } from '@tus/utils';
import type { RouteAccess } from '../../shared/platform';
import { Id } from '../../shared/platform/paging';
import { normalizePath } from '../../connectors/path-safety';
import { offers } from '../db/schema';
import type { PlatformContext } from '../platform-context';
import { ApiError, notFound } from '../http/api-error';
import { loggableError } from '../http/loggable-error';
import { BEARER, ERROR_RESPONSES } from '../http/platform-app';
import { newId } from '../auth/secret-token';
import { auditDenial } from '../audit/audit-request';
import { AdvisoryLocker, lockSessionOf, type AdvisoryLockerOptions } from './advisory-locker';
import { createUploadStore, DEFAULT_UPLOAD_EXPIRY_MS } from './upload-store';
import { completeUpload, TusHttpError, uploadMetadataOf } from './upload-completion';
import { registerUploadExpiry } from './upload-expiry';
import { registerOfferFileContent } from './offer-file-content';

/** Where uploads of an offer are created (POST) and continued (HEAD, PATCH, DELETE on `/:uploadId`). */
export const UPLOADS_PATH = '/v1/orgs/:orgId/offers/:offerId/uploads';

/** Settings of the upload endpoints (tests shorten them). */
export interface OfferUploadsOptions {
  /** How long an unfinished upload may wait for its next chunk (default 7 days). */
  readonly expiryMs?: number;
  /** The advisory locker's wait for an upload held elsewhere (default 30 s). */
  readonly lock?: AdvisoryLockerOptions;
}

/** The running upload endpoints: the tus server, its store and locker (tests and the expiry job use them). */
export interface OfferUploads {
  readonly tus: Server;
  readonly store: DataStore;
  readonly locker: AdvisoryLocker;
}

/** Who may upload: an admin or editor of the offer's organisation (audited as `offers.files.upload`). */
export const UPLOAD_ACCESS: RouteAccess = {
  kind: 'org',
  action: 'offers.files.upload',
  minRole: 'editor',
  target: { type: 'offer', param: 'offerId' },
};

const UPLOAD_ID = /^upl_[0-9A-Za-z]{22}$/;

// The audit reason of each tus refusal status.
const TUS_REFUSALS: Readonly<Record<number, string>> = {
  400: 'invalid_upload',
  403: 'forbidden',
  404: 'not_found',
  413: 'too_large',
};
const SHA256 = /^[0-9a-fA-F]{64}$/;

/** The offer an upload request is for, as checked by the route before tus saw the request. */
interface OpenOffer {
  readonly id: string;
  readonly orgId: string;
  readonly maxFileSize: number;
  /** A subscription fed by a desktop agent: its uploads saying `origin: agent` are recorded as the agent's. */
  readonly agentSource: boolean;
}

/** What the Fastify route knew of a request, for tus's hooks (which see only the raw request). */
interface UploadRequest {
  readonly request: FastifyRequest;
  readonly offer: OpenOffer;
}

const UploadParams = z.object({ orgId: Id, offerId: Id });
const UploadIdParams = UploadParams.extend({ uploadId: Id });

/** An offer of the caller's organisation that takes new files (draft or published), or the refusal. */
async function openOffer(ctx: PlatformContext, orgId: string, offerId: string): Promise<OpenOffer> {
  const [offer] = await ctx.db
    .select({
      id: offers.id,
      orgId: offers.orgId,
      status: offers.status,
      maxFileSize: offers.maxFileSize,
      kind: offers.kind,
      sourceType: offers.sourceType,
    })
    .from(offers)
    .where(and(eq(offers.id, offerId), eq(offers.orgId, orgId)));
  if (offer === undefined) throw notFound('Offer');
  if (offer.status === 'archived') {
    throw new ApiError('invalid_state', 'This offer is archived: it takes no new files.');
  }
  return {
    id: offer.id,
    orgId: offer.orgId,
    maxFileSize: offer.maxFileSize,
    agentSource: offer.kind === 'subscription' && offer.sourceType === 'agent',
  };
}

/** The offer path of a new upload from its metadata (`path`, else `filename`) and the announced SHA-256. */
function checkedMetadata(upload: Upload): { path: string; sha256: string } {
  const meta = upload.metadata ?? {};
  const raw = meta.path ?? meta.filename;
  if (!raw) throw new TusHttpError(400, 'Upload-Metadata needs the file\'s "path" (or "filename") in the offer.');
  let path: string;
  try {
    path = normalizePath(raw);
  } catch (error) {
    throw new TusHttpError(400, `${(error as Error).message} Name the file with a relative path, / between folders.`);
  }
  if (path === '') throw new TusHttpError(400, 'The path in the offer is empty.');
  const sha256 = meta.sha256;
  if (!sha256 || !SHA256.test(sha256)) {
    throw new TusHttpError(400, 'Upload-Metadata needs "sha256": the file\'s SHA-256 as 64 hexadecimal digits.');
  }
  return { path, sha256: sha256.toLowerCase() };
}

function nodeRequestOf(req: unknown): IncomingMessage | undefined {
  return (req as { runtime?: { node?: { req?: IncomingMessage } } }).runtime?.node?.req;
}

const uploadSchema = (
  summary: string,
  description: string,
  params: z.ZodType,
  responses: Record<number, z.ZodType>,
) => ({
  summary,
  description,
  tags: ['offers'],
  security: BEARER,
  params,
  response: { ...responses, ...ERROR_RESPONSES },
});

const TUS_HEADERS =
  'tus 1.0.0 (https://tus.io/protocols/resumable-upload): Tus-Resumable: 1.0.0 on every request; bodies are ' +
  'application/offset+octet-stream. ';

/**
 * Registers the tus endpoints of offer uploads on `app` (call before `ready`): POST `UPLOADS_PATH` creates an upload
 * (Upload-Length at most the offer's maxFileSize; Upload-Metadata `path` or `filename`, and `sha256`), HEAD / PATCH /
 * DELETE `UPLOADS_PATH/:uploadId` continue, inspect or abandon it. The platform's access hook authenticates the bearer
 * token and checks the role (editor at least) like any route; the route then checks the offer takes files, and tus's
 * onIncomingRequest that the upload belongs to that offer. Bodies reach tus unparsed (a raw parser scoped to these
 * routes). A finished upload is verified and added by completeUpload; finished uploads cannot be terminated. Also
 * declares the hourly sweep of expired uploads and registers the provider's download route (offer-file-content.ts).
 */
export function registerOfferUploads(
  app: FastifyInstance,
  ctx: PlatformContext,
  log: FastifyBaseLogger,
  options: OfferUploadsOptions = {},
): OfferUploads {
  const expiryMs = options.expiryMs ?? DEFAULT_UPLOAD_EXPIRY_MS;
  const store = createUploadStore(ctx.offerStorage.setting, expiryMs);
  const locker = new AdvisoryLocker(lockSessionOf(ctx.db), options.lock);
  const requests = new WeakMap<IncomingMessage, UploadRequest>();
  const known = (req: unknown): UploadRequest => {
    const node = nodeRequestOf(req);
    const entry = node === undefined ? undefined : requests.get(node);
    // Only requests that went through the route (and its access check) reach tus.
    if (entry === undefined) throw new TusHttpError(403, 'Upload requests go through the platform API.');
    return entry;
  };
  const tus = new Server({
    path: UPLOADS_PATH,
    datastore: store,
    locker,
    namingFunction: () => newId('upl'),
    generateUrl: (req, { id }) => {
      const { offer } = known(req);
      return `/v1/orgs/${encodeURIComponent(offer.orgId)}/offers/${encodeURIComponent(offer.id)}/uploads/${id}`;
    },
    getFileIdFromRequest: (_req, lastPath) =>
      lastPath !== undefined && UPLOAD_ID.test(lastPath) ? lastPath : undefined,
    maxSize: (req) => known(req).offer.maxFileSize,
    disableTerminationForFinishedUploads: true,
    onResponseError: async (req, error) => {
      // Another request (on any instance) kept the upload: 423 says "busy, retry", which clients retry, unlike a 500.
      if (error === ERRORS.ERR_LOCK_TIMEOUT) {
        return { status_code: 423, body: 'Locked: another request is writing this upload; try again shortly.\n' };
      }
      // tus's own refusals are audited like the platform's (offset conflicts and expiries are not refusals).
      const reason = TUS_REFUSALS[(error as { status_code?: number }).status_code ?? 0];
      const node = nodeRequestOf(req);
      const entry = node === undefined ? undefined : requests.get(node);
      if (reason !== undefined && entry !== undefined && !entry.request.auth.audited) {
        await auditDenial(ctx.db, entry.request, ctx.now(), reason).catch((auditError: unknown) => {
          entry.request.log.error({ err: loggableError(auditError) }, 'could not record a refusal in the audit log');
        });
      }
      return undefined;
    },
    onIncomingRequest: async (req, uploadId) => {
      const { offer, request } = known(req);
      if (req.method === 'POST') return;
      const upload = await store.getUpload(uploadId);
      // Another offer's upload is not found here, so its ID tells nothing.
      if (uploadMetadataOf(upload)?.offerId !== offer.id) throw ERRORS.FILE_NOT_FOUND;
      // A client that missed the last PATCH's answer asks HEAD: the upload becomes a file if it did not yet.
      if (req.method === 'HEAD' && upload.size !== undefined && upload.offset === upload.size) {
        await completeUpload(ctx, store, request, upload);
      }
    },
    onUploadCreate: async (req, upload) => {
      const { offer } = known(req);
      const { path, sha256 } = checkedMetadata(upload);
      // The agent's claim counts only for an offer an agent feeds; elsewhere the upload is a person's like any other.
      const { origin, ...metadata } = upload.metadata ?? {};
      const checked: Record<string, string | null> = {
        ...metadata,
        path,
        sha256,
        offerId: offer.id,
        orgId: offer.orgId,
      };
      if (origin === 'agent' && offer.agentSource) checked['origin'] = 'agent';
      return { metadata: checked };
    },
    onUploadFinish: async (req, upload) => {
      const fileId = await completeUpload(ctx, store, known(req).request, upload);
      return { headers: { 'X-Ferry-File-Id': fileId } };
    },
  });
  // Requests being answered by tus: a client that stalls mid-chunk must not keep the server from stopping.
  const inFlight = new Set<IncomingMessage>();
  app.addHook('preClose', async () => {
    // tus keeps the bytes that arrived (the client resumes from there, on any instance) and releases the lock.
    // An error on the request is what makes tus stop reading and store the bytes it has (a socket closed is not).
    for (const raw of inFlight) raw.destroy(new Error('the server is stopping'));
    // Every lock released means every write stored (the answers to closed sockets never finish: not awaited). The
    // wait stays below Fastify's 10 s limit for a close hook.
    for (const deadline = Date.now() + 5_000; locker.heldCount > 0 && Date.now() < deadline;) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  app.addHook('onClose', () => locker.close());
  registerUploadExpiry(ctx, store, expiryMs, log);
  registerOfferFileContent(app, ctx);
  const handler = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const { orgId, offerId } = request.params as { orgId: string; offerId: string };
    const offer = await openOffer(ctx, orgId, offerId);
    requests.set(request.raw, { request, offer });
    // From here tus answers on the raw response; Fastify sends nothing more.
    reply.hijack();
    inFlight.add(request.raw);
    reply.raw.once('close', () => inFlight.delete(request.raw));
    try {
      await tus.handle(request.raw, reply.raw);
    } catch (error) {
      // tus answers its own errors; this is a failure writing the answer: log it and cut the connection.
      request.log.error({ err: loggableError(error) }, 'upload request failed');
      reply.raw.destroy();
    }
  };
  void app.register(async (scope) => {
    // tus reads the request bodies itself: no parser of this scope may consume them (nor apply the JSON body limit).
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/offset+octet-stream', (_request, _payload, done) => done(null));
    scope.route({
      method: 'POST',
      url: UPLOADS_PATH,
      config: { access: UPLOAD_ACCESS },
      schema: uploadSchema(
        'Start a resumable upload of a file into an offer (tus creation)',
        TUS_HEADERS +
          'Upload-Length: the size (at most the offer\'s maxFileSize); Upload-Metadata: "path" (or "filename"), the ' +
          'path in the offer, and "sha256", the file\'s SHA-256 in hex, checked when the last byte arrives; "origin": ' +
          '"agent" from a desktop agent feeding a subscription whose source is an agent (recorded as such). The ' +
          'Location header names the upload; a body may come with the request (creation-with-upload).',
        UploadParams,
        { 201: z.null().describe('Created: Location, Upload-Offset when a body came along') },
      ),
      handler,
    });
    scope.route({
      method: ['HEAD', 'PATCH', 'DELETE'],
      url: `${UPLOADS_PATH}/:uploadId`,
      config: { access: UPLOAD_ACCESS },
      schema: uploadSchema(
        'Resume (HEAD: the offset), send the next chunk (PATCH) or abandon (DELETE) an offer upload (tus)',
        TUS_HEADERS +
          'PATCH: Upload-Offset = the offset HEAD gave; the last chunk makes the file: its SHA-256 is checked (460 ' +
          'Checksum Mismatch deletes the upload) and the answer carries X-Ferry-File-Id. 409: the offset is not the ' +
          "upload's; 410: the upload expired (7 days after it was created); 413: beyond the upload's length or the offer's " +
          'maxFileSize. DELETE is refused once the upload finished.',
        UploadIdParams,
        {
          200: z.null().describe('HEAD: Upload-Offset, Upload-Length, Upload-Metadata'),
          204: z.null().describe('PATCH: the new Upload-Offset (X-Ferry-File-Id once complete); DELETE: removed'),
          460: z.string().describe('Checksum Mismatch: the bytes do not have the announced SHA-256'),
        },
      ),
      handler,
    });
  });
  return { tus, store, locker };
}
