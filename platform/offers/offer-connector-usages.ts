// Offers reading from an organisation connector: that connector cannot be deleted meanwhile.
import { and, asc, eq, inArray } from 'drizzle-orm';
import { offers } from '../db/schema';
import type { ConnectorUsageSource } from '../connectors/connector-usages';

/**
 * The offers (any status: an archived one still names its source) whose source is the connector. One function for
 * the process, so registering it again (another app on the same usages) adds nothing.
 */
export const offerConnectorUsages: ConnectorUsageSource = async (db, orgId, connectorIds) => {
  const rows = await db
    .select({ id: offers.id, title: offers.title, connectorId: offers.sourceConnectorId })
    .from(offers)
    .where(
      and(
        eq(offers.orgId, orgId),
        eq(offers.sourceType, 'connector'),
        inArray(offers.sourceConnectorId, [...connectorIds]),
      ),
    )
    .orderBy(asc(offers.createdAt), asc(offers.id));
  return rows.map((row) => ({
    connectorId: row.connectorId ?? '',
    usage: { kind: 'offer-source', id: row.id, title: row.title },
  }));
};
