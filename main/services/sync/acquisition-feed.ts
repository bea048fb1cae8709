// The acquisition's change feed: its files in the order they became available, read page by page from a cursor.
import type { DeliverBinding } from '../../../shared/ipc/sync-ipc';
import { API, type EntitledFile, type EntitledFilesPage } from '../../../shared/platform';
import type { PlatformClient } from '../platform/platform-client';
import type { DeliveredRecord } from './delivery-records';

/** The feed's page of at most `limit` files after the cursor `after` (a seq). */
export function feedPage(
  client: PlatformClient,
  binding: DeliverBinding,
  after: number,
  limit: number,
): Promise<EntitledFilesPage> {
  return client.call(API.acquisitions.files, {
    params: { orgId: binding.orgId, acquisitionId: binding.acquisitionId },
    query: { after, limit },
  });
}

/** A delivered file's feed entry again (for a redelivery), or undefined once it left the acquisition. */
export async function feedEntryOf(
  client: PlatformClient,
  binding: DeliverBinding,
  record: DeliveredRecord,
): Promise<EntitledFile | undefined> {
  const page = await feedPage(client, binding, Math.max(0, record.seq - 1), 1);
  return page.items.find((f) => f.fileId === record.fileId);
}
