import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { vaultSecrets } from '../db/schema';
import type { VaultService } from '../vault/vault-service';
import type { StoredSecrets } from './connector-views';

/**
 * For each connector, the secret options the vault holds and those it cannot open (key gone): names only, one query
 * for the names and one for the organisation's unreadable secrets, whatever the number of connectors.
 */
export async function storedSecretsOf(
  db: Executor,
  vault: VaultService,
  orgId: string,
  connectorIds: readonly string[],
): Promise<ReadonlyMap<string, StoredSecrets>> {
  const result = new Map<string, { stored: Set<string>; unreadable: Set<string> }>(
    connectorIds.map((id) => [id, { stored: new Set(), unreadable: new Set() }]),
  );
  if (connectorIds.length === 0) return result;
  const rows = await db
    .select({ connectorId: vaultSecrets.connectorId, option: vaultSecrets.option })
    .from(vaultSecrets)
    .where(and(eq(vaultSecrets.orgId, orgId), inArray(vaultSecrets.connectorId, [...connectorIds])));
  for (const row of rows) result.get(row.connectorId)?.stored.add(row.option);
  for (const lost of await vault.unreadable(orgId, db)) result.get(lost.connectorId)?.unreadable.add(lost.option);
  return result;
}
