import type { SQLInputValue } from 'node:sqlite';
import { stringify } from 'csv-stringify/sync';
import {
  type ActivityEntry,
  type ActivityInput,
  ActivityInputSchema,
  type ActivityKind,
  type ActivityQuery,
  ActivityQuerySchema,
} from '../../../shared/ipc/sync-ipc';
import { csvCell } from '../../../shared/csv-cell';
import type { SyncLedger } from './sync-ledger';

/** Entries kept: older ones are dropped as new ones come (the CSV export is how to keep more). */
export const ACTIVITY_KEEP = 20_000;

interface Row {
  id: number;
  at: number;
  kind: string;
  binding_id: string;
  binding_name: string;
  path: string | null;
  size: number | null;
  reason: string | null;
  code: string | null;
  message: string | null;
  hint: string | null;
}

function entryOf(row: Row): ActivityEntry {
  return {
    id: row.id,
    at: new Date(row.at).toISOString(),
    kind: row.kind as ActivityKind,
    bindingId: row.binding_id,
    bindingName: row.binding_name,
    ...(row.path !== null ? { path: row.path } : {}),
    ...(row.size !== null ? { size: row.size } : {}),
    ...(row.reason !== null ? { reason: row.reason as NonNullable<ActivityEntry['reason']> } : {}),
    ...(row.code !== null ? { code: row.code } : {}),
    ...(row.message !== null ? { message: row.message } : {}),
    ...(row.hint !== null ? { hint: row.hint } : {}),
  };
}

/** The WHERE clause and its values for a filter (kinds, binding, words in the path or message). */
function whereOf(query: Omit<ActivityQuery, 'limit'>): { sql: string; values: SQLInputValue[] } {
  const parts: string[] = [];
  const values: SQLInputValue[] = [];
  if (query.kinds !== undefined && query.kinds.length > 0) {
    parts.push(`kind IN (${query.kinds.map(() => '?').join(', ')})`);
    values.push(...query.kinds);
  }
  if (query.bindingId !== undefined) {
    parts.push('binding_id = ?');
    values.push(query.bindingId);
  }
  const text = query.text?.trim();
  if (text) {
    // LIKE with escaped wildcards: the user's words are matched literally.
    const pattern = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push("(path LIKE ? ESCAPE '\\' OR message LIKE ? ESCAPE '\\' OR binding_name LIKE ? ESCAPE '\\')");
    values.push(pattern, pattern, pattern);
  }
  if (query.before !== undefined) {
    parts.push('id < ?');
    values.push(query.before);
  }
  return { sql: parts.length > 0 ? `WHERE ${parts.join(' AND ')}` : '', values };
}

/** The agent's activity in its ledger: every publish, delivery, conflict, skip, failure and warning. */
export class ActivityLog {
  constructor(private readonly ledger: SyncLedger) {}

  /** Records an entry (checked against the contract) and returns it as the window and the tray show it. */
  add(input: ActivityInput, bindingName: string): ActivityEntry {
    const entry = ActivityInputSchema.parse(input);
    const at = this.ledger.now();
    const result = this.ledger.db
      .prepare(
        `INSERT INTO activity (at, kind, binding_id, binding_name, path, size, reason, code, message, hint)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        at,
        entry.kind,
        entry.bindingId,
        bindingName,
        entry.path ?? null,
        entry.size ?? null,
        entry.reason ?? null,
        entry.code ?? null,
        entry.message ?? null,
        entry.hint ?? null,
      );
    const id = Number(result.lastInsertRowid);
    if (id % 1000 === 0) this.ledger.db.prepare('DELETE FROM activity WHERE id <= ?').run(id - ACTIVITY_KEEP);
    return entryOf({
      id,
      at,
      kind: entry.kind,
      binding_id: entry.bindingId,
      binding_name: bindingName,
      path: entry.path ?? null,
      size: entry.size ?? null,
      reason: entry.reason ?? null,
      code: entry.code ?? null,
      message: entry.message ?? null,
      hint: entry.hint ?? null,
    });
  }

  /** The newest entries matching the filter, newest first, and whether older ones match too. */
  list(query: ActivityQuery = {}): { entries: ActivityEntry[]; hasMore: boolean } {
    const parsed = ActivityQuerySchema.parse(query);
    const where = whereOf(parsed);
    const rows = this.ledger.db
      .prepare(`SELECT * FROM activity ${where.sql} ORDER BY id DESC LIMIT ?`)
      .all(...where.values, parsed.limit + 1) as unknown as Row[];
    return { entries: rows.slice(0, parsed.limit).map(entryOf), hasMore: rows.length > parsed.limit };
  }

  /** Every entry matching the filter as CSV (oldest first, a header row), and how many rows. */
  csv(query: Omit<ActivityQuery, 'limit' | 'before'> = {}): { csv: string; rows: number } {
    const where = whereOf(query);
    const rows = this.ledger.db
      .prepare(`SELECT * FROM activity ${where.sql} ORDER BY id ASC`)
      .all(...where.values) as unknown as Row[];
    const csv = stringify(
      rows
        .map(entryOf)
        .map((e) => [
          e.at,
          e.kind,
          e.bindingName,
          e.path ?? '',
          e.size ?? '',
          e.reason ?? '',
          e.code ?? '',
          e.message ?? '',
          e.hint ?? '',
        ]),
      {
        header: true,
        columns: ['time', 'kind', 'binding', 'path', 'size', 'reason', 'code', 'message', 'what to do'],
        record_delimiter: 'windows',
        cast: { string: csvCell },
      },
    );
    return { csv, rows: rows.length };
  }
}
