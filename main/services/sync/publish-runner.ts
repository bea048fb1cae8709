// Publishing: new stable files of a my-connector folder go to a subscription offer through resumable tus uploads.
import { setTimeout as sleep } from 'node:timers/promises';
import { isAbortError, isConnectorError } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { normalizePath } from '../../../connectors/path-safety';
import type { PublishBinding, SyncPreview } from '../../../shared/ipc/sync-ipc';
import { API } from '../../../shared/platform';
import { OfferUploadError, type OfferUploadErrorCode } from '../offer-uploads/offer-upload-error';
import type { OfferUploader } from '../offer-uploads/offer-uploader';
import { PlatformApiError, PlatformUnreachableError } from '../platform/platform-api-error';
import type { PlatformClient } from '../platform/platform-client';
import { publishFailureOf } from './activity-failure';
import type { BindingRunner, RunContext, RunSummary } from './binding-runner';
import { ChangedWhileHashing, hashFile } from './hash-file';
import { type FileLook, lookOf, type Observation, OBSERVATION_PAGE, PublishRecords, sameLook } from './publish-records';
import { bindingState, recordRun, saveChangeCursor } from './binding-state';
import { changeScope, type SourceItems, sourceItems } from './source-items';
import { SCAN_PAGE_SIZE, scanFolder, underFolder } from './source-scan';
import type { SyncLedger } from './sync-ledger';
import { throttledReads } from './throttled-reads';

/** How long a new or changed file must keep its look before it is taken (the second look of the stability rule). */
export const DEFAULT_SETTLE_MS = 10_000;

/** Files a preview looks at by default, at most (its answer lists each of them, and says when it stopped). */
export const PREVIEW_MAX_FILES = 5000;

/** How the publish runner works; defaults suit the app. */
export interface PublishRunnerOptions {
  /** Wait before the second look at new or changed files (ms). */
  readonly settleMs?: number;
  /** Files a preview looks at, at most (default PREVIEW_MAX_FILES). */
  readonly previewMaxFiles?: number;
}

// Upload failures about the platform or the offer, not the file: every next file would fail alike, so the run stops.
const RUN_STOPPING_CODES: ReadonlySet<OfferUploadErrorCode> = new Set([
  'sign_in_required',
  'forbidden',
  'offline',
  'not_found',
]);

/** A file the take phase ended: sent (size), skipped silently, or the run must stop. */
type TakeOutcome =
  | { readonly kind: 'sent'; readonly size: number }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'failed'; readonly stop: boolean }
  | { readonly kind: 'cancelled' };

/**
 * Runs publish bindings. A run lists the folder (recursively, page by page) and records each file's look; a listing
 * failure stops it with 'source-unreachable', a folder suddenly empty with 'source-empty' (nothing is ever deleted).
 * A file is taken once it looked the same twice: unchanged since an earlier run, or a new or changed file unchanged
 * after the settle delay (else 'not-stable-yet', looked at again next run). A taken file is hashed unless its look
 * kept a known SHA-256; bytes already published under its path are skipped; else it is uploaded through the
 * OfferUploader (a slot of the shared queue, the shared bandwidth limit, resumable across restarts), and only then
 * recorded as published (phase two). A kill at any point leaves either no record (the next run resumes the upload,
 * or finds the file the platform already made and records it) or the record: never a loss or a duplicate.
 * A source with a change feed (Drive) is walked once; later runs look only at what changed since the cursor saved in
 * binding_state, and at the files not published yet (source-items.ts); an expired cursor walks again.
 */
export class PublishRunner implements BindingRunner<PublishBinding> {
  constructor(
    private readonly uploader: OfferUploader,
    private readonly options: PublishRunnerOptions = {},
  ) {}

