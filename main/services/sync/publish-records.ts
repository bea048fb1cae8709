// The publishing side's records in the sync ledger: observations (what scans saw) and what was published.
import type { SQLInputValue, StatementSync } from 'node:sqlite';
import type { Entry } from '../../../connectors/driver';
import type { SyncLedger } from './sync-ledger';

/** How a file looks without reading it: what decides whether it changed (and must be hashed again). */
export interface FileLook {
  readonly size: number;
  readonly mtimeMs: number | null;
  /** The storage's own digests (an S3 ETag's MD5...) as one comparable string, or null without any. */
  readonly etag: string | null;
}

/** What a publish scan last saw of a file (`path` is relative to the binding's folder). */
export interface Observation extends FileLook {
  readonly path: string;
  /** SHA-256 of the bytes while the file looked like this; null until hashed (a new look forgets it). */
  readonly sha256: string | null;
  readonly firstSeenAt: number;
  readonly lastSeenAt: number;
  /**
   * 0: a new or changed look, not taken yet; 1 and more: the file looked the same twice (stable);
   * REFUSED_NAME: a name path safety refused, reported once.
   */
  readonly stableLooks: number;
}

/** A record of a file published to the binding's offer. */
export interface PublishedRecord {
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly offerFileId: string | null;
  readonly uploadUrl: string | null;
  readonly publishedAt: number;
}

/** `stable_looks` of an observation that records a name path safety refused (never a file to take). */
export const REFUSED_NAME = -1;

/** Observations read per page by the settle and take phases (bounded memory whatever the folder holds). */
export const OBSERVATION_PAGE = 200;

type Row = Record<string, SQLInputValue>;

/** The look of a listed file. */
export function lookOf(entry: Entry): FileLook {
  const hashes = entry.hashes ?? {};
  const names = Object.keys(hashes).sort();
  return {
    size: entry.size ?? 0,
    mtimeMs: entry.mtimeMs ?? null,
    etag: names.length === 0 ? null : names.map((name) => `${name}:${hashes[name as keyof typeof hashes]}`).join(','),
  };
}

/** Whether two looks are the same: size, mtime and ETag. */
export function sameLook(a: FileLook, b: FileLook): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.etag === b.etag;
}

/** Typed queries of the publish records of one ledger (each call is one statement, committed at once). */
export class PublishRecords {
  private readonly statements = new Map<string, StatementSync>();
  // Statements are compiled once per ledger: a scan runs the same few for every file.
  private readonly db = {
    prepare: (sql: string): StatementSync => {
      let statement = this.statements.get(sql);
      if (statement === undefined) {
        statement = this.ledger.db.prepare(sql);
        this.statements.set(sql, statement);
      }
      return statement;
    },
  };

  constructor(private readonly ledger: SyncLedger) {}

  /** The observation of `path`, if any. */
  observation(bindingId: string, path: string): Observation | undefined {
    const row = this.db.prepare('SELECT * FROM observations WHERE binding_id = ? AND path = ?').get(bindingId, path);
    return row === undefined ? undefined : observationOf(row);
  }

  /** Records a new look of `path` (first seen or changed): not stable, its SHA-256 unknown. */
  observe(bindingId: string, path: string, look: FileLook, at: number): void {
    this.db
      .prepare(
        `INSERT INTO observations (binding_id, path, size, mtime_ms, etag, sha256, first_seen_at, last_seen_at,
           stable_looks) VALUES (?, ?, ?, ?, ?, NULL, ?, ?, 0)
         ON CONFLICT (binding_id, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms,
           etag = excluded.etag, sha256 = NULL, last_seen_at = excluded.last_seen_at, stable_looks = 0`,
      )
      .run(bindingId, path, look.size, look.mtimeMs, look.etag, at, at);
  }

  /**
   * Records a page of a scan in one transaction: each path's look is new or changed (observed afresh) or the same as
   * last time (one more stable look). One commit per page, not per file: a 100,000-file folder rescans in well under
   * a second instead of paying a synchronous commit for every file.
   */
  recordLooks(
    bindingId: string,
    looks: readonly { readonly path: string; readonly look: FileLook }[],
    at: number,
  ): void {
    if (looks.length === 0) return;
    this.ledger.transaction(() => {
      for (const { path, look } of looks) {
        const observation = this.observation(bindingId, path);
        if (observation === undefined || observation.stableLooks < 0 || !sameLook(observation, look)) {
          this.observe(bindingId, path, look, at);
        } else this.seenAgain(bindingId, path, at);
      }
    });
  }

  /** Records that `path` still looks as observed (one more stable look). */
  seenAgain(bindingId: string, path: string, at: number): void {
    this.db
      .prepare(
        `UPDATE observations SET last_seen_at = ?, stable_looks = stable_looks + 1
         WHERE binding_id = ? AND path = ? AND stable_looks >= 0`,
      )
      .run(at, bindingId, path);
  }

