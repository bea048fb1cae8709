import { isConnectorError } from '../../../connectors/connector-error';
import { type Driver, type Entry } from '../../../connectors/driver';
import { isPartialName } from '../../../connectors/transfer/partial-file';

/**
 * Everything under a destination folder, by path relative to it (Ferry's hidden partials left out), read once before
 * a folder copy so each file's conflict check costs no request; empty when the folder does not exist yet.
 */
export async function destinationIndex(
  driver: Driver,
  root: string,
  signal?: AbortSignal,
): Promise<Map<string, Entry>> {
  const index = new Map<string, Entry>();
  const walk = async (folder: string): Promise<void> => {
    let cursor: string | undefined;
    do {
      const page = await driver.list(folder, { cursor, signal });
      for (const entry of page.entries) {
        if (isPartialName(entry.name)) continue;
        index.set(root === '' ? entry.path : entry.path.slice(root.length + 1), entry);
        if (entry.type === 'directory') await walk(entry.path);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  };
  try {
    await walk(root);
  } catch (error) {
    // Nothing there yet (the usual case): no conflicts.
    if (!isConnectorError(error, 'NotFound') || index.size > 0) throw error;
  }
  return index;
}