  /** One run of the binding (see the class). */
  async run(binding: PublishBinding, context: RunContext): Promise<RunSummary> {
    const records = new PublishRecords(context.ledger);
    const folder = normalizePath(binding.folder);
    const stamp = context.ledger.now();
    const summary = { sent: 0, bytes: 0, failed: 0 };
    const warn = (reason: 'source-empty' | 'source-unreachable', error?: unknown): RunSummary => {
      context.report({
        kind: 'warning',
        bindingId: binding.id,
        reason,
        ...(error === undefined ? {} : publishFailureOf(error)),
      });
      return { ...summary, stoppedBy: reason };
    };
    let driver: Driver;
    try {
      driver = await context.drivers.open(binding.connectorId);
    } catch (error) {
      return warn('source-unreachable', error);
    }
    try {
      // 1. The scan: every file's look recorded (new or changed: waiting; unchanged: one more stable look), a page of
      // looks per transaction. With a change feed, only what changed since the saved cursor (see sourceItems).
      let seen = 0;
      const page: { path: string; look: FileLook }[] = [];
      const state = bindingState(context.ledger, binding.id);
      const scope = changeScope(binding.connectorId, folder, binding.include, binding.exclude);
      let source: SourceItems;
      try {
        source = await sourceItems(driver, folder, {
          include: binding.include,
          exclude: binding.exclude,
          signal: context.signal,
          saved: state.changeCursor,
          scope,
          records,
          bindingId: binding.id,
        });
        for await (const item of source.items) {
          if (item.kind === 'rejected') {
            if (records.observation(binding.id, item.path) === undefined) {
              records.refused(binding.id, item.path, stamp);
              context.report({
                kind: 'skipped',
                bindingId: binding.id,
                path: item.path,
                code: 'unsafe_name',
                message: `Not published: ${item.reason}.`,
                hint: 'Rename the file with a name every storage accepts.',
              });
            }
            continue;
          }
          seen += 1;
          if (item.kind === 'excluded') continue;
          page.push({ path: item.path, look: lookOf(item.entry) });
          if (page.length >= SCAN_PAGE_SIZE) {
            records.recordLooks(binding.id, page, stamp);
            page.length = 0;
          }
        }
        records.recordLooks(binding.id, page, stamp);
      } catch (error) {
        if (context.signal.aborted || isAbortError(error)) return summary;
        return warn('source-unreachable', error);
      }
      // A run that looked only at changes knows nothing of the folder's size: no changes is not an empty source.
      if (source.mode === 'walk' && seen === 0 && (state.lastFileCount ?? 0) > 0) return warn('source-empty');
      // Every look is recorded: the next run starts from this cursor (the unfinished files are looked at again then).
      saveChangeCursor(context.ledger, binding.id, source.cursor === null ? null : { cursor: source.cursor, scope });
      const counted = source.mode === 'walk' ? seen : null;

      // 2. The second look at new and changed files, after the settle delay.
      if (records.candidates(binding.id, stamp, '', 1).length > 0) {
        if (context.stopping()) return this.finish(context.ledger, binding, stamp, counted, summary);
        try {
          await sleep(this.settleMs, undefined, { signal: context.signal });
        } catch {
          return summary;
        }
        for (let after = ''; ;) {
          const page = records.candidates(binding.id, stamp, after);
          if (page.length === 0) break;
          for (const candidate of page) {
            after = candidate.path;
            const now = await lookNow(driver, underFolder(folder, candidate.path), context.signal);
            if (now === 'gone') continue;
            if (now !== 'unknown' && sameLook(candidate, now)) {
              records.seenAgain(binding.id, candidate.path, stamp);
              continue;
            }
            if (now !== 'unknown') records.observe(binding.id, candidate.path, now, stamp);
            context.report({ kind: 'skipped', bindingId: binding.id, path: candidate.path, reason: 'not-stable-yet' });
          }
        }
      }

      // 3. The stable files not published yet, one at a time, each through a slot of the shared queue.
      for (let after = ''; ;) {
        const page = records.takeable(binding.id, stamp, after, OBSERVATION_PAGE);
        if (page.length === 0) break;
        for (const observation of page) {
          if (context.stopping() || context.signal.aborted)
            return this.finish(context.ledger, binding, stamp, counted, summary);
          after = observation.path;
          const outcome = await context.runtime.queue.add(() =>
            this.take(binding, context, records, driver, folder, observation),
          );
          if (outcome.kind === 'sent') {
            summary.sent += 1;
            summary.bytes += outcome.size;
          } else if (outcome.kind === 'cancelled') return summary;
          else if (outcome.kind === 'failed') {
            summary.failed += 1;
            if (outcome.stop) return this.finish(context.ledger, binding, stamp, counted, summary);
          }
        }
      }
      return this.finish(context.ledger, binding, stamp, counted, summary);
    } finally {
      await driver.close().catch(() => undefined);
    }
  }

