// The deliver side's records in the sync ledger: what was delivered where, acknowledged, asked again.
import type { SyncLedger } from './sync-ledger';

/** One file a deliver binding placed in its folder (the ledger's second phase: written after the receipt). */
export interface DeliveredRecord {
  readonly bindingId: string;
  readonly fileId: string;
  /** The file's feed position. */
  readonly seq: number;
  /** Where it was placed in the my-connector (a conflict copy's path when a different file had the name). */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly conflict: boolean;
  readonly receiptPath: string | null;
  /** Milliseconds since the epoch. */
  readonly deliveredAt: number;
}

interface DeliveredRow {
  binding_id: string;
  file_id: string;
  seq: number;
  path: string;
  size: number;
  sha256: string;
  conflict: number;
  receipt_path: string | null;
  delivered_at: number;
}

const COLUMNS = 'binding_id, file_id, seq, path, size, sha256, conflict, receipt_path, delivered_at';

function toRecord(row: DeliveredRow): DeliveredRecord {
  return {
    bindingId: row.binding_id,
    fileId: row.file_id,
    seq: Number(row.seq),
    path: row.path,
    size: Number(row.size),
    sha256: row.sha256,
    conflict: Number(row.conflict) !== 0,
    receiptPath: row.receipt_path,
    deliveredAt: Number(row.delivered_at),
  };
}

// The latest redelivery asked of a file, when it came after its delivery (the delivery is to be made again).
const LATER_ASK = `EXISTS (SELECT 1 FROM redeliveries r WHERE r.binding_id = d.binding_id AND r.file_id = d.file_id
  AND r.asked_at > d.delivered_at)`;

/** The delivered record of a file, if any. */
export function deliveredRecord(ledger: SyncLedger, bindingId: string, fileId: string): DeliveredRecord | undefined {
  const row = ledger.db
    .prepare(`SELECT ${COLUMNS} FROM delivered WHERE binding_id = ? AND file_id = ?`)
    .get(bindingId, fileId) as DeliveredRow | undefined;
  return row === undefined ? undefined : toRecord(row);
}

/** Whether a file is to be delivered: never delivered by this binding, or a redelivery was asked since. */
export function needsDelivery(ledger: SyncLedger, bindingId: string, fileId: string): boolean {
  const row = ledger.db
    .prepare(`SELECT ${LATER_ASK} AS again FROM delivered d WHERE d.binding_id = ? AND d.file_id = ?`)
    .get(bindingId, fileId) as { again: number } | undefined;
  return row === undefined || Number(row.again) !== 0;
}

/** Records a delivery (a redelivery replaces the earlier record of the same file: its new path and time). */
export function recordDelivered(ledger: SyncLedger, record: Omit<DeliveredRecord, 'deliveredAt'>): DeliveredRecord {
  const deliveredAt = ledger.now();
  ledger.db
    .prepare(
      `INSERT INTO delivered (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (binding_id, file_id) DO UPDATE SET seq = excluded.seq, path = excluded.path,
         size = excluded.size, sha256 = excluded.sha256, conflict = excluded.conflict,
         receipt_path = excluded.receipt_path, delivered_at = excluded.delivered_at`,
    )
    .run(
      record.bindingId,
      record.fileId,
      record.seq,
      record.path,
      record.size,
      record.sha256,
      record.conflict ? 1 : 0,
      record.receiptPath,
      deliveredAt,
    );
  return { ...record, deliveredAt };
}

/**
 * Asks for a delivered file to be delivered again on the next run (the user deleted it and wants it back); false
 * when the binding never delivered that file (the next run delivers it anyway).
 */
export function askRedelivery(ledger: SyncLedger, bindingId: string, fileId: string): boolean {
  const record = deliveredRecord(ledger, bindingId, fileId);
  if (record === undefined) return false;
  // Strictly after the delivery, even within the same millisecond, so the ask is never taken as already served.
  const askedAt = Math.max(ledger.now(), record.deliveredAt + 1);
  ledger.db
    .prepare('INSERT OR IGNORE INTO redeliveries (binding_id, file_id, asked_at) VALUES (?, ?, ?)')
    .run(bindingId, fileId, askedAt);
  return true;
}

/** Delivered files of a binding with a redelivery asked since, in feed order. */
export function pendingRedeliveries(ledger: SyncLedger, bindingId: string): DeliveredRecord[] {
  const rows = ledger.db
    .prepare(`SELECT ${COLUMNS} FROM delivered d WHERE d.binding_id = ? AND ${LATER_ASK} ORDER BY d.seq`)
    .all(bindingId) as unknown as DeliveredRow[];
  return rows.map(toRecord);
}

/** Whether the platform was told of the file's delivery. */
export function isAcknowledged(ledger: SyncLedger, bindingId: string, fileId: string): boolean {
  return (
    ledger.db.prepare('SELECT 1 FROM acks WHERE binding_id = ? AND file_id = ?').get(bindingId, fileId) !== undefined
  );
}

/** Records that the platform took the acknowledgement of a file's delivery. */
export function recordAcknowledged(ledger: SyncLedger, bindingId: string, fileId: string): void {
  ledger.db
    .prepare('INSERT OR IGNORE INTO acks (binding_id, file_id, acked_at) VALUES (?, ?, ?)')
    .run(bindingId, fileId, ledger.now());
}

/** Delivered files the platform was not told of yet (an acknowledgement failed or was cut), in feed order. */
export function unacknowledged(ledger: SyncLedger, bindingId: string, limit = 500): DeliveredRecord[] {
  const rows = ledger.db
    .prepare(
      `SELECT ${COLUMNS} FROM delivered d WHERE d.binding_id = ?
         AND NOT EXISTS (SELECT 1 FROM acks a WHERE a.binding_id = d.binding_id AND a.file_id = d.file_id)
       ORDER BY d.seq LIMIT ?`,
    )
    .all(bindingId, limit) as unknown as DeliveredRow[];
  return rows.map(toRecord);
}

/**
 * Whether the binding's activity already holds a warning with this reason (a warning meant once, such as the
 * acquisition's end). Read-only on the activity table, which the activity log owns: the ledger has no column for it.
 */
export function warnedBefore(ledger: SyncLedger, bindingId: string, reason: string): boolean {
  return (
    ledger.db
      .prepare("SELECT 1 FROM activity WHERE binding_id = ? AND kind = 'warning' AND reason = ? LIMIT 1")
      .get(bindingId, reason) !== undefined
  );
}
