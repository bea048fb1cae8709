// Who uses an organisation connector: later domains (offers, deliveries) register a source each.
import type { ConnectorUsage } from '../../shared/platform';
import type { Executor } from '../db/database';
import { ApiError } from '../http/api-error';

/** Lists what uses one connector (e.g. the offers reading from it), in the caller's transaction. */
export type ConnectorUsageSource = (
  db: Executor,
  orgId: string,
  connectorId: string,
) => Promise<readonly ConnectorUsage[]>;

/**
 * The places that use connectors: a connector is deleted only when none of them names it. Empty until offers and
 * deliveries (issue 12) register their sources.
 */
export class ConnectorUsages {
  private readonly sources = new Set<ConnectorUsageSource>();

  /** Adds a source; the returned function removes it again. */
  register(source: ConnectorUsageSource): () => void {
    this.sources.add(source);
    return () => void this.sources.delete(source);
  }

  /** Everything that uses the connector, from every source. */
  async of(db: Executor, orgId: string, connectorId: string): Promise<readonly ConnectorUsage[]> {
    const found: ConnectorUsage[] = [];
    for (const source of this.sources) found.push(...(await source(db, orgId, connectorId)));
    return found;
  }

  /** Throws connector_in_use, naming every user, when anything uses the connector `name`d. */
  async refuseIfUsed(db: Executor, orgId: string, connectorId: string, name: string): Promise<void> {
    const usages = await this.of(db, orgId, connectorId);
    if (usages.length === 0) return;
    const named = usages.map((u) => `${u.type} "${u.name}" (${u.id})`).join(', ');
    throw new ApiError('connector_in_use', `"${name}" is used by ${named}: stop using it there first.`);
  }
}
