import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';

const SCHEMA_VERSION = 1;

// observations: what a publish scan last saw of each file (the stability check, and when to hash again).
// published / delivered / acks / redeliveries: append-only records (a redelivery asked after a delivery sends it again), written last in each step (the two-phase commit's second phase).
// binding_state: a binding's cursors (feed `after`, agent target, last run, the source's change cursor), read and
// written by binding-state.ts.
// activity: what the user sees in the activity screen and the tray.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS observations (
  binding_id TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  mtime_ms INTEGER,
  etag TEXT,
  sha256 TEXT,
  first_seen_at INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  stable_looks INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (binding_id, path)
);
CREATE TABLE IF NOT EXISTS published (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  binding_id TEXT NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  offer_file_id TEXT,
  upload_url TEXT,
  published_at INTEGER NOT NULL,
  UNIQUE (binding_id, path, sha256)
);
CREATE TABLE IF NOT EXISTS delivered (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  binding_id TEXT NOT NULL,
  file_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  conflict INTEGER NOT NULL,
  receipt_path TEXT,
  delivered_at INTEGER NOT NULL,
  UNIQUE (binding_id, file_id)
);
CREATE TABLE IF NOT EXISTS acks (
  binding_id TEXT NOT NULL,
  file_id TEXT NOT NULL,
  acked_at INTEGER NOT NULL,
  PRIMARY KEY (binding_id, file_id)
);
CREATE TABLE IF NOT EXISTS redeliveries (
  binding_id TEXT NOT NULL,
  file_id TEXT NOT NULL,
  asked_at INTEGER NOT NULL,
  PRIMARY KEY (binding_id, file_id, asked_at)
);
CREATE TABLE IF NOT EXISTS binding_state (
  binding_id TEXT PRIMARY KEY,
  feed_after INTEGER NOT NULL DEFAULT 0,
  target_id TEXT,
  last_run_at INTEGER,
  last_file_count INTEGER,
  change_cursor TEXT,
  change_scope TEXT
);
CREATE TABLE IF NOT EXISTS activity (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at INTEGER NOT NULL,
  kind TEXT NOT NULL,
  binding_id TEXT NOT NULL,
  binding_name TEXT NOT NULL,
  path TEXT,
  size INTEGER,
  reason TEXT,
  code TEXT,
  message TEXT,
  hint TEXT
);
CREATE INDEX IF NOT EXISTS activity_by_binding ON activity (binding_id, id);
`;

/** The ledger's file name in the app's (or the headless agent's) data folder. */
export const SYNC_LEDGER_FILE = 'sync-ledger.sqlite';

/**
 * The sync agent's ledger (node:sqlite, WAL, synchronous=FULL so a committed record survives a power cut): what
 * publish scans saw, what was published and delivered, cursors, and the activity. Record modules (publish-records,
 * delivery-records, activity-log) own their tables' queries; this class owns the file, the schema and transactions.
 */
export class SyncLedger {
  /** The database: record modules prepare their statements on it. */
  readonly db: DatabaseSync;

  /** Opens (or creates) the ledger at `file` (':memory:' for a throwaway one). */
  constructor(
    readonly file: string,
    readonly now: () => number = Date.now,
  ) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;');
    const { user_version: version } = this.db.prepare('PRAGMA user_version').get() as { user_version: number };
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`The sync ledger ${file} comes from a newer Ferry (schema ${version}).`);
    }
    this.db.exec(SCHEMA);
    // Columns added after schema 1 shipped: optional, so an older Ferry can still open the ledger.
    const columns = this.db.prepare('PRAGMA table_info(binding_state)').all() as { name: string }[];
    if (!columns.some((column) => column.name === 'change_cursor')) {
      this.db.exec(
        'ALTER TABLE binding_state ADD COLUMN change_cursor TEXT; ALTER TABLE binding_state ADD COLUMN change_scope TEXT',
      );
    }
    this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
  }

  /** Runs `work` in one transaction: all of its writes commit together, or none on a throw. */
  transaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  /** Forgets a removed binding's observations and cursors; its published and delivered records stay (history). */
  forgetBinding(bindingId: string): void {
    this.transaction(() => {
      this.db.prepare('DELETE FROM observations WHERE binding_id = ?').run(bindingId);
      this.db.prepare('DELETE FROM binding_state WHERE binding_id = ?').run(bindingId);
    });
  }

  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}
