import { randomUUID } from 'node:crypto';
import { baseName, isWithin, normalizePath } from '../../../connectors/path-safety';
import type { Transfer, TransferLocation } from '../../../shared/ipc/transfers-ipc';
import { TransferActionError } from './transfer-action-error';

/**
 * The transfers of one batch, queued, before anything runs: paths normalised, roots and copies into themselves
 * refused (TransferActionError). Non-empty `sources` only.
 */
export function planBatch(
  sources: readonly TransferLocation[],
  destination: TransferLocation,
): { readonly target: TransferLocation; readonly entries: Transfer[] } {
  const target = { connectorId: destination.connectorId, path: checkedPath(destination.path, 'destination') };
  const batchId = randomUUID();
  const createdAt = Date.now();
  const entries: Transfer[] = sources.map((source) => {
    const path = checkedPath(source.path, 'source');
    if (path === '') throw new TransferActionError('Choose files or folders inside a connector, not its root.');
    if (source.connectorId === target.connectorId && isWithin(target.path, path)) {
      throw new TransferActionError(`Cannot copy ${path} into itself: choose a destination outside it.`);
    }
    return {
      id: randomUUID(),
      batchId,
      name: baseName(path),
      source: { connectorId: source.connectorId, path },
      destination: target,
      kind: null,
      state: 'queued',
      conflict: null,
      bytes: 0,
      total: null,
      bytesPerSecond: 0,
      etaSeconds: null,
      files: { done: 0, failed: 0, skipped: 0 },
      verification: null,
      outcome: null,
      error: null,
      createdAt,
      finishedAt: null,
    };
  });
  return { target, entries };
}

function checkedPath(path: string, which: 'source' | 'destination'): string {
  try {
    return normalizePath(path);
  } catch (error) {
    throw new TransferActionError(`Invalid ${which} path: ${error instanceof Error ? error.message : String(error)}`);
  }
}
