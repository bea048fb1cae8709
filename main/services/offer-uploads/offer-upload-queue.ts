// Uploads the user starts from the Offers screen: files of the local disk or of a my connector sent to an offer of the
// active organisation through the resumable OfferUploader, taking turns and bandwidth with every other transfer.
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { posix } from 'node:path';
import type { Driver } from '../../../connectors/driver';
import type { BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import { TransferQueue } from '../../../connectors/transfer/transfer-queue';
import { FINISHED_OFFER_UPLOAD_STATES, type OfferUpload } from '../../../shared/ipc/offer-uploads-ipc';
import type { DriverProvider } from '../connectors/driver-provider';
import { throttledReads } from '../sync/throttled-reads';
import { TransferActionError } from '../transfers/transfer-action-error';
import { OfferUploadError, offerUploadErrorOf } from './offer-upload-error';
import type { OfferUploader } from './offer-uploader';

/** The signed-in session uploads act as: the platform's address, the active organisation and a current token. */
export interface OfferUploadSession {
  readonly platformUrl: string;
  readonly orgId: string;
  readonly token: string;
}

/** What the queue is built from. */
export interface OfferUploadQueueOptions {
  readonly uploader: OfferUploader;
  readonly drivers: DriverProvider;
  /** The active account's session, asked when uploads start and before every request (a renewed token is used). */
  readonly session: () => Promise<OfferUploadSession>;
  /** The shared slots of every transfer (the runtime's queue); a queue of its own (2 at once) when absent. */
  readonly queue?: TransferQueue;
  /** The shared bandwidth limit; none when absent. */
  readonly limiter?: BandwidthLimiter;
  readonly now?: () => number;
}

/** What starting uploads takes: the offer, where the files are, which files or folders, and the folder in the offer. */
export interface StartOfferUploads {
  readonly offerId: string;
  readonly connectorId: string;
  readonly paths: readonly string[];
  readonly folder?: string;
}

interface Events {
  update: [OfferUpload];
}

/** The most files one start expands to (folders walked recursively). */
export const MAX_FILES_PER_START = 1000;

/**
 * The desktop's queue of offer uploads: each file one entry with its state, progress (bytes, rate, ETA) and outcome;
 * cancel keeps what the platform received, so retry (or the same file started again, even after a restart)
 * continues from the server's offset.
 */
export class OfferUploadQueue {
  private readonly uploads = new Map<string, OfferUpload>();
  private readonly running = new Map<string, AbortController>();
  private readonly work = new Set<Promise<void>>();
  private readonly events = new EventEmitter<Events>();
  private readonly queue: TransferQueue;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: OfferUploadQueueOptions) {
    this.queue = options.queue ?? new TransferQueue(2);
    this.now = options.now ?? Date.now;
  }

  /** Queues one upload per file (folders expanded); the organisation is the active one at this moment. */
  async start(request: StartOfferUploads): Promise<OfferUpload[]> {
    const session = await this.options.session();
    const driver = await this.options.drivers.open(request.connectorId);
    let files: { path: string; pathInOffer: string; size: number }[];
    try {
      files = await filesOf(driver, request.paths, request.folder ?? '');
    } finally {
      await driver.close();
    }
    if (files.length === 0) throw new TransferActionError('There is no file to upload there.');
    const created = files.map((file) => {
      const upload: OfferUpload = {
        id: randomUUID(),
        orgId: session.orgId,
        offerId: request.offerId,
        connectorId: request.connectorId,
        path: file.path,
        pathInOffer: file.pathInOffer,
        state: 'queued',
        bytes: 0,
        total: file.size,
        bytesPerSecond: 0,
        etaSeconds: null,
        resumedFrom: 0,
        fileId: null,
        error: null,
        createdAt: this.now(),
        finishedAt: null,
      };
      this.uploads.set(upload.id, upload);
      this.events.emit('update', upload);
      return upload;
    });
    for (const upload of created) this.run(upload.id);
    return created;
  }

  /** Every upload of this session, oldest first, optionally of one offer. */
  list(offerId?: string): OfferUpload[] {
    const all = [...this.uploads.values()];
    return offerId === undefined ? all : all.filter((u) => u.offerId === offerId);
  }

  /** Cancels an upload that has not ended (what the platform received stays, for a retry). */
  cancel(id: string): OfferUpload {
    const upload = this.get(id);
    if (FINISHED_OFFER_UPLOAD_STATES.has(upload.state)) {
      throw new TransferActionError(`The upload of ${upload.path} has already ended.`);
    }
    this.running.get(id)?.abort();
    return this.set(id, { state: 'cancelled', bytesPerSecond: 0, etaSeconds: null, finishedAt: this.now() });
  }

  /** Queues a failed or cancelled upload again: it continues from the server's offset. */
  retry(id: string): OfferUpload {
    const upload = this.get(id);
    if (upload.state !== 'failed' && upload.state !== 'cancelled') {
      throw new TransferActionError(`The upload of ${upload.path} is not failed or cancelled.`);
    }
    const next = this.set(id, { state: 'queued', error: null, finishedAt: null, bytesPerSecond: 0, etaSeconds: null });
    this.run(id);
    return next;
  }

  /** Forgets the uploads that have ended; returns their IDs. */
  clearFinished(): string[] {
    const removed = [...this.uploads.values()]
      .filter((u) => FINISHED_OFFER_UPLOAD_STATES.has(u.state))
      .map((u) => u.id);
    for (const id of removed) this.uploads.delete(id);
    return removed;
  }

  /** Calls `listener` on every change; returns the unsubscribe function. */
  onUpdate(listener: (upload: OfferUpload) => void): () => void {
    this.events.on('update', listener);
    return () => this.events.off('update', listener);
  }

  /** Cuts the uploads under way (the platform keeps their bytes; the URL store remembers them for the next start). */
  async close(): Promise<void> {
    this.closed = true;
    for (const controller of this.running.values()) controller.abort();
    await Promise.allSettled([...this.work]);
  }

  private get(id: string): OfferUpload {
    const upload = this.uploads.get(id);
    if (upload === undefined) throw new TransferActionError(`No upload ${id}.`);
    return upload;
  }

  private set(id: string, patch: Partial<OfferUpload>): OfferUpload {
    const next = { ...this.get(id), ...patch };
    this.uploads.set(id, next);
    this.events.emit('update', next);
    return next;
  }

  private run(id: string): void {
    const controller = new AbortController();
    this.running.set(id, controller);
    const work = this.queue
      .add(() => this.send(id, controller.signal))
      .finally(() => {
        if (this.running.get(id) === controller) this.running.delete(id);
        this.work.delete(work);
      });
    this.work.add(work);
  }

  private async send(id: string, signal: AbortSignal): Promise<void> {
    // Cancelled or cleared while it waited for a slot.
    if (signal.aborted || this.closed || this.uploads.get(id)?.state !== 'queued') return;
    const upload = this.get(id);
    let driver: Driver | undefined;
    try {
      this.set(id, { state: 'hashing', bytes: 0 });
      const session = await this.options.session();
      driver = await this.options.drivers.open(upload.connectorId);
      const source = this.options.limiter ? throttledReads(driver, this.options.limiter, signal) : driver;
      let resumed = false;
      const result = await this.options.uploader.upload(
        {
          platformUrl: session.platformUrl,
          orgId: upload.orgId,
          offerId: upload.offerId,
          token: async () => (await this.options.session()).token,
        },
        {
          driver: source,
          path: upload.path,
          pathInOffer: upload.pathInOffer,
          signal,
          onProgress: (p) => {
            if (signal.aborted) return;
            // The first upload report is where the server stands: a resumed upload starts there.
            const resumedFrom = p.phase === 'uploading' && !resumed ? p.bytes : undefined;
            if (p.phase === 'uploading') resumed = true;
            this.set(id, {
              state: p.phase,
              bytes: p.bytes,
              total: p.total,
              bytesPerSecond: p.bytesPerSecond,
              etaSeconds: p.etaSeconds ?? null,
              ...(resumedFrom !== undefined ? { resumedFrom } : {}),
            });
          },
        },
      );
      if (signal.aborted) return;
      this.set(id, {
        state: 'done',
        bytes: result.size,
        total: result.size,
        bytesPerSecond: 0,
        etaSeconds: null,
        resumedFrom: result.resumedFrom,
        fileId: result.fileId ?? null,
        finishedAt: this.now(),
      });
    } catch (error) {
      if (signal.aborted) return;
      const mapped = error instanceof OfferUploadError ? error : offerUploadErrorOf(error, upload.path);
      this.set(id, {
        state: mapped.code === 'cancelled' ? 'cancelled' : 'failed',
        bytesPerSecond: 0,
        etaSeconds: null,
        error: { code: mapped.code, message: mapped.message },
        finishedAt: this.now(),
      });
    } finally {
      await driver?.close().catch(() => undefined);
    }
  }
}

/** The files of the picked paths: files as they are, folders walked recursively under their own name. */
async function filesOf(
  driver: Driver,
  paths: readonly string[],
  folder: string,
): Promise<{ path: string; pathInOffer: string; size: number }[]> {
  const files: { path: string; pathInOffer: string; size: number }[] = [];
  const inOffer = (relative: string): string => (folder === '' ? relative : posix.join(folder, relative));
  const walk = async (dir: string, prefix: string): Promise<void> => {
    let cursor: string | undefined;
    do {
      const page = await driver.list(dir, cursor === undefined ? {} : { cursor });
      for (const entry of page.entries) {
        if (files.length >= MAX_FILES_PER_START) return;
        const relative = posix.join(prefix, entry.name);
        if (entry.type === 'directory') await walk(entry.path, relative);
        else files.push({ path: entry.path, pathInOffer: inOffer(relative), size: entry.size ?? 0 });
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  };
  for (const path of paths) {
    const entry = await driver.stat(path);
    if (entry.type === 'directory') await walk(entry.path, entry.name);
    else files.push({ path: entry.path, pathInOffer: inOffer(entry.name), size: entry.size ?? 0 });
    if (files.length >= MAX_FILES_PER_START) break;
  }
  return files;
}