  /** What the next run would publish and skip; uploads nothing, writes nothing (reads and hashes only). */
  async preview(binding: PublishBinding, context: RunContext): Promise<SyncPreview> {
    const records = new PublishRecords(context.ledger);
    const folder = normalizePath(binding.folder);
    const preview: SyncPreview = {
      bindingId: binding.id,
      wouldSend: [],
      skipped: [],
      warning: null,
      truncatedAt: null,
    };
    const maxFiles = this.options.previewMaxFiles ?? PREVIEW_MAX_FILES;
    let driver: Driver;
    try {
      driver = await context.drivers.open(binding.connectorId);
    } catch {
      return { ...preview, warning: 'source-unreachable' };
    }
    try {
      const waiting: Array<{ path: string; look: FileLook; observation: Observation | undefined }> = [];
      let seen = 0;
      try {
        for await (const item of scanFolder(driver, folder, {
          include: binding.include,
          exclude: binding.exclude,
          signal: context.signal,
        })) {
          if (item.kind === 'rejected') continue;
          seen += 1;
          if (seen > maxFiles) {
            preview.truncatedAt = maxFiles;
            break;
          }
          if (item.kind === 'excluded') {
            preview.skipped.push({ path: item.path, reason: 'excluded' });
            continue;
          }
          const look = lookOf(item.entry);
          const observation = records.observation(binding.id, item.path);
          if (observation !== undefined && observation.stableLooks >= 0 && sameLook(observation, look)) {
            await this.classify(
              records,
              binding,
              driver,
              folder,
              item.path,
              look,
              observation.sha256,
              preview,
              context,
            );
          } else waiting.push({ path: item.path, look, observation });
        }
      } catch (error) {
        if (context.signal.aborted || isAbortError(error)) throw error;
        return { ...preview, wouldSend: [], skipped: [], warning: 'source-unreachable' };
      }
      if (seen === 0 && (bindingState(context.ledger, binding.id).lastFileCount ?? 0) > 0) {
        return { ...preview, warning: 'source-empty' };
      }
      if (waiting.length > 0) await sleep(this.settleMs, undefined, { signal: context.signal });
      for (const { path, look } of waiting) {
        const now = await lookNow(driver, underFolder(folder, path), context.signal);
        if (now === 'gone') continue;
        if (now === 'unknown' || !sameLook(look, now)) preview.skipped.push({ path, reason: 'not-stable-yet' });
        else await this.classify(records, binding, driver, folder, path, look, null, preview, context);
      }
      return preview;
    } finally {
      await driver.close().catch(() => undefined);
    }
  }

  private get settleMs(): number {
    return this.options.settleMs ?? DEFAULT_SETTLE_MS;
  }

  /** A preview's verdict on a stable file: already published (hashed when needed to know) or to send. */
  private async classify(
    records: PublishRecords,
    binding: PublishBinding,
    driver: Driver,
    folder: string,
    path: string,
    look: FileLook,
    knownSha256: string | null,
    preview: SyncPreview,
    context: RunContext,
  ): Promise<void> {
    let sha256 = knownSha256;
    // Hashing only tells something when these bytes may have been published under this path (same size).
    if (sha256 === null && records.publishedAt(binding.id, path).some((record) => record.size === look.size)) {
      sha256 = await hashFile(driver, underFolder(folder, path), look.size, context.signal).catch(() => null);
    }
    if (sha256 !== null && records.isPublished(binding.id, path, sha256)) {
      preview.skipped.push({ path, reason: 'already-published' });
    } else preview.wouldSend.push({ path, size: look.size });
  }

  /** Records the complete scan (a walk's file count guards the next run against a suddenly empty source). */
  private finish(
    ledger: SyncLedger,
    binding: PublishBinding,
    stamp: number,
    seen: number | null,
    summary: { sent: number; bytes: number; failed: number },
  ): RunSummary {
    recordRun(ledger, binding.id, seen, stamp);
    return { ...summary };
  }

