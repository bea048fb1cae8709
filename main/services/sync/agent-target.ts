// The delivery target an agent's deliver binding delivers through: the platform's record of its folder and pattern.
import type { DeliverBinding } from '../../../shared/ipc/sync-ipc';
import { API } from '../../../shared/platform';
import { normalizePath } from '../../../connectors/path-safety';
import type { PlatformClient } from '../platform/platform-client';
import { PlatformApiError } from '../platform/platform-api-error';
import { bindingState, rememberTarget } from './binding-state';
import type { SyncLedger } from './sync-ledger';

/** The binding's agent target: its own, the remembered one, one of the same folder and pattern, or a new one. */
export async function agentTargetOf(
  binding: DeliverBinding,
  client: PlatformClient,
  ledger: SyncLedger,
  create: boolean,
): Promise<string | 'missing' | undefined> {
  const params = { orgId: binding.orgId, acquisitionId: binding.acquisitionId };
  const known = binding.targetId ?? bindingState(ledger, binding.id).targetId;
  if (known !== null) {
    try {
      const target = await client.call(API.deliveries.readTarget, { params: { ...params, targetId: known } });
      if (target.type !== 'agent') return 'missing';
    } catch (error) {
      if (error instanceof PlatformApiError && error.status === 404) return 'missing';
      throw error;
    }
    if (create) rememberTarget(ledger, binding.id, known);
    return known;
  }
  const folder = normalizePath(binding.folder);
  const { items } = await client.call(API.deliveries.listTargets, { params });
  const same = items.find(
    (t) => t.type === 'agent' && normalizePath(t.folder) === folder && t.namingPattern === binding.namingPattern,
  );
  if (same !== undefined) {
    if (create) rememberTarget(ledger, binding.id, same.id);
    return same.id;
  }
  // A preview or a cancelled acquisition makes no target: none yet.
  if (!create) return undefined;
  const made = await client.call(API.deliveries.createTarget, {
    params,
    body: { type: 'agent', folder, namingPattern: binding.namingPattern },
  });
  rememberTarget(ledger, binding.id, made.id);
  return made.id;
}
