import type { IpcHandlers } from '../../ipc/ipc-dispatcher';
import { refusing } from '../ipc-refusal';
import type { OfferUploadQueue } from './offer-upload-queue';

type OfferUploadsHandlers = Pick<
  IpcHandlers,
  | 'offerUploads.start'
  | 'offerUploads.list'
  | 'offerUploads.cancel'
  | 'offerUploads.retry'
  | 'offerUploads.clearFinished'
>;

/** The IPC handlers of the offer uploads domain (refusals: not signed in, unknown connector or upload, bad state). */
export function offerUploadsHandlers(queue: OfferUploadQueue): OfferUploadsHandlers {
  return {
    'offerUploads.start': (request) => refusing(async () => ({ uploads: await queue.start(request) })),
    'offerUploads.list': ({ offerId }) => ({ uploads: queue.list(offerId) }),
    'offerUploads.cancel': ({ id }) => refusing(() => queue.cancel(id)),
    'offerUploads.retry': ({ id }) => refusing(() => queue.retry(id)),
    'offerUploads.clearFinished': () => ({ removed: queue.clearFinished() }),
  };
}
