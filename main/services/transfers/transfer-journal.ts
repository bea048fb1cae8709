import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import { z } from 'zod';
import { ConnectorErrorInfoSchema } from '../../../shared/errors/connector-error-code';
import {
  CONFLICT_CHOICES,
  type ConflictChoice,
  TRANSFER_STATES,
  type Transfer,
  TransferConflictSchema,
  TransferOutcomeSchema,
} from '../../../shared/ipc/transfers-ipc';
import type { DoneFile } from './transfer-run';
import type { FoundConflict } from './resolving-copy';

const SCHEMA_VERSION = 2;

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

// Version 2: conflicts. A transfer's open questions and outcome, files left as they were, the user's answers.
const CONFLICTS = `
ALTER TABLE transfers ADD COLUMN files_skipped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE transfers ADD COLUMN outcome TEXT;
ALTER TABLE transfers ADD COLUMN questions TEXT;
ALTER TABLE transfer_files ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0;
CREATE TABLE transfer_answers (
  transfer_id TEXT NOT NULL REFERENCES transfers(id) ON DELETE CASCADE,
  source_path TEXT NOT NULL,
  choice TEXT NOT NULL,
  PRIMARY KEY (transfer_id, source_path)
);
CREATE TABLE batch_answers (batch_id TEXT PRIMARY KEY, choice TEXT NOT NULL);
`;

const QuestionsSchema = z.array(TransferConflictSchema.omit({ more: true }));

/** The fields of a transfer the journal keeps (rate and ETA are live only), with all its open questions. */
export type JournalEntry = Omit<Transfer, 'bytesPerSecond' | 'etaSeconds' | 'conflict'> & {
  readonly questions: readonly FoundConflict[];
};

type Row = Record<string, SQLInputValue>;

/** What may change after a transfer was written. */
export type JournalChange = Partial<
  Pick<
    JournalEntry,
    'kind' | 'state' | 'bytes' | 'total' | 'files' | 'verification' | 'outcome' | 'error' | 'finishedAt' | 'questions'
  >
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
    this.transaction(() => {
      this.db.exec(SCHEMA);
      if (version < 2) this.db.exec(CONFLICTS);
      this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    });
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
        destination_path, kind, state, bytes, total, files_done, files_failed, files_skipped, verification, outcome,
        questions, error, created_at, finished_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
          e.files.skipped,
          e.verification,
          json(e.outcome),
          e.questions.length === 0 ? null : JSON.stringify(e.questions),
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
      set('files_skipped', change.files.skipped);
    }
    if (change.verification !== undefined) set('verification', change.verification);
    if (change.outcome !== undefined) set('outcome', json(change.outcome));
    if (change.questions !== undefined) {
      set('questions', change.questions.length === 0 ? null : JSON.stringify(change.questions));
    }
    if (change.error !== undefined) set('error', change.error === null ? null : JSON.stringify(change.error));
    if (change.finishedAt !== undefined) set('finished_at', change.finishedAt);
    if (columns.length === 0) return;
    this.db.prepare(`UPDATE transfers SET ${columns.join(', ')} WHERE id = ?`).run(...values, id);
  }

  /** Forgets transfers (their finished files and answers), and the answers of batches left with no transfer. */
  remove(ids: readonly string[]): void {
    const remove = this.db.prepare('DELETE FROM transfers WHERE id = ?');
    this.transaction(() => {
      ids.forEach((id) => remove.run(id));
      this.db.exec('DELETE FROM batch_answers WHERE batch_id NOT IN (SELECT batch_id FROM transfers)');
    });
  }

  /** Records a file a folder copy handled (source path, size, whether it was left as it was). */
  fileDone(id: string, path: string, file: DoneFile): void {
    this.db
      .prepare('INSERT OR REPLACE INTO transfer_files (transfer_id, path, size, skipped) VALUES (?, ?, ?, ?)')
      .run(id, path, file.size, file.skipped ? 1 : 0);
  }

  /** The files a folder copy handled, by source path. */
  doneFiles(id: string): Map<string, DoneFile> {
    const rows = this.db.prepare('SELECT path, size, skipped FROM transfer_files WHERE transfer_id = ?').all(id) as {
      path: string;
      size: number;
      skipped: number;
    }[];
    return new Map(rows.map((r) => [r.path, { size: r.size, skipped: r.skipped === 1 }]));
  }

  /** Remembers the user's answer about one file of a transfer (kept until the transfer is cleared). */
  answer(id: string, sourcePath: string, choice: ConflictChoice): void {
    this.db
      .prepare('INSERT OR REPLACE INTO transfer_answers (transfer_id, source_path, choice) VALUES (?, ?, ?)')
      .run(id, sourcePath, choice);
  }

  /** The user's answers for a transfer's files, by source path. */
  answers(id: string): Map<string, ConflictChoice> {
    const rows = this.db.prepare('SELECT source_path, choice FROM transfer_answers WHERE transfer_id = ?').all(id);
    return new Map(rows.flatMap((r) => (isChoice(r['choice']) ? [[String(r['source_path']), r['choice']]] : [])));
  }

  /** Remembers an "apply to all" answer for every later conflict of a batch. */
  setBatchAnswer(batchId: string, choice: ConflictChoice): void {
    this.db.prepare('INSERT OR REPLACE INTO batch_answers (batch_id, choice) VALUES (?, ?)').run(batchId, choice);
  }

  /** Every batch's "apply to all" answer. */
  batchAnswers(): Map<string, ConflictChoice> {
    const rows = this.db.prepare('SELECT batch_id, choice FROM batch_answers').all();
    return new Map(rows.flatMap((r) => (isChoice(r['choice']) ? [[String(r['batch_id']), r['choice']]] : [])));
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
  const outcome =
    typeof row['outcome'] === 'string' ? TransferOutcomeSchema.safeParse(JSON.parse(row['outcome'])) : null;
  const questions =
    typeof row['questions'] === 'string' ? QuestionsSchema.safeParse(JSON.parse(row['questions'])) : null;
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
    files: {
      done: Number(row['files_done']),
      failed: Number(row['files_failed']),
      skipped: Number(row['files_skipped']),
    },
    verification: typeof row['verification'] === 'string' ? row['verification'] : null,
    outcome: outcome?.success ? outcome.data : null,
    questions: questions?.success ? questions.data : [],
    error: error?.success ? error.data : null,
    createdAt: Number(row['created_at']),
    finishedAt: row['finished_at'] === null ? null : Number(row['finished_at']),
  };
}

function json(value: unknown): string | null {
  return value === null ? null : JSON.stringify(value);
}

function isChoice(value: unknown): value is ConflictChoice {
  return CONFLICT_CHOICES.some((c) => c === value);
}
