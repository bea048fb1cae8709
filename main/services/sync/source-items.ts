// What a publish run looks at: the whole folder, or, with a saved change cursor, only the files that changed since.
import { type ChangeFeed, hasChangeFeed } from '../../../connectors/capabilities';
import { isAbortError } from '../../../connectors/connector-error';
import type { Driver, Entry } from '../../../connectors/driver';
import { baseName } from '../../../connectors/path-safety';
import type { ChangeCursor } from './binding-state';
import type { PublishRecords } from './publish-records';
import {
  isFerryOwnName,
  pathFilter,
  relativeTo,
  type ScanItem,
  scanFolder,
  type SourceScanOptions,
  underFolder,
} from './source-scan';

/** The items of one run and how they were found. */
export type SourceItems =
  | {
      /** Every file of the folder was listed: its count guards the next runs against a suddenly empty source. */
      readonly mode: 'walk';
      readonly items: AsyncIterable<ScanItem>;
      /** The change cursor taken before the walk, to save once the items are recorded (null: no feed). */
      readonly cursor: string | null;
    }
  | {
      /** Only the files changed since the saved cursor, and those not finished yet: no count of the folder. */
      readonly mode: 'changes';
      readonly items: AsyncIterable<ScanItem>;
      readonly cursor: string;
    };

/** What `sourceItems` needs besides the driver and the folder. */
export interface SourceItemsOptions extends SourceScanOptions {
  readonly signal: AbortSignal;
  /** The cursor the binding saved, if any, and the scope it was taken for. */
  readonly saved: ChangeCursor | null;
  /** This run's scope (see changeScope): a cursor of another scope is not used. */
  readonly scope: string;
  readonly records: PublishRecords;
  readonly bindingId: string;
}

/** What a change cursor is valid for: the connector, the folder and the globs (other globs may keep other files). */
export function changeScope(
  connectorId: string,
  folder: string,
  include: readonly string[] = [],
  exclude: readonly string[] = [],
): string {
  return JSON.stringify([connectorId, folder, include, exclude]);
}

/**
 * The items a publish run records. A driver without a change feed, or a binding without a cursor of this scope,
 * walks the whole folder; with a feed, the cursor is taken BEFORE the walk, so a file added while it runs is among
 * the next run's changes. With a saved cursor, only the files changed since are looked at, plus the observations
 * not published yet (waiting for a second look, failed, or left by a stopped run), looked at again one by one; an
 * expired cursor or a failing feed falls back to a walk with a new cursor. Both go through the same records, so a
 * file is never published twice whichever way it was found.
 */
export async function sourceItems(driver: Driver, folder: string, options: SourceItemsOptions): Promise<SourceItems> {
  if (!hasChangeFeed(driver)) return { mode: 'walk', items: scanFolder(driver, folder, options), cursor: null };
  const saved = options.saved?.scope === options.scope ? options.saved.cursor : undefined;
  if (saved !== undefined) {
    const changes = await changedSince(driver, folder, saved, options.signal);
    if (changes !== undefined) {
      return { mode: 'changes', items: changedItems(driver, folder, changes.files, options), cursor: changes.cursor };
    }
  }
  let cursor: string | null = null;
  try {
    cursor = await driver.changeCursor({ signal: options.signal });
  } catch (error) {
    // No cursor: this run walks all the same, and so does the next.
    if (options.signal.aborted || isAbortError(error)) throw error;
  }
  return { mode: 'walk', items: scanFolder(driver, folder, options), cursor };
}

/** The changes since `cursor`, or undefined when the cursor expired or the feed failed (the run walks instead). */
async function changedSince(
  driver: Driver & ChangeFeed,
  folder: string,
  cursor: string,
  signal: AbortSignal,
): Promise<{ readonly files: readonly Entry[]; readonly cursor: string } | undefined> {
  try {
    const result = await driver.changesSince(folder, cursor, { signal });
    switch (result.kind) {
      case 'changes':
        return result;
      case 'expired':
        return undefined;
    }
  } catch (error) {
    if (signal.aborted || isAbortError(error)) throw error;
    return undefined;
  }
}

/** The changed files as scan items, then the unfinished observations as they look now (gone ones left out). */
async function* changedItems(
  driver: Driver,
  folder: string,
  files: readonly Entry[],
  options: SourceItemsOptions,
): AsyncGenerator<ScanItem> {
  const keep = pathFilter(options.include, options.exclude);
  const changed = new Set<string>();
  for (const entry of files) {
    if (entry.type !== 'file' || isFerryOwnName(baseName(entry.path))) continue;
    const path = relativeTo(folder, entry.path);
    changed.add(path);
    yield { kind: keep(path) ? 'file' : 'excluded', path, entry };
  }
  for (let after = ''; ;) {
    const page = options.records.unfinished(options.bindingId, after);
    if (page.length === 0) return;
    for (const observation of page) {
      after = observation.path;
      if (changed.has(observation.path) || !keep(observation.path)) continue;
      const entry = await entryNow(driver, underFolder(folder, observation.path), options.signal);
      if (entry !== undefined) yield { kind: 'file', path: observation.path, entry };
    }
  }
}

/** The file at `path` now; undefined when it is gone, is no longer a file, or the storage failed to say (next run). */
async function entryNow(driver: Driver, path: string, signal: AbortSignal): Promise<Entry | undefined> {
  try {
    const entry = await driver.stat(path, { signal });
    return entry.type === 'file' ? entry : undefined;
  } catch (error) {
    if (signal.aborted || isAbortError(error)) throw error;
    return undefined;
  }
}
