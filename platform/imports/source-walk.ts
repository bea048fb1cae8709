// Walks a folder of a connector recursively, page by page: memory holds one page and the folders still to list.
import type { Driver, Entry } from '../../connectors/driver';

/** What a walk meets: a file, or a name the storage returned that path safety refused (never followed). */
export type WalkItem =
  | { readonly kind: 'file'; readonly entry: Entry }
  | { readonly kind: 'rejected'; readonly path: string; readonly reason: string };

/** Folders a walk keeps waiting at most: a deeper or wider tree stops with an error rather than fill memory. */
export const MAX_PENDING_FOLDERS = 10_000;

/** A walk that stopped at its bound (too many folders): the run fails with this message, nothing removed. */
export class WalkBoundError extends Error {
  override readonly name = 'WalkBoundError';
}

/** Entries asked per listing call. */
const PAGE_SIZE = 500;

/**
 * Every file under `folder` (recursively), depth first, in listing order. Refused
 * names come as `rejected` with the folder's path and the displayed (escaped) name. Errors of the storage throw.
 */
export async function* walkFiles(driver: Driver, folder: string, signal?: AbortSignal): AsyncGenerator<WalkItem> {
  const pending: string[] = [folder];
  while (pending.length > 0) {
    const current = pending.pop()!;
    let cursor: string | undefined;
    do {
      const page = await driver.list(current, {
        pageSize: PAGE_SIZE,
        ...(cursor !== undefined ? { cursor } : {}),
        ...(signal !== undefined ? { signal } : {}),
      });
      for (const rejected of page.rejected) {
        const path = current === '' ? rejected.rawName : `${current}/${rejected.rawName}`;
        yield { kind: 'rejected', path, reason: `left out: ${rejected.reason}` };
      }
      for (const entry of page.entries) {
        if (entry.type === 'file') yield { kind: 'file', entry };
        else if (pending.length >= MAX_PENDING_FOLDERS)
          throw new WalkBoundError(
            `More than ${MAX_PENDING_FOLDERS} folders wait to be listed under ${folder || 'the root'}.`,
          );
        else pending.push(entry.path);
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
}

/** The path of `entry` relative to `folder` (both normalised connector paths). */
export function relativeTo(folder: string, path: string): string {
  return folder === '' ? path : path.slice(folder.length + 1);
}
