// Who uses an organisation connector: later domains (offers, imports, deliveries) register a source each.
import type { ConnectorUsage } from '../../shared/platform';
import type { Executor } from '../db/database';
import { ApiError } from '../http/api-error';

/** One use of one of the connectors asked about. */
export interface ConnectorUsageOf {
  readonly connectorId: string;
  readonly usage: ConnectorUsage;
}

/**
 * Lists what uses any of the connectors (one query for all of them, so a page of connectors costs one query per
 * source), in the caller's transaction. Never called with no connector.
 */
export type ConnectorUsageSource = (
  db: Executor,
  orgId: string,
  connectorIds: readonly string[],
) => Promise<readonly ConnectorUsageOf[]>;

/**
 * The places that use connectors: a connector is deleted only when none of them names it. Offers, imports and
 * deliveries register their sources.
 */
export class ConnectorUsages {
  private readonly sources = new Set<ConnectorUsageSource>();

  /** Adds a source; the returned function removes it again. */
  register(source: ConnectorUsageSource): () => void {
    this.sources.add(source);
    return () => void this.sources.delete(source);
  }

  /** Everything that uses each connector (every one asked about has an entry), in one query per source. */
  async ofAll(
    db: Executor,
    orgId: string,
    connectorIds: readonly string[],
  ): Promise<ReadonlyMap<string, readonly ConnectorUsage[]>> {
    const found = new Map<string, ConnectorUsage[]>(connectorIds.map((id) => [id, []]));
    if (connectorIds.length === 0) return found;
    for (const source of this.sources) {
      for (const { connectorId, usage } of await source(db, orgId, connectorIds)) found.get(connectorId)?.push(usage);
    }
    return found;
  }

  /** Everything that uses the connector, from every source. */
  async of(db: Executor, orgId: string, connectorId: string): Promise<readonly ConnectorUsage[]> {
    return (await this.ofAll(db, orgId, [connectorId])).get(connectorId) ?? [];
  }

  /**
   * Throws connector_in_use when anything uses the connector `name`d: the message names them for API users, and
   * `usages` lists them for clients that word it in their own language.
   */
  async refuseIfUsed(db: Executor, orgId: string, connectorId: string, name: string): Promise<void> {
    const usages = await this.of(db, orgId, connectorId);
    if (usages.length === 0) return;
    const named = usages.map((u) => `${u.kind} "${u.title}" (${u.id})`).join(', ');
    throw new ApiError('connector_in_use', `"${name}" is used by ${named}: stop using it there first.`, {
      usages: [...usages],
    });
  }
}
