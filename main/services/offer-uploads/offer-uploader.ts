import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { type DetailedError, type HttpResponse, type UploadOptions, Upload } from 'tus-js-client';
import { isAbortError, isConnectorError, throwIfAborted } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { type Clock, systemClock } from '../../../connectors/transfer/clock';
import { ProgressMeter } from '../../../connectors/transfer/progress-meter';
import { DriverFileReader, type DriverFile, SourceChangedError } from './driver-file-reader';
import { GuardedHttpStack, REQUEST_IDLE_TIMEOUT_MS } from './guarded-http-stack';
import { OfferUploadError, offerUploadErrorOf } from './offer-upload-error';
import { uploadFingerprint } from './upload-fingerprint';
import type { UploadUrlStore } from './upload-url-store';

/** Bytes per PATCH request: each is one ranged read of the source, streamed (never held in memory). */
export const OFFER_UPLOAD_CHUNK_SIZE = 8 * 1024 * 1024;

/** Waits between tus retries of a failed request (the delays start again once the server's offset advances). */
export const OFFER_UPLOAD_RETRY_DELAYS: readonly number[] = [0, 1000, 3000, 5000, 10_000, 20_000];

/** Where an upload goes and as whom. */
export interface OfferUploadTarget {
  /** The platform's base URL, e.g. 'https://ferry.example.org'. */
  readonly platformUrl: string;
  readonly orgId: string;
  readonly offerId: string;
  /** The bearer token, or a function giving the current one (asked before every request, so a renewed one is used). */
  readonly token: string | (() => string | Promise<string>);
}

/** What to upload. */
export interface OfferUploadRequest {
  /** The connector the file is on (any kind: the upload reads it with ranged reads). */
  readonly driver: Driver;
  /** The file's connector path. */
  readonly path: string;
  /** Its path in the offer; the file name by default. */
  readonly pathInOffer?: string;
  /** Its SHA-256 (hex) when the caller already hashed it at its current size: the hashing pass is skipped. */
  readonly sha256?: string;
  /** Who sends it, told to the platform in the metadata ('agent': the sync agent, for an offer an agent feeds). */
  readonly origin?: 'agent';
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: OfferUploadProgress) => void;
}

/** A progress report: first the SHA-256 pass over the file, then the upload (from the server's offset when resuming). */
export interface OfferUploadProgress {
  readonly phase: 'hashing' | 'uploading';
  readonly bytes: number;
  readonly total: number;
  readonly bytesPerSecond: number;
  /** Seconds left in this phase at the recent rate, when known. */
  readonly etaSeconds?: number;
}

/** A finished upload. */
export interface OfferUploadResult {
  /** The tus URL of the upload on the platform. */
  readonly uploadUrl: string;
  readonly size: number;
  readonly sha256: string;
  /** The server's offset this upload continued from (0 for a new upload). */
  readonly resumedFrom: number;
  /** The offer file the platform made (its X-Ferry-File-Id answer), when the last answer said it. */
  readonly fileId?: string;
  /** The platform's last answer. */
  readonly response: { readonly status: number; readonly body: string };
}

/** How the uploader works; defaults suit the app. */
export interface OfferUploaderOptions {
  /** Where unfinished uploads are remembered across restarts. */
  readonly store: UploadUrlStore;
  readonly chunkSize?: number;
  readonly retryDelays?: readonly number[];
  readonly idleTimeoutMs?: number;
  readonly clock?: Clock;
  /** Minimum time between progress reports. */
  readonly progressIntervalMs?: number;
}

/**
 * Uploads files from any connector to an offer on the platform over tus: SHA-256 first (sent in the metadata and
 * checked by the platform), then chunks read by range from the server's offset, so an upload interrupted by a
 * cancel, a lost connection or an app restart continues where the server stopped. Plain Node: the app, the test
 * harness and the CLI use it alike.
 */
export class OfferUploader {
  constructor(private readonly options: OfferUploaderOptions) {}

