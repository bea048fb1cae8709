import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { ConnectorErrorInfoSchema } from '../../../shared/errors/connector-error-code';
import { TRANSFER_STATES, type Transfer } from '../../../shared/ipc/transfers-ipc';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS transfers (
  id TEXT PRIMARY KEY,
  position INTEGER NOT NULL,
  batch_id TEXT NOT NULL,
  name TEXT NOT NULL,
  source_connector TEXT NOT NULL,
  source_path TEXT NOT NULL,
  destination_connector TEXT NOT NULL,
  destination_path TEXT NOT NULL,
  kind TEXT,
  state TEXT NOT NULL,
  bytes INTEGER NOT NULL DEFAULT 0,
  total INTEGER,
  files_done INTEGER NOT NULL DEFAULT 0,
  files_failed INTEGER NOT NULL DEFAULT 0,
  verification TEXT,
  error TEXT,
  created_at INTEGER NOT NULL,
  finished_at INTEGER
);
CREATE TABLE IF NOT EXISTS transfer_files (
  transfer_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  PRIMARY KEY (transfer_id, path)
);
`;

/** The fields of a transfer the journal keeps (rate and ETA are live only). */
export type JournalEntry = Omit<Transfer, 'bytesPerSecond' | 'etaSeconds'>;

type Row = Record<string, SQLInputValue>;

/** What may change after a transfer was written. */
export type JournalChange = Partial<
  Pick<JournalEntry, 'kind' | 'state' | 'bytes' | 'total' | 'files' | 'verification' | 'error' | 'finishedAt'>
>;

/**
 * The transfer queue on disk (node:sqlite, WAL): every transfer with its state and last known bytes, and the files a
 * folder copy has finished, so the queue comes back after a restart and a folder resumes where it stopped.
 */
export class TransferJournal {
  private readonly db: DatabaseSync;

  /** Opens (or creates) the journal at `file` (':memory:' for a throwaway one). */
  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 2000;');
    const { user_version: version } = this.db.prepare('PRAGMA user_version').get() as { user_version: number };
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`The transfer journal ${file} comes from a newer Ferry (schema ${version}).`);
    }
    this.db.exec(SCHEMA);
    this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  }

  /** Every transfer, oldest first. */
  all(): JournalEntry[] {
    return (this.db.prepare('SELECT * FROM transfers ORDER BY position').all() as Row[]).map(entryOf);
  }

  /** Appends transfers at the end of the queue, in one transaction. */
  insert(entries: readonly JournalEntry[]): void {
    const next = this.db.prepare('SELECT COALESCE(MAX(position), 0) AS p FROM transfers').get() as { p: number };
    const insert = this.db.prepare(
      `INSERT INTO transfers (id, position, batch_id, name, source_connector, source_path, destination_connector,
        destination_path, kind, state, bytes, total, files_done, files_failed, verification, error, created_at,
        finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.transaction(() => {
      entries.forEach((e, i) =>
        insert.run(
          e.id,
          next.p + i + 1,
          e.batchId,
          e.name,
          e.source.connectorId,
          e.source.path,
          e.destination.connectorId,
          e.destination.path,
          e.kind,
          e.state,
          e.bytes,
          e.total,
          e.files.done,
          e.files.failed,
          e.verification,
          e.error === null ? null : JSON.stringify(e.error),
          e.createdAt,
          e.finishedAt,
        ),
      );
    });
  }

  /** Saves changed fields of one transfer. */
  update(id: string, change: JournalChange): void {
    const columns: string[] = [];
    const values: SQLInputValue[] = [];
    const set = (column: string, value: SQLInputValue): void => {
      columns.push(`${column} = ?`);
      values.push(value);
    };
    if (change.kind !== undefined) set('kind', change.kind);
    if (change.state !== undefined) set('state', change.state);
    if (change.bytes !== undefined) set('bytes', Math.round(change.bytes));
    if (change.total !== undefined) set('total', change.total);
    if (change.files !== undefined) {
      set('files_done', change.files.done);
      set('files_failed', change.files.failed);
    }
    if (change.verification !== undefined) set('verification', change.verification);
    if (change.error !== undefined) set('error', change.error === null ? null : JSON.stringify(change.error));
    if (change.finishedAt !== undefined) set('finished_at', change.finishedAt);
    if (columns.length === 0) return;
    this.db.prepare(`UPDATE transfers SET ${columns.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Forgets transfers (and their finished-file lists). */
  remove(ids: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM transfers WHERE id = ?');
    this.transaction(() => ids.forEach((id) => remove.run(id)));
  }

  /** Records a file a folder copy finished (source path and size). */
  fileDone(id: string, path: string, size: number): void {
    this.db
      .prepare('INSERT OR REPLACE INTO transfer_files (transfer_id, path, size) VALUES (?, ?, ?)')
      .run(id, path, size);
  }

  /** The files a folder copy finished, by source path, with their sizes. */
  doneFiles(id: string): Map<string, number> {
    const rows = this.db.prepare('SELECT path, size FROM transfer_files WHERE transfer_id = ?').all(id) as {
      path: string;
      size: number;
    }[];
    return new Map(rows.map((r) => [r.path, r.size]));
  }

  /** Forgets the finished files of a folder copy (a retry from scratch). */
  clearFiles(id: string): void {
    this.db.prepare('DELETE FROM transfer_files WHERE transfer_id = ?').run(id);
  }

  /** Closes the database. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }

  private transaction(work: () => void): void {
    this.db.exec('BEGIN');
    try {
      work();
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

function entryOf(row: Row): JournalEntry {
  const state = TRANSFER_STATES.find((s) => s === row['state']) ?? 'failed';
  const kind = row['kind'] === 'file' || row['kind'] === 'folder' ? row['kind'] : null;
  const error = typeof row['error'] === 'string' ? ConnectorErrorInfoSchema.safeParse(JSON.parse(row['error'])) : null;
  return {
    id: String(row['id']),
    batchId: String(row['batch_id']),
    name: String(row['name']),
    source: { connectorId: String(row['source_connector']), path: String(row['source_path']) },
    destination: { connectorId: String(row['destination_connector']), path: String(row['destination_path']) },
    kind,
    state,
    bytes: Number(row['bytes']),
    total: row['total'] === null ? null : Number(row['total']),
    files: { done: Number(row['files_done']), failed: Number(row['files_failed']) },
    verification: typeof row['verification'] === 'string' ? row['verification'] : null,
    error: error?.success ? error.data : null,
    createdAt: Number(row['created_at']),
    finishedAt: row['finished_at'] === null ? null : Number(row['finished_at']),
  };
}
