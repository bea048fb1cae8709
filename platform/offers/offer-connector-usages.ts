// Offers reading from an organisation connector: that connector cannot be deleted meanwhile.
import { and, asc, eq } from 'drizzle-orm';
import { offers } from '../db/schema';
import type { ConnectorUsageSource } from '../connectors/connector-usages';

/**
 * The offers (any status: an archived one still names its source) whose source is the connector. One function for
 * the process, so registering it again (another app on the same usages) adds nothing.
 */
export const offerConnectorUsages: ConnectorUsageSource = async (db, orgId, connectorId) => {
  const rows = await db
    .select({ id: offers.id, title: offers.title })
    .from(offers)
    .where(and(eq(offers.orgId, orgId), eq(offers.sourceType, 'connector'), eq(offers.sourceConnectorId, connectorId)))
    .orderBy(asc(offers.createdAt), asc(offers.id));
  return rows.map((row) => ({ type: 'offer', id: row.id, name: row.title }));
};