  /** Takes one stable file: hash when unknown, skip bytes already published, else upload and record. */
  private async take(
    binding: PublishBinding,
    context: RunContext,
    records: PublishRecords,
    driver: Driver,
    folder: string,
    observation: Observation,
  ): Promise<TakeOutcome> {
    const { path } = observation;
    const source = underFolder(folder, path);
    const fail = (error: unknown, stop = false): TakeOutcome => {
      context.report({
        kind: 'failed',
        bindingId: binding.id,
        path,
        size: observation.size,
        ...publishFailureOf(error),
      });
      return { kind: 'failed', stop };
    };
    let sha256 = observation.sha256;
    if (sha256 === null) {
      try {
        sha256 = await hashFile(driver, source, observation.size, context.signal);
      } catch (error) {
        if (context.signal.aborted || isAbortError(error)) return { kind: 'cancelled' };
        // Gone since the scan: nothing to publish; a file growing again waits for its next stable look.
        if (isConnectorError(error, 'NotFound')) return { kind: 'skipped' };
        if (error instanceof ChangedWhileHashing) {
          context.report({ kind: 'skipped', bindingId: binding.id, path, reason: 'not-stable-yet' });
          return { kind: 'skipped' };
        }
        return fail(error);
      }
      records.setSha256(binding.id, path, observation, sha256);
    }
    if (records.isPublished(binding.id, path, sha256)) return { kind: 'skipped' };
    let client: PlatformClient;
    try {
      client = await context.platform.client();
      // A run killed after the platform made the file but before the record: the file is recorded, not sent again.
      const existing = await fileOnPlatform(client, binding, path, sha256);
      if (existing !== undefined) {
        return this.published(context, records, binding, observation, sha256, existing, null);
      }
    } catch (error) {
      return fail(error, stopsRun(error));
    }
    try {
      const result = await this.uploader.upload(
        {
          platformUrl: client.baseUrl,
          orgId: binding.orgId,
          offerId: binding.offerId,
          token: async () => (await context.platform.client()).token ?? '',
        },
        {
          driver: throttledReads(driver, context.runtime.limiter, context.signal),
          path: source,
          pathInOffer: path,
          sha256,
          origin: 'agent',
          signal: context.signal,
        },
      );
      return this.published(context, records, binding, observation, sha256, result.fileId ?? null, result.uploadUrl);
    } catch (error) {
      if (error instanceof OfferUploadError && error.code === 'cancelled') return { kind: 'cancelled' };
      return fail(error, stopsRun(error));
    }
  }

  /** Phase two: the record, then the activity entry. */
  private published(
    context: RunContext,
    records: PublishRecords,
    binding: PublishBinding,
    observation: Observation,
    sha256: string,
    offerFileId: string | null,
    uploadUrl: string | null,
  ): TakeOutcome {
    records.recordPublished(binding.id, {
      path: observation.path,
      size: observation.size,
      sha256,
      offerFileId,
      uploadUrl,
      publishedAt: context.ledger.now(),
    });
    context.report({ kind: 'published', bindingId: binding.id, path: observation.path, size: observation.size });
    return { kind: 'sent', size: observation.size };
  }
}

/** The look of a file now: 'gone' when it was removed, 'unknown' when the storage failed to say. */
async function lookNow(driver: Driver, path: string, signal: AbortSignal): Promise<FileLook | 'gone' | 'unknown'> {
  try {
    const entry = await driver.stat(path, { signal });
    return entry.type === 'file' ? lookOf(entry) : 'gone';
  } catch (error) {
    if (isAbortError(error)) throw error;
    return isConnectorError(error, 'NotFound') ? 'gone' : 'unknown';
  }
}

/** The offer file the platform already has under `path` with these bytes (the ID), if any. */
async function fileOnPlatform(
  client: PlatformClient,
  binding: PublishBinding,
  path: string,
  sha256: string,
): Promise<string | undefined> {
  // The filter is a substring of at most 200 characters: the path's end finds it; equality is checked here.
  const q = path.length > 200 ? path.slice(-200) : path;
  for (let offset = 0; ;) {
    const page = await client.call(API.offers.files, {
      params: { orgId: binding.orgId, offerId: binding.offerId },
      query: { q, limit: 200, offset, sort: 'path' },
    });
    const hit = page.items.find((file) => file.path === path && file.sha256 === sha256);
    if (hit !== undefined) return hit.id;
    offset += page.items.length;
    if (page.items.length === 0 || offset >= page.total) return undefined;
  }
}

/** Whether a failure is about the platform or the offer (every next file would fail alike). */
function stopsRun(error: unknown): boolean {
  if (error instanceof OfferUploadError) return RUN_STOPPING_CODES.has(error.code);
  if (error instanceof PlatformUnreachableError) return true;
  return error instanceof PlatformApiError && [401, 403, 404].includes(error.status);
}
