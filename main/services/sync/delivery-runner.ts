// The deliver side of the sync agent: an acquisition's files, followed on the change feed, into a my-connector folder.
import { createHash } from 'node:crypto';
import type { ActivityInput, DeliverBinding, SyncPreview } from '../../../shared/ipc/sync-ipc';
import { API, type Acquisition, type EntitledFile } from '../../../shared/platform';
import { isAbortError, throwIfAborted } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { writeReceipt } from '../../../connectors/delivery/delivery-receipt';
import { expandPattern } from '../../../connectors/delivery/naming-pattern';
import { placeFile, removeStaging, stagingPathOf, type Placement } from '../../../connectors/delivery/place-file';
import { joinPath, normalizePath } from '../../../connectors/path-safety';
import type { RetryPolicy } from '../../../connectors/transfer/retry-policy';
import type { PlatformClient } from '../platform/platform-client';
import { PlatformUnreachableError } from '../platform/platform-api-error';
import { deliveryFailureOf } from './activity-failure';
import { feedEntryOf, feedPage } from './acquisition-feed';
import { agentTargetOf } from './agent-target';
import type { BindingRunner, RunContext, RunSummary } from './binding-runner';
import { advanceFeed, bindingState, recordRun } from './binding-state';
import {
  deliveredRecord,
  isAcknowledged,
  needsDelivery,
  pendingRedeliveries,
  recordAcknowledged,
  recordDelivered,
  unacknowledged,
  warnedBefore,
  type DeliveredRecord,
} from './delivery-records';
import { openPlatformFiles } from './platform-file-driver';

/** Options of the deliver runner (tests shorten the waits). */
export interface DeliveryRunnerOptions {
  /** Milliseconds a download may go without a byte before it is retried. */
  readonly idleTimeoutMs?: number;
  /** How one file's copy retries passing failures (default: the transfer engine's). */
  readonly copyRetry?: RetryPolicy;
  /** Files asked of the change feed per page. */
  readonly pageSize?: number;
  /** Most files a preview lists in each of its lists. */
  readonly previewLimit?: number;
}

const DEFAULT_PAGE_SIZE = 200;
const DEFAULT_PREVIEW_LIMIT = 1000;

// A stable staging name per (target, file): a run after a kill finds the partial of the one before and resumes it.
function stagingIdOf(targetId: string, fileId: string): string {
  return createHash('sha256').update(`${targetId}\n${fileId}`).digest('hex').slice(0, 16);
}

type Outcome = 'delivered' | 'skipped' | 'failed' | 'cancelled';

/** What one run works with. */
interface Session {
  readonly binding: DeliverBinding;
  readonly context: RunContext;
  readonly client: PlatformClient;
  readonly acquisition: Acquisition;
  readonly targetId: string;
  readonly source: Driver;
  readonly destination: Driver;
  sent: number;
  bytes: number;
  failed: number;
}

/**
 * Runs deliver bindings: follows the acquisition's change feed from the binding's cursor, page by page, and copies
 * each file not delivered yet from the platform (a read-only driver of offer files) into the my-connector folder
 * under the naming pattern, through the shared transfer queue and bandwidth limit: staged under a hidden name,
 * verified (SHA-256), moved into place without ever replacing a file (a different file there gets a conflict copy),
 * with its receipt; then the ledger records it (the second phase) and the platform is told (acknowledged). The cursor
 * moves only over files delivered or skipped in a row, so a failed file is tried again next run while later ones are
 * still delivered. A file the user deleted after its delivery is not sent again unless a redelivery was asked.
 */
export class DeliveryRunner implements BindingRunner<DeliverBinding> {
  // Warnings meant once, told in this process already (the activity table remembers them across restarts).
  private readonly warned = new Set<string>();

  constructor(private readonly options: DeliveryRunnerOptions = {}) {}

  private paramsOf(binding: DeliverBinding) {
    return { orgId: binding.orgId, acquisitionId: binding.acquisitionId };
  }

  private warnOnce(binding: DeliverBinding, context: RunContext, reason: ActivityInput['reason']): void {
    const key = `${binding.id}\n${reason}`;
    if (this.warned.has(key) || warnedBefore(context.ledger, binding.id, reason!)) return;
    this.warned.add(key);
    context.report({ kind: 'warning', bindingId: binding.id, reason });
  }