  /** The tus endpoint of an offer's uploads. */
  static endpointOf(target: Pick<OfferUploadTarget, 'platformUrl' | 'orgId' | 'offerId'>): string {
    const base = target.platformUrl.replace(/\/+$/, '');
    return `${base}/v1/orgs/${encodeURIComponent(target.orgId)}/offers/${encodeURIComponent(target.offerId)}/uploads`;
  }

  /** Uploads one file (resuming an earlier upload of the same content); throws OfferUploadError. */
  async upload(target: OfferUploadTarget, request: OfferUploadRequest): Promise<OfferUploadResult> {
    const pathInOffer = request.pathInOffer ?? posix.basename(request.path);
    try {
      throwIfAborted(request.signal, request.path);
      const entry = await request.driver.stat(request.path, signalOption(request.signal));
      if (entry.type !== 'file' || entry.size === undefined) {
        throw new OfferUploadError('source_failed', `${request.path} is not a file.`, false);
      }
      const sha256 = request.sha256?.toLowerCase() ?? (await this.hash(request, entry.size));
      const fingerprint = uploadFingerprint({ ...target, path: pathInOffer, size: entry.size, sha256 });
      const file: DriverFile = {
        driver: request.driver,
        path: request.path,
        size: entry.size,
        ...signalOption(request.signal),
      };
      return await this.send(target, request, file, { pathInOffer, sha256, fingerprint });
    } catch (error) {
      throw offerUploadErrorOf(error, request.path);
    }
  }

  /** One streaming pass over the file; its length must be the size it had a moment ago. */
  private async hash(request: OfferUploadRequest, size: number): Promise<string> {
    const meter = this.meter(size, 'hashing', request.onProgress);
    meter.reset(0);
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of await request.driver.read(request.path, signalOption(request.signal))) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
      meter.add((chunk as Buffer).length);
    }
    if (bytes !== size) throw new SourceChangedError(`${request.path} changed while it was being hashed.`);
    meter.flush();
    return hash.digest('hex');
  }

  private send(
    target: OfferUploadTarget,
    request: OfferUploadRequest,
    file: DriverFile,
    upload: { readonly pathInOffer: string; readonly sha256: string; readonly fingerprint: string },
  ): Promise<OfferUploadResult> {
    const { store } = this.options;
    const reader = new DriverFileReader();
    const meter = this.meter(file.size, 'uploading', request.onProgress);
    let lastSent: number | undefined;
    let resumedFrom: number | undefined;
    return new Promise<OfferUploadResult>((resolve, reject) => {
      let settled = false;
      const finish = (outcome: () => void): void => {
        if (settled) return;
        settled = true;
        request.signal?.removeEventListener('abort', onAbort);
        reader.close();
        outcome();
      };
      const fail = (error: unknown): void => {
        const mapped = offerUploadErrorOf(error, request.path);
        // A refused upload (changed file, too large, offer gone) must not be resumed by the next attempt.
        if (!mapped.resumable) store.removeByFingerprint(upload.fingerprint);
        finish(() => reject(mapped));
      };
      const options: UploadOptions = {
        endpoint: OfferUploader.endpointOf(target),
        uploadSize: file.size,
        metadata: {
          filename: posix.basename(upload.pathInOffer),
          path: upload.pathInOffer,
          sha256: upload.sha256,
          ...(request.origin === undefined ? {} : { origin: request.origin }),
        },
        fingerprint: () => Promise.resolve(upload.fingerprint),
        urlStorage: store,
        fileReader: reader,
        httpStack: new GuardedHttpStack(this.options.idleTimeoutMs ?? REQUEST_IDLE_TIMEOUT_MS),
        chunkSize: this.options.chunkSize ?? OFFER_UPLOAD_CHUNK_SIZE,
        retryDelays: [...(this.options.retryDelays ?? OFFER_UPLOAD_RETRY_DELAYS)],
        storeFingerprintForResuming: true,
        // Removed by us once the platform accepted the file, before upload() returns.
        removeFingerprintOnSuccess: false,
        onBeforeRequest: async (req) => {
          req.setHeader('Authorization', `Bearer ${await tokenOf(target)}`);
        },
        onAfterResponse: (req, res) => {
          if (resumedFrom === undefined && req.getMethod() === 'HEAD' && isSuccess(res)) {
            resumedFrom = Number.parseInt(res.getHeader('Upload-Offset') ?? '0', 10) || 0;
          }
        },
        onShouldRetry: (error) => shouldRetry(error),
        onProgress: (bytesSent) => {
          if (lastSent === undefined || bytesSent < lastSent) {
            // Where the server stands (a resumed upload starts there): shown at once, not counted in the rate.
            meter.reset(bytesSent);
            meter.flush();
          } else meter.add(bytesSent - lastSent);
          lastSent = bytesSent;
        },
        onSuccess: ({ lastResponse }) => {
          meter.flush();
          store.removeByFingerprint(upload.fingerprint);
          finish(() =>
            resolve({
              uploadUrl: tus.url ?? '',
              size: file.size,
              sha256: upload.sha256,
              resumedFrom: resumedFrom ?? 0,
              ...fileIdOf(lastResponse),
              response: { status: lastResponse.getStatus(), body: lastResponse.getBody() },
            }),
          );
        },
        onError: fail,
      };
      // tus-js-client accepts any input its fileReader understands; the typings list only the built-in ones.
      const tus = new Upload(file as unknown as Buffer, options);
      const onAbort = (): void => {
        void tus.abort(false);
        fail(new OfferUploadError('cancelled', `The upload of ${request.path} was cancelled.`, true));
      };
      if (request.signal?.aborted) return onAbort();
      request.signal?.addEventListener('abort', onAbort, { once: true });
      tus
        .findPreviousUploads()
        .then((previous) => {
          if (settled) return;
          if (previous[0] !== undefined) tus.resumeFromPreviousUpload(previous[0]);
          tus.start();
        })
        .catch(fail);
    });
  }

  private meter(
    total: number,
    phase: OfferUploadProgress['phase'],
    emit: OfferUploadRequest['onProgress'],
  ): ProgressMeter {
    return new ProgressMeter(
      total,
      emit === undefined
        ? undefined
        : (p) => emit({ phase, bytes: p.bytes, total, bytesPerSecond: p.bytesPerSecond, ...etaOf(p.etaSeconds) }),
      this.options.clock ?? systemClock,
      this.options.progressIntervalMs ?? 200,
    );
  }
}

