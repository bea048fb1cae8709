// Browsing an organisation connector (editors choosing a folder): paged listings and stat through its driver.
import type { Driver, Entry } from '../../connectors/driver';
import type { ConnectorEntriesPage, ConnectorEntry } from '../../shared/platform';
import type { PlatformContext } from '../platform-context';
import { apiErrorOfConnector } from './connector-api-error';
import { openOrgConnector } from './open-org-connector';

function toEntry(entry: Entry): ConnectorEntry {
  return {
    name: entry.name,
    path: entry.path,
    type: entry.type,
    ...(entry.size !== undefined ? { size: entry.size } : {}),
    ...(entry.mtimeMs !== undefined ? { modifiedAt: new Date(entry.mtimeMs).toISOString() } : {}),
    ...(entry.hashes !== undefined && Object.keys(entry.hashes).length > 0 ? { hashes: { ...entry.hashes } } : {}),
  };
}

async function withDriver<T>(
  ctx: PlatformContext,
  orgId: string,
  connectorId: string,
  use: (driver: Driver) => Promise<T>,
): Promise<T> {
  const driver = await openOrgConnector(ctx, orgId, connectorId);
  try {
    return await use(driver);
  } catch (error) {
    throw apiErrorOfConnector(error);
  } finally {
    await driver.close().catch(() => undefined);
  }
}

/** One page of a folder: its entries, the names refused by path safety, the cursor of the next page (or null). */
export function listEntries(
  ctx: PlatformContext,
  orgId: string,
  connectorId: string,
  query: { readonly path: string; readonly cursor?: string; readonly limit: number },
): Promise<ConnectorEntriesPage> {
  return withDriver(ctx, orgId, connectorId, async (driver) => {
    const page = await driver.list(query.path, {
      pageSize: query.limit,
      ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
    });
    return {
      entries: page.entries.map(toEntry),
      rejected: page.rejected.map((r) => ({ rawName: r.rawName, reason: r.reason })),
      cursor: page.cursor ?? null,
    };
  });
}

/** One file or folder. */
export function statEntry(
  ctx: PlatformContext,
  orgId: string,
  connectorId: string,
  path: string,
): Promise<ConnectorEntry> {
  return withDriver(ctx, orgId, connectorId, async (driver) => toEntry(await driver.stat(path)));
}
