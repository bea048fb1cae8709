// A binding's cursors in the sync ledger's binding_state table: the one place that reads and writes them.
import type { SyncLedger } from './sync-ledger';

/** A binding's cursors (a binding never run: the feed's start, no target, no run). */
export interface BindingState {
  /** Deliver: the change feed's `after`: every file up to it was delivered or skipped. */
  readonly feedAfter: number;
  /** Deliver: the agent delivery target the binding acknowledges to, once found or made. */
  readonly targetId: string | null;
  /** When the binding's last complete run ended (ms since the epoch). */
  readonly lastRunAt: number | null;
  /** How many files that run saw (publish: the next run's empty-source guard) or delivered. */
  readonly lastFileCount: number | null;
  /** Publish: the source's change cursor (a driver's ChangeFeed) and what it was taken for, or null. */
  readonly changeCursor: ChangeCursor | null;
}

/** A change cursor of a publish source, valid for one scope (connector, folder, globs): another scope walks again. */
export interface ChangeCursor {
  readonly cursor: string;
  readonly scope: string;
}

interface Row {
  feed_after: number;
  target_id: string | null;
  last_run_at: number | null;
  last_file_count: number | null;
  change_cursor: string | null;
  change_scope: string | null;
}

const orNull = (value: number | null | undefined): number | null =>
  value === null || value === undefined ? null : Number(value);

/** The binding's cursors. */
export function bindingState(ledger: SyncLedger, bindingId: string): BindingState {
  const row = ledger.db
    .prepare(
      `SELECT feed_after, target_id, last_run_at, last_file_count, change_cursor, change_scope FROM binding_state
       WHERE binding_id = ?`,
    )
    .get(bindingId) as Row | undefined;
  const cursor = row?.change_cursor ?? null;
  return {
    feedAfter: Number(row?.feed_after ?? 0),
    targetId: row?.target_id ?? null,
    lastRunAt: orNull(row?.last_run_at),
    lastFileCount: orNull(row?.last_file_count),
    changeCursor: cursor === null ? null : { cursor, scope: row?.change_scope ?? '' },
  };
}

/** When any binding's last run ended, or null before the first. */
export function lastRunOfAny(ledger: SyncLedger): number | null {
  const row = ledger.db.prepare('SELECT MAX(last_run_at) AS at FROM binding_state').get() as { at: number | null };
  return orNull(row.at);
}

/** Remembers the agent target a binding found or made. */
export function rememberTarget(ledger: SyncLedger, bindingId: string, targetId: string): void {
  ledger.db
    .prepare(
      `INSERT INTO binding_state (binding_id, target_id) VALUES (?, ?)
       ON CONFLICT (binding_id) DO UPDATE SET target_id = excluded.target_id`,
    )
    .run(bindingId, targetId);
}

/** Forgets the binding's target: its next run finds or makes one anew (the binding was saved again). */
export function forgetTarget(ledger: SyncLedger, bindingId: string): void {
  ledger.db.prepare('UPDATE binding_state SET target_id = NULL WHERE binding_id = ?').run(bindingId);
}

/** Moves the feed cursor forward to `after` (never back). */
export function advanceFeed(ledger: SyncLedger, bindingId: string, after: number): void {
  ledger.db
    .prepare(
      `INSERT INTO binding_state (binding_id, feed_after) VALUES (?, ?)
       ON CONFLICT (binding_id) DO UPDATE SET feed_after = MAX(feed_after, excluded.feed_after)`,
    )
    .run(bindingId, after);
}

/**
 * Remembers when a binding's run ended and how many files it saw or delivered (null: the count is kept, a run that
 * looked only at changes does not know it).
 */
export function recordRun(ledger: SyncLedger, bindingId: string, fileCount: number | null, at = ledger.now()): void {
  ledger.db
    .prepare(
      `INSERT INTO binding_state (binding_id, last_run_at, last_file_count) VALUES (?, ?, ?)
       ON CONFLICT (binding_id) DO UPDATE SET last_run_at = excluded.last_run_at,
         last_file_count = COALESCE(excluded.last_file_count, binding_state.last_file_count)`,
    )
    .run(bindingId, at, fileCount);
}

/** Saves the source's change cursor for a scope, or forgets it (null: the next run walks the folder). */
export function saveChangeCursor(ledger: SyncLedger, bindingId: string, cursor: ChangeCursor | null): void {
  ledger.db
    .prepare(
      `INSERT INTO binding_state (binding_id, change_cursor, change_scope) VALUES (?, ?, ?)
       ON CONFLICT (binding_id) DO UPDATE SET change_cursor = excluded.change_cursor,
         change_scope = excluded.change_scope`,
    )
    .run(bindingId, cursor?.cursor ?? null, cursor?.scope ?? null);
}

/** Marks that a run ended now, whatever its outcome (the interval counts from it); returns the time. */
export function markRunEnded(ledger: SyncLedger, bindingId: string): number {
  const at = ledger.now();
  ledger.db
    .prepare(
      `INSERT INTO binding_state (binding_id, last_run_at) VALUES (?, ?)
       ON CONFLICT (binding_id) DO UPDATE SET last_run_at = excluded.last_run_at`,
    )
    .run(bindingId, at);
  return at;
}
