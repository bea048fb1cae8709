import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { orgConnectors, vaultSecrets } from '../db/schema';

/**
 * Deletes a connector's row and its vault secrets (ciphertext needs no key to be dropped, so this works also without
 * a vault); whether the connector existed.
 */
export async function deleteConnectorRows(db: Executor, orgId: string, connectorId: string): Promise<boolean> {
  await db.delete(vaultSecrets).where(and(eq(vaultSecrets.orgId, orgId), eq(vaultSecrets.connectorId, connectorId)));
  const gone = await db
    .delete(orgConnectors)
    .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, connectorId)))
    .returning({ id: orgConnectors.id });
  return gone.length > 0;
}
