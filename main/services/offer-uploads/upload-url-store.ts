import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync, type SQLInputValue } from 'node:sqlite';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS uploads (
  key TEXT PRIMARY KEY,
  fingerprint TEXT NOT NULL,
  upload_url TEXT,
  parallel_upload_urls TEXT,
  size INTEGER,
  metadata TEXT NOT NULL,
  creation_time TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS uploads_by_fingerprint ON uploads (fingerprint, created_at);
`;

/** How long an unfinished upload is remembered: the platform expires unfinished uploads well before a month. */
export const UPLOAD_URL_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** The file name of the store in the app's data folder. */
export const UPLOAD_URL_STORE_FILE = 'offer-uploads.sqlite';

type Row = Record<string, SQLInputValue>;

/** Where the app keeps its offer upload store, in its data folder. */
export function uploadUrlStorePath(dataDir: string): string {
  return path.join(dataDir, UPLOAD_URL_STORE_FILE);
}

/**
 * Where unfinished offer uploads remember their tus URL (node:sqlite, WAL), keyed by fingerprint, so a new process
 * finds the upload again and continues from the server's offset: tus-js-client's UrlStorage.
 */
export class UploadUrlStore implements UrlStorage {
  private readonly db: DatabaseSync;

  /** Opens (or creates) the store at `file` (':memory:' for a throwaway one) and forgets entries past `maxAgeMs`. */
  constructor(
    file: string,
    private readonly now: () => number = Date.now,
    maxAgeMs = UPLOAD_URL_MAX_AGE_MS,
  ) {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    this.db = new DatabaseSync(file);
    this.db.exec('PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 2000;');
    const { user_version: version } = this.db.prepare('PRAGMA user_version').get() as { user_version: number };
    if (version > SCHEMA_VERSION) {
      this.db.close();
      throw new Error(`The offer upload store ${file} comes from a newer Ferry (schema ${version}).`);
    }
    this.db.exec(SCHEMA);
    this.db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
    this.prune(maxAgeMs);
  }

  /** Every remembered upload, oldest first. */
  findAllUploads(): Promise<PreviousUpload[]> {
    const rows = this.db.prepare('SELECT * FROM uploads ORDER BY created_at, rowid').all() as Row[];
    return Promise.resolve(rows.map(previousUploadOf));
  }

  /** The uploads remembered for a fingerprint, newest first (the one to resume). */
  findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    const rows = this.db
      .prepare('SELECT * FROM uploads WHERE fingerprint = ? ORDER BY created_at DESC, rowid DESC')
      .all(fingerprint) as Row[];
    return Promise.resolve(rows.map(previousUploadOf));
  }

  /** Forgets one upload by the key `addUpload` returned. */
  removeUpload(urlStorageKey: string): Promise<void> {
    this.db.prepare('DELETE FROM uploads WHERE key = ?').run(urlStorageKey);
    return Promise.resolve();
  }

  /** Remembers an upload's URL under a fingerprint; returns its key. */
  addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const key = randomUUID();
    this.db
      .prepare(
        `INSERT INTO uploads (key, fingerprint, upload_url, parallel_upload_urls, size, metadata, creation_time,
          created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        key,
        fingerprint,
        upload.uploadUrl ?? null,
        upload.parallelUploadUrls == null ? null : JSON.stringify(upload.parallelUploadUrls),
        upload.size ?? null,
        JSON.stringify(upload.metadata ?? {}),
        upload.creationTime ?? new Date(this.now()).toString(),
        this.now(),
      );
    return Promise.resolve(key);
  }

  /** Forgets every upload of a fingerprint (a finished or refused upload never resumes). */
  removeByFingerprint(fingerprint: string): void {
    this.db.prepare('DELETE FROM uploads WHERE fingerprint = ?').run(fingerprint);
  }

  /** Forgets uploads remembered longer than `maxAgeMs` ago; returns how many. */
  prune(maxAgeMs = UPLOAD_URL_MAX_AGE_MS): number {
    const result = this.db.prepare('DELETE FROM uploads WHERE created_at < ?').run(this.now() - maxAgeMs);
    return Number(result.changes);
  }

  /** Closes the database. */
  close(): void {
    if (this.db.isOpen) this.db.close();
  }
}

function previousUploadOf(row: Row): PreviousUpload {
  return {
    urlStorageKey: row['key'] as string,
    uploadUrl: (row['upload_url'] as string | null) ?? null,
    parallelUploadUrls:
      row['parallel_upload_urls'] === null ? null : (JSON.parse(row['parallel_upload_urls'] as string) as string[]),
    size: row['size'] === null ? null : Number(row['size']),
    metadata: JSON.parse(row['metadata'] as string) as Record<string, string>,
    creationTime: row['creation_time'] as string,
  };
}