  /** Where a file goes under the binding's folder (InvalidInput when the pattern gives no safe path). */
  private wantedPathOf(binding: DeliverBinding, acquisition: Acquisition, file: EntitledFile): string {
    const relative = expandPattern(binding.namingPattern, {
      offerTitle: acquisition.offer.title,
      filePath: file.path,
      acquisitionId: acquisition.id,
      availableAt: new Date(file.availableAt),
    });
    return joinPath(normalizePath(binding.folder), relative);
  }

  /** Tells the platform a file was delivered (idempotent there), then records it; a failure is reported. */
  private async acknowledge(
    session: Pick<Session, 'binding' | 'context' | 'client' | 'targetId'>,
    record: DeliveredRecord,
  ): Promise<boolean> {
    const { binding, context } = session;
    try {
      await session.client.call(API.deliveries.ackTarget, {
        params: { ...this.paramsOf(binding), targetId: session.targetId },
        body: {
          fileId: record.fileId,
          path: record.path,
          sha256: record.sha256,
          size: record.size,
          conflict: record.conflict,
        },
      });
      recordAcknowledged(context.ledger, binding.id, record.fileId);
      return true;
    } catch (error) {
      const failure = deliveryFailureOf(error);
      context.report({
        kind: 'failed',
        bindingId: binding.id,
        path: record.path,
        ...failure,
        message: `Delivered, but the platform was not told yet: ${failure.message ?? ''}`,
        hint: 'Ferry tells it on the next run.',
      });
      return false;
    }
  }

  /** One file: skipped when delivered already (acknowledged if need be), else placed, receipted, recorded, acked. */
  private async deliverOne(session: Session, file: EntitledFile): Promise<Outcome> {
    const { binding, context, destination, targetId, acquisition } = session;
    const { ledger } = context;
    if (!needsDelivery(ledger, binding.id, file.fileId)) {
      if (!isAcknowledged(ledger, binding.id, file.fileId)) {
        await this.acknowledge(session, deliveredRecord(ledger, binding.id, file.fileId)!);
      }
      return 'skipped';
    }
    let wanted: string | undefined;
    try {
      wanted = this.wantedPathOf(binding, acquisition, file);
      const where = wanted;
      const staging = stagingPathOf(where, stagingIdOf(targetId, file.fileId), 1);
      const placement: Placement = await context.runtime.queue.add(async () => {
        throwIfAborted(context.signal, where);
        // A staged copy an earlier run left unmoved goes; its partial stays, and the copy resumes from it.
        await destination.remove(staging).catch(() => undefined);
        const placed = await placeFile(
          { driver: session.source, key: file.fileId, size: file.size, sha256: file.sha256 },
          {
            destination,
            wanted: where,
            staging,
            day: file.availableAt.slice(0, 10),
            signal: context.signal,
            limiter: context.runtime.limiter,
            retainPartial: () => true,
            ...(this.options.copyRetry === undefined ? {} : { retry: this.options.copyRetry }),
          },
        );
        // Found in place already (a run killed after the move): what that run staged is not needed any more.
        if (placed.alreadyThere) await removeStaging(destination, staging);
        return placed;
      });
      const receiptPath = await writeReceipt(
        destination,
        {
          ferryDeliveryReceipt: 1,
          file: { id: file.fileId, name: file.name, pathInOffer: file.path },
          path: placement.path,
          conflict: placement.conflict,
          size: file.size,
          sha256: file.sha256,
          offer: { id: acquisition.offer.id, title: acquisition.offer.title },
          acquisition: { id: acquisition.id },
          providerOrgId: acquisition.provider.id,
          buyerOrgId: binding.orgId,
          deliveryId: `agent:${targetId}:${file.fileId}`,
          deliveredAt: new Date().toISOString(),
        },
        context.signal,
      );
      const record = recordDelivered(ledger, {
        bindingId: binding.id,
        fileId: file.fileId,
        seq: file.seq,
        path: placement.path,
        size: file.size,
        sha256: file.sha256,
        conflict: placement.conflict,
        receiptPath,
      });
      context.report({
        kind: placement.conflict ? 'conflict' : 'delivered',
        bindingId: binding.id,
        path: placement.path,
        size: file.size,
      });
      session.sent += 1;
      session.bytes += placement.alreadyThere ? 0 : file.size;
      await this.acknowledge(session, record);
      return 'delivered';
    } catch (error) {
      if (context.signal.aborted && isAbortError(error)) return 'cancelled';
      session.failed += 1;
      context.report({ kind: 'failed', bindingId: binding.id, path: wanted ?? file.path, ...deliveryFailureOf(error) });
      return 'failed';
    }
  }