  /** Records a name path safety refused (so it is reported once, never taken). */
  refused(bindingId: string, path: string, at: number): void {
    this.db
      .prepare(
        `INSERT INTO observations (binding_id, path, size, mtime_ms, etag, sha256, first_seen_at, last_seen_at,
           stable_looks) VALUES (?, ?, 0, NULL, NULL, NULL, ?, ?, ?)
         ON CONFLICT (binding_id, path) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
      )
      .run(bindingId, path, at, at, REFUSED_NAME);
  }

  /** Remembers the SHA-256 of `path` while it still looks as hashed (a newer look keeps its own, unknown). */
  setSha256(bindingId: string, path: string, look: FileLook, sha256: string): void {
    this.db
      .prepare(
        `UPDATE observations SET sha256 = ? WHERE binding_id = ? AND path = ? AND size = ?
           AND mtime_ms IS ? AND etag IS ?`,
      )
      .run(sha256, bindingId, path, look.size, look.mtimeMs, look.etag);
  }

  /** New or changed looks recorded since `since`, after `afterPath` in path order: the settle phase's candidates. */
  candidates(bindingId: string, since: number, afterPath: string, limit = OBSERVATION_PAGE): Observation[] {
    return this.db
      .prepare(
        `SELECT * FROM observations WHERE binding_id = ? AND last_seen_at >= ? AND stable_looks = 0 AND path > ?
         ORDER BY path LIMIT ?`,
      )
      .all(bindingId, since, afterPath, limit)
      .map(observationOf);
  }

  /**
   * Stable files seen since `since` (after `afterPath` in path order) not published with their known SHA-256: the
   * files to take (those not hashed yet included).
   */
  takeable(bindingId: string, since: number, afterPath: string, limit = OBSERVATION_PAGE): Observation[] {
    return this.db
      .prepare(
        `SELECT o.* FROM observations o WHERE o.binding_id = ? AND o.last_seen_at >= ? AND o.stable_looks >= 1
           AND o.path > ? AND NOT EXISTS (SELECT 1 FROM published p WHERE p.binding_id = o.binding_id
             AND p.path = o.path AND p.sha256 = o.sha256)
         ORDER BY o.path LIMIT ?`,
      )
      .all(bindingId, since, afterPath, limit)
      .map(observationOf);
  }

  /**
   * Observations not published with their known SHA-256 (those not hashed yet included), after `afterPath` in path
   * order: what a run that looks only at the source's changes must still look at again (waiting, failed, stopped).
   */
  unfinished(bindingId: string, afterPath: string, limit = OBSERVATION_PAGE): Observation[] {
    return this.db
      .prepare(
        `SELECT o.* FROM observations o WHERE o.binding_id = ? AND o.stable_looks >= 0 AND o.path > ?
           AND NOT EXISTS (SELECT 1 FROM published p WHERE p.binding_id = o.binding_id
             AND p.path = o.path AND p.sha256 = o.sha256)
         ORDER BY o.path LIMIT ?`,
      )
      .all(bindingId, afterPath, limit)
      .map(observationOf);
  }

  /** Whether these bytes were published under this path by the binding. */
  isPublished(bindingId: string, path: string, sha256: string): boolean {
    return (
      this.db
        .prepare('SELECT 1 FROM published WHERE binding_id = ? AND path = ? AND sha256 = ?')
        .get(bindingId, path, sha256) !== undefined
    );
  }

  /** What the binding published under `path`, oldest first. */
  publishedAt(bindingId: string, path: string): PublishedRecord[] {
    return this.db
      .prepare('SELECT * FROM published WHERE binding_id = ? AND path = ? ORDER BY id')
      .all(bindingId, path)
      .map(publishedOf);
  }

  /** Everything the binding published, oldest first. */
  allPublished(bindingId: string): PublishedRecord[] {
    return this.db.prepare('SELECT * FROM published WHERE binding_id = ? ORDER BY id').all(bindingId).map(publishedOf);
  }

  /** Records a published file (once per binding, path and SHA-256: a second record of it changes nothing). */
  recordPublished(bindingId: string, record: PublishedRecord): void {
    this.db
      .prepare(
        `INSERT INTO published (binding_id, path, size, sha256, offer_file_id, upload_url, published_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (binding_id, path, sha256) DO NOTHING`,
      )
      .run(
        bindingId,
        record.path,
        record.size,
        record.sha256,
        record.offerFileId,
        record.uploadUrl,
        record.publishedAt,
      );
  }
}

function numberOrNull(value: SQLInputValue | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

function observationOf(row: Row): Observation {
  return {
    path: row['path'] as string,
    size: Number(row['size']),
    mtimeMs: numberOrNull(row['mtime_ms']),
    etag: (row['etag'] as string | null) ?? null,
    sha256: (row['sha256'] as string | null) ?? null,
    firstSeenAt: Number(row['first_seen_at']),
    lastSeenAt: Number(row['last_seen_at']),
    stableLooks: Number(row['stable_looks']),
  };
}

function publishedOf(row: Row): PublishedRecord {
  return {
    path: row['path'] as string,
    size: Number(row['size']),
    sha256: row['sha256'] as string,
    offerFileId: (row['offer_file_id'] as string | null) ?? null,
    uploadUrl: (row['upload_url'] as string | null) ?? null,
    publishedAt: Number(row['published_at']),
  };
}
