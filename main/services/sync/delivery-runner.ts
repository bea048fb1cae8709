// The deliver side of the sync agent: an acquisition's files, followed on the change feed, into a my-connector folder.
import { createHash } from 'node:crypto';
import type { ActivityInput, DeliverBinding, SyncPreview } from '../../../shared/ipc/sync-ipc';
import { CONNECTOR_ERROR_MEANING } from '../../../shared/errors/connector-error-code';
import { API, type Acquisition, type EntitledFile } from '../../../shared/platform';
import { isAbortError, isConnectorError, throwIfAborted } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { writeReceipt } from '../../../connectors/delivery/delivery-receipt';
import { expandPattern } from '../../../connectors/delivery/naming-pattern';
import { placeFile, removeStaging, stagingPathOf, type Placement } from '../../../connectors/delivery/place-file';
import { joinPath, normalizePath } from '../../../connectors/path-safety';
import type { RetryPolicy } from '../../../connectors/transfer/retry-policy';
import type { PlatformClient } from '../platform/platform-client';
import { PlatformApiError, PlatformUnreachableError } from '../platform/platform-api-error';
import type { BindingRunner, RunContext, RunSummary } from './binding-runner';
import {
  advanceFeed,
  deliveredRecord,
  deliveryState,
  isAcknowledged,
  needsDelivery,
  pendingRedeliveries,
  recordAcknowledged,
  recordDelivered,
  recordRun,
  rememberTarget,
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

/** What a failure says in the activity: its stable code, message and what to do. */
export function failureOf(error: unknown): Pick<ActivityInput, 'code' | 'message' | 'hint'> {
  if (isConnectorError(error)) {
    return { code: error.code, message: error.message, hint: error.hint ?? CONNECTOR_ERROR_MEANING[error.code] };
  }
  if (error instanceof PlatformApiError) {
    const hint =
      error.status === 401
        ? 'Sign in again (or give the agent a new API key).'
        : error.status === 403
          ? 'Ask an admin of your organisation for the editor role.'
          : error.status >= 500
            ? 'The platform had a problem: the next run tries again.'
            : undefined;
    return { code: error.code, message: error.message, ...(hint === undefined ? {} : { hint }) };
  }
  if (error instanceof PlatformUnreachableError) {
    return {
      code: 'platform_unreachable',
      message: error.message,
      hint: 'Check the network and the platform address: the next run continues where this one stopped.',
    };
  }
  return { code: 'error', message: error instanceof Error ? error.message : String(error) };
}

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

  /** The binding's agent target: its own, the remembered one, one of the same folder and pattern, or a new one. */
  private async resolveTarget(
    binding: DeliverBinding,
    client: PlatformClient,
    context: RunContext,
    create: boolean,
  ): Promise<string | 'missing' | undefined> {
    const params = this.paramsOf(binding);
    const known = binding.targetId ?? deliveryState(context.ledger, binding.id).targetId;
    if (known !== null) {
      try {
        const target = await client.call(API.deliveries.readTarget, { params: { ...params, targetId: known } });
        if (target.type !== 'agent') return 'missing';
      } catch (error) {
        if (error instanceof PlatformApiError && error.status === 404) return 'missing';
        throw error;
      }
      if (create) rememberTarget(context.ledger, binding.id, known);
      return known;
    }
    const folder = normalizePath(binding.folder);
    const { items } = await client.call(API.deliveries.listTargets, { params });
    const same = items.find(
      (t) => t.type === 'agent' && normalizePath(t.folder) === folder && t.namingPattern === binding.namingPattern,
    );
    if (same !== undefined) {
      if (create) rememberTarget(context.ledger, binding.id, same.id);
      return same.id;
    }
    if (!create) return undefined;
    const made = await client.call(API.deliveries.createTarget, {
      params,
      body: { type: 'agent', folder, namingPattern: binding.namingPattern },
    });
    rememberTarget(context.ledger, binding.id, made.id);
    return made.id;
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

  /** A delivered file's feed entry again (for a redelivery), or undefined once it left the acquisition. */
  private async feedEntryOf(
    client: PlatformClient,
    binding: DeliverBinding,
    record: DeliveredRecord,
  ): Promise<EntitledFile | undefined> {
    const page = await client.call(API.acquisitions.files, {
      params: this.paramsOf(binding),
      query: { after: Math.max(0, record.seq - 1), limit: 1 },
    });
    return page.items.find((f) => f.fileId === record.fileId);
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
      const failure = failureOf(error);
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
      context.report({ kind: 'failed', bindingId: binding.id, path: wanted ?? file.path, ...failureOf(error) });
      return 'failed';
    }
  }

  private halted(context: RunContext): boolean {
    return context.stopping() || context.signal.aborted;
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
      target = await this.resolveTarget(binding, client, context, acquisition.status !== 'cancelled');
    } catch (error) {
      const unreachable = error instanceof PlatformUnreachableError;
      context.report({
        kind: 'failed',
        bindingId: binding.id,
        ...(unreachable ? { reason: 'source-unreachable' as const } : {}),
        ...failureOf(error),
      });
      return { sent: 0, bytes: 0, failed: 0, ...(unreachable ? { stoppedBy: 'source-unreachable' as const } : {}) };
    }
    if (acquisition.status === 'cancelled') {
      if (target !== 'missing' && target !== undefined) {
        const session = { binding, context, client, targetId: target };
        for (const record of unacknowledged(context.ledger, binding.id)) {
          if (this.halted(context) || !(await this.acknowledge(session, record))) break;
        }
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
      context.report({ kind: 'failed', bindingId: binding.id, ...failureOf(error) });
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
    // Deliveries a killed or cut run recorded without telling the platform.
    for (const record of unacknowledged(context.ledger, binding.id)) {
      if (this.halted(context) || !(await this.acknowledge(session, record))) break;
    }
    try {
      for (const record of pendingRedeliveries(context.ledger, binding.id)) {
        if (this.halted(context)) return summary();
        const file = await this.feedEntryOf(client, binding, record);
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
      let after = deliveryState(context.ledger, binding.id).feedAfter;
      let inOrder = true;
      const limit = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
      for (;;) {
        if (this.halted(context)) return summary();
        const page = await client.call(API.acquisitions.files, {
          params: this.paramsOf(binding),
          query: { after, limit },
        });
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
      const unreachable = error instanceof PlatformUnreachableError;
      context.report({
        kind: 'failed',
        bindingId: binding.id,
        ...(unreachable ? { reason: 'source-unreachable' as const } : {}),
        ...failureOf(error),
      });
      return { ...summary(), ...(unreachable ? { stoppedBy: 'source-unreachable' as const } : {}) };
    }
    recordRun(context.ledger, binding.id, session.sent);
    return summary();
  }

  /** What the next run would deliver and skip: reads the platform and the ledger, writes nothing anywhere. */
  async preview(binding: DeliverBinding, context: RunContext): Promise<SyncPreview> {
    const wouldSend: SyncPreview['wouldSend'] = [];
    const skipped: SyncPreview['skipped'] = [];
    const result = (warning: SyncPreview['warning'] = null): SyncPreview => ({
      bindingId: binding.id,
      wouldSend,
      skipped,
      warning,
    });
    const max = this.options.previewLimit ?? DEFAULT_PREVIEW_LIMIT;
    let client: PlatformClient;
    let acquisition: Acquisition;
    try {
      client = await context.platform.client();
      acquisition = await client.call(API.acquisitions.read, { params: this.paramsOf(binding) });
      if ((await this.resolveTarget(binding, client, context, false)) === 'missing') return result('target-missing');
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
        const file = await this.feedEntryOf(client, binding, record);
        if (file !== undefined && wouldSend.length < max) wouldSend.push({ path: pathOf(file), size: file.size });
      }
      let after = deliveryState(context.ledger, binding.id).feedAfter;
      const limit = this.options.pageSize ?? DEFAULT_PAGE_SIZE;
      while (wouldSend.length < max || skipped.length < max) {
        const page = await client.call(API.acquisitions.files, {
          params: this.paramsOf(binding),
          query: { after, limit },
        });
        for (const file of page.items) {
          if (!needsDelivery(context.ledger, binding.id, file.fileId)) {
            const record = deliveredRecord(context.ledger, binding.id, file.fileId);
            if (skipped.length < max) skipped.push({ path: record?.path ?? pathOf(file), reason: 'already-delivered' });
          } else if (wouldSend.length < max) {
            wouldSend.push({ path: pathOf(file), size: file.size });
          }
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