  private halted(context: RunContext): boolean {
    return context.stopping() || context.signal.aborted;
  }

  /** Tells the platform of deliveries recorded without telling it (a killed or cut run), until one fails. */
  private async acknowledgeRecorded(
    session: Pick<Session, 'binding' | 'context' | 'client' | 'targetId'>,
  ): Promise<void> {
    for (const record of unacknowledged(session.context.ledger, session.binding.id)) {
      if (this.halted(session.context) || !(await this.acknowledge(session, record))) break;
    }
  }

  /** Reports a failure that ends the run; an unreachable platform stops it with 'source-unreachable'. */
  private stopOnFailure(binding: DeliverBinding, context: RunContext, error: unknown, done: RunSummary): RunSummary {
    const unreachable = error instanceof PlatformUnreachableError;
    context.report({
      kind: 'failed',
      bindingId: binding.id,
      ...(unreachable ? { reason: 'source-unreachable' as const } : {}),
      ...deliveryFailureOf(error),
    });
    return { ...done, ...(unreachable ? { stoppedBy: 'source-unreachable' as const } : {}) };
  }

  /** One run of a deliver binding (see the class). */
  async run(binding: DeliverBinding, context: RunContext): Promise<RunSummary> {
    let client: PlatformClient;
    let acquisition: Acquisition;
    let target: string | 'missing' | undefined;
    try {
      client = await context.platform.client();
      acquisition = await client.call(API.acquisitions.read, { params: this.paramsOf(binding) });
      // A cancelled acquisition takes no new target: only what was delivered already is still told.
      target = await agentTargetOf(binding, client, context.ledger, acquisition.status !== 'cancelled');
    } catch (error) {
      return this.stopOnFailure(binding, context, error, { sent: 0, bytes: 0, failed: 0 });
    }
    if (acquisition.status === 'cancelled') {
      if (target !== 'missing' && target !== undefined) {
        await this.acknowledgeRecorded({ binding, context, client, targetId: target });
      }
      this.warnOnce(binding, context, 'acquisition-ended');
      recordRun(context.ledger, binding.id, 0);
      return { sent: 0, bytes: 0, failed: 0, stoppedBy: 'acquisition-ended' };
    }
    if (target === 'missing' || target === undefined) {
      context.report({
        kind: 'warning',
        bindingId: binding.id,
        reason: 'target-missing',
        message: 'The delivery target of this binding was deleted on the platform.',
        hint: 'Remove the binding, or make it again to deliver to a new target.',
      });
      return { sent: 0, bytes: 0, failed: 0, stoppedBy: 'target-missing' };
    }
    let destination: Driver;
    try {
      destination = await context.drivers.open(binding.connectorId);
    } catch (error) {
      context.report({ kind: 'failed', bindingId: binding.id, ...deliveryFailureOf(error) });
      return { sent: 0, bytes: 0, failed: 0 };
    }
    const source = openPlatformFiles({
      baseUrl: client.baseUrl,
      ...(client.token === undefined ? {} : { token: client.token }),
      ...this.paramsOf(binding),
      ...(this.options.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: this.options.idleTimeoutMs }),
    });
    const session: Session = {
      binding,
      context,
      client,
      acquisition,
      targetId: target,
      source,
      destination,
      sent: 0,
      bytes: 0,
      failed: 0,
    };
    try {
      return await this.deliverAll(session);
    } finally {
      await destination.close().catch(() => undefined);
      await source.close().catch(() => undefined);
    }
  }

  private async deliverAll(session: Session): Promise<RunSummary> {
    const { binding, context, client, acquisition } = session;
    const summary = (): RunSummary => ({ sent: session.sent, bytes: session.bytes, failed: session.failed });
    await this.acknowledgeRecorded(session);
    try {
      for (const record of pendingRedeliveries(context.ledger, binding.id)) {
        if (this.halted(context)) return summary();
        const file = await feedEntryOf(client, binding, record);
        if (file === undefined) {
          session.failed += 1;
          context.report({
            kind: 'failed',
            bindingId: binding.id,
            path: record.path,
            code: 'NotFound',
            message: 'This file is not part of the acquisition any more: it cannot be delivered again.',
          });
          continue;
        }
        if ((await this.deliverOne(session, file)) === 'cancelled') return summary();
      }
      let after = bindingState(context.ledger, binding.id).feedAfter;
      let inOrder = true;
      const limit = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
      for (;;) {
        if (this.halted(context)) return summary();
        const page = await feedPage(client, binding, after, limit);
        for (const file of page.items) {
          if (this.halted(context)) return summary();
          const outcome = await this.deliverOne(session, file);
          if (outcome === 'cancelled') return summary();
          // The cursor covers files done in a row only: a failed one is met again next run.
          if (outcome === 'failed') inOrder = false;
          else if (inOrder) advanceFeed(context.ledger, binding.id, file.seq);
        }
        if (!page.hasMore || page.items.length === 0) break;
        after = page.nextCursor;
      }
      if (acquisition.status === 'ended' && session.failed === 0) {
        this.warnOnce(binding, context, 'acquisition-ended');
      }
    } catch (error) {
      // The feed could not be read (the platform went away): what was done stays, the rest waits for the next run.
      return this.stopOnFailure(binding, context, error, summary());
    }
    recordRun(context.ledger, binding.id, session.sent);
    return summary();
  }

  /** What the next run would deliver and skip: reads the platform and the ledger, writes nothing anywhere. */
  async preview(binding: DeliverBinding, context: RunContext): Promise<SyncPreview> {
    const wouldSend: SyncPreview['wouldSend'] = [];
    const skipped: SyncPreview['skipped'] = [];
    const max = this.options.previewLimit ?? DEFAULT_PREVIEW_LIMIT;
    // Set once a file is left out of a full list, or pages were left unread.
    let truncated = false;
    const result = (warning: SyncPreview['warning'] = null): SyncPreview => ({
      bindingId: binding.id,
      wouldSend,
      skipped,
      warning,
      truncatedAt: truncated ? max : null,
    });
    let client: PlatformClient;
    let acquisition: Acquisition;
    try {
      client = await context.platform.client();
      acquisition = await client.call(API.acquisitions.read, { params: this.paramsOf(binding) });
      if ((await agentTargetOf(binding, client, context.ledger, false)) === 'missing') return result('target-missing');
    } catch {
      return result('source-unreachable');
    }
    if (acquisition.status === 'cancelled') return result('acquisition-ended');
    const pathOf = (file: EntitledFile): string => {
      try {
        return this.wantedPathOf(binding, acquisition, file);
      } catch {
        return file.path;
      }
    };
    try {
      for (const record of pendingRedeliveries(context.ledger, binding.id)) {
        const file = await feedEntryOf(client, binding, record);
        if (file === undefined) continue;
        if (wouldSend.length < max) wouldSend.push({ path: pathOf(file), size: file.size });
        else truncated = true;
      }
      let after = bindingState(context.ledger, binding.id).feedAfter;
      const limit = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
      for (;;) {
        if (wouldSend.length >= max && skipped.length >= max) {
          truncated = true; // both lists are full: the rest of the feed is not read
          break;
        }
        const page = await feedPage(client, binding, after, limit);
        for (const file of page.items) {
          const list = needsDelivery(context.ledger, binding.id, file.fileId) ? wouldSend : skipped;
          if (list.length >= max) truncated = true;
          else if (list === skipped) {
            const record = deliveredRecord(context.ledger, binding.id, file.fileId);
            skipped.push({ path: record?.path ?? pathOf(file), reason: 'already-delivered' });
          } else wouldSend.push({ path: pathOf(file), size: file.size });
        }
        if (!page.hasMore || page.items.length === 0) break;
        after = page.nextCursor;
      }
    } catch {
      return result('source-unreachable');
    }
    return result(acquisition.status === 'ended' && wouldSend.length === 0 ? 'acquisition-ended' : null);
  }
}
