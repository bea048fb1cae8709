// What a scan looks at: the whole source folder, or, with a saved change cursor, only the files changed since.
import { and, asc, eq, gt } from 'drizzle-orm';
import { type ChangeFeed, hasChangeFeed } from '../../connectors/capabilities';
import { isAbortError } from '../../connectors/connector-error';
import type { Driver, Entry } from '../../connectors/driver';
import type { Executor } from '../db/database';
import { sourceChangeCursors, sourceObservations } from '../db/schema';
import { relativeTo, walkFiles, type WalkItem } from './source-walk';

/** Waiting observations read at once. */
const WAITING_PAGE = 200;

/** The items of one scan and how they were found. */
export type ScanSourceItems =
  | {
      /** Every file was listed: a walk that lists none although files were seen before stops the scan. */
      readonly mode: 'walk';
      readonly items: AsyncIterable<WalkItem>;
      /** The change cursor taken before the walk, to save once the scan succeeded (null: no feed). */
      readonly cursor: string | null;
    }
  | {
      /** Only the files changed since the saved cursor, and the waiting ones: no count of the folder. */
      readonly mode: 'changes';
      readonly items: AsyncIterable<WalkItem>;
      readonly cursor: string;
    };

/** What a change cursor is valid for: the source connector and folder. */
export function sourceScope(connectorId: string, folder: string): string {
  return JSON.stringify([connectorId, folder]);
}

/** The offer's saved change cursor for `scope`, if any. */
export async function savedCursor(db: Executor, offerId: string, scope: string): Promise<string | undefined> {
  const [row] = await db.select().from(sourceChangeCursors).where(eq(sourceChangeCursors.offerId, offerId));
  return row?.scope === scope ? row.cursor : undefined;
}

/** Saves the offer's change cursor (null: forgets it, the next scan walks). */
export async function saveCursor(
  db: Executor,
  offerId: string,
  scope: string,
  cursor: string | null,
  at: Date,
): Promise<void> {
  if (cursor === null) {
    await db.delete(sourceChangeCursors).where(eq(sourceChangeCursors.offerId, offerId));
    return;
  }
  await db
    .insert(sourceChangeCursors)
    .values({ offerId, cursor, scope, savedAt: at })
    .onConflictDoUpdate({ target: sourceChangeCursors.offerId, set: { cursor, scope, savedAt: at } });
}

/**
 * The items a scan processes. A driver without a change feed, or an offer without a cursor of this scope, walks the
 * folder; with a feed, the cursor is taken BEFORE the walk, so a file added while it runs is among the next scan's
 * changes. With a saved cursor, only the files changed since are looked at, plus the observations still waiting (a
 * first look, or stable files a scan's bound left), each looked at again; an expired cursor or a failing feed walks
 * with a new cursor. Both feed the same observations, so a file is never added twice whichever way it was found.
 */
export async function scanSourceItems(
  db: Executor,
  driver: Driver,
  offerId: string,
  folder: string,
  saved: string | undefined,
): Promise<ScanSourceItems> {
  if (!hasChangeFeed(driver)) return { mode: 'walk', items: walkFiles(driver, folder), cursor: null };
  if (saved !== undefined) {
    const changes = await changedSince(driver, folder, saved);
    if (changes !== undefined) {
      return {
        mode: 'changes',
        items: changedItems(db, driver, offerId, folder, changes.files),
        cursor: changes.cursor,
      };
    }
  }
  let cursor: string | null = null;
  try {
    cursor = await driver.changeCursor();
  } catch (error) {
    // No cursor: this scan walks all the same, and so does the next.
    if (isAbortError(error)) throw error;
  }
  return { mode: 'walk', items: walkFiles(driver, folder), cursor };
}

/** The changes since `cursor`, or undefined when the cursor expired or the feed failed (the scan walks instead). */
async function changedSince(
  driver: Driver & ChangeFeed,
  folder: string,
  cursor: string,
): Promise<{ readonly files: readonly Entry[]; readonly cursor: string } | undefined> {
  try {
    const result = await driver.changesSince(folder, cursor);
    switch (result.kind) {
      case 'changes':
        return result;
      case 'expired':
        return undefined;
    }
  } catch (error) {
    if (isAbortError(error)) throw error;
    return undefined;
  }
}

/** The changed files, then the waiting observations as they look now (gone ones left out). */
async function* changedItems(
  db: Executor,
  driver: Driver,
  offerId: string,
  folder: string,
  files: readonly Entry[],
): AsyncGenerator<WalkItem> {
  const changed = new Set<string>();
  for (const entry of files) {
    if (entry.type !== 'file') continue;
    changed.add(relativeTo(folder, entry.path));
    yield { kind: 'file', entry };
  }
  for (let after = ''; ;) {
    const page = await db
      .select({ path: sourceObservations.path })
      .from(sourceObservations)
      .where(
        and(
          eq(sourceObservations.offerId, offerId),
          eq(sourceObservations.outcome, 'waiting'),
          gt(sourceObservations.path, after),
        ),
      )
      .orderBy(asc(sourceObservations.path))
      .limit(WAITING_PAGE);
    if (page.length === 0) return;
    for (const { path } of page) {
      after = path;
      if (changed.has(path)) continue;
      const entry = await entryNow(driver, folder === '' ? path : `${folder}/${path}`);
      if (entry !== undefined) yield { kind: 'file', entry };
    }
  }
}

/** The file at `path` now; undefined when it is gone, is no longer a file, or the storage failed to say. */
async function entryNow(driver: Driver, path: string): Promise<Entry | undefined> {
  try {
    const entry = await driver.stat(path);
    return entry.type === 'file' ? entry : undefined;
  } catch (error) {
    if (isAbortError(error)) throw error;
    return undefined;
  }
}