function etaOf(etaSeconds: number | undefined): { etaSeconds?: number } {
  return etaSeconds === undefined ? {} : { etaSeconds };
}

function signalOption(signal: AbortSignal | undefined): { signal?: AbortSignal } {
  return signal === undefined ? {} : { signal };
}

async function tokenOf(target: OfferUploadTarget): Promise<string> {
  return typeof target.token === 'string' ? target.token : await target.token();
}

/** The platform names the offer file a finished upload became in this header. */
const FILE_ID_HEADER = 'X-Ferry-File-Id';

function fileIdOf(res: HttpResponse): { fileId?: string } {
  const fileId = res.getHeader(FILE_ID_HEADER);
  return fileId === undefined || fileId === '' ? {} : { fileId };
}

function isSuccess(res: HttpResponse): boolean {
  return res.getStatus() >= 200 && res.getStatus() < 300;
}

/** Retries what may pass next time: lost connections, 5xx, locks and rate limits; never a refusal or a changed file. */
function shouldRetry(error: DetailedError): boolean {
  const cause = error.causingError;
  if (cause instanceof SourceChangedError || isAbortError(cause)) return false;
  if (isConnectorError(cause)) return cause.code === 'Retryable';
  const status = error.originalResponse?.getStatus() ?? 0;
  // tus's own 409 (offset conflict) passes after a HEAD; the platform's 409 refusals come as JSON and do not.
  if (status === 409) return !error.originalResponse?.getBody().trimStart().startsWith('{');
  if (status >= 400 && status < 500) return status === 408 || status === 423 || status === 429;
  return true;
}
