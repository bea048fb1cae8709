import { and, asc, desc, eq, gt, gte, like, lt, lte, or, type SQL } from 'drizzle-orm';
import {
  auditActionPrefix,
  type AuditEvent,
  type AuditExportQuery,
  type AuditOutcome,
  type ListAuditQuery,
  type PrincipalType,
} from '../../shared/platform';
import { auditEvents, organisations } from '../db/schema';
import type { Executor } from '../db/database';
import { countRows } from '../db/count-rows';
import { newId } from '../auth/secret-token';

/** One event to record: who did what to which target, from where, and how it ended. */
export interface AuditEntry {
  readonly orgId: string | null;
  readonly at: Date;
  readonly principalType: PrincipalType;
  readonly principalId: string | null;
  readonly principalLabel: string | null;
  readonly action: string;
  readonly targetType: string | null;
  readonly targetId: string | null;
  /** The target's human name at the time (absent when the recorder knows none). */
  readonly targetLabel?: string | null;
  readonly ip: string | null;
  readonly outcome: AuditOutcome;
  readonly reason: string | null;
}

let lastMs = 0;
let sequence = 0;

/**
 * An audit event id that sorts in recording order (milliseconds, then a per-process counter, then randomness), so
 * events with the same timestamp still list in the order they happened.
 */
export function newEventId(now = Date.now()): string {
  sequence = now === lastMs ? sequence + 1 : 0;
  lastMs = now;
  return `evt_${now.toString(36).padStart(9, '0')}${sequence.toString(36).padStart(4, '0')}${newId('').slice(1)}`;
}

/** Appends an event to the audit log (inside the caller's transaction when given one). */
export async function recordAudit(db: Executor, entry: AuditEntry): Promise<void> {
  await db.insert(auditEvents).values({ id: newEventId(), ...entry });
}

// The schema admits only [a-z0-9.-] before the `.*`, so the prefix holds no LIKE wildcard to escape.
function actionFilter(filter: string): SQL {
  const prefix = auditActionPrefix(filter);
  return prefix === undefined ? eq(auditEvents.action, filter) : like(auditEvents.action, `${prefix}%`);
}

function filters(orgId: string, query: AuditExportQuery): SQL | undefined {
  return and(
    eq(auditEvents.orgId, orgId),
    query.action !== undefined ? actionFilter(query.action) : undefined,
    query.outcome !== undefined ? eq(auditEvents.outcome, query.outcome) : undefined,
    query.principalId !== undefined ? eq(auditEvents.principalId, query.principalId) : undefined,
    query.targetId !== undefined ? eq(auditEvents.targetId, query.targetId) : undefined,
    query.from !== undefined ? gte(auditEvents.at, new Date(query.from)) : undefined,
    query.to !== undefined ? lte(auditEvents.at, new Date(query.to)) : undefined,
  );
}

function toApi(row: typeof auditEvents.$inferSelect): AuditEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    principalType: row.principalType,
    principalId: row.principalId,
    principalLabel: row.principalLabel,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    targetLabel: row.targetLabel,
    ip: row.ip,
    outcome: row.outcome,
    reason: row.reason,
  };
}

/** A filtered, sorted page of an organisation's audit events and the total matching. */
export async function listAudit(
  db: Executor,
  orgId: string,
  query: ListAuditQuery,
): Promise<{ items: AuditEvent[]; total: number }> {
  const where = filters(orgId, query);
  const direction = query.order === 'asc' ? asc : desc;
  const column = query.sort === 'action' ? auditEvents.action : auditEvents.at;
  const rows = await db
    .select()
    .from(auditEvents)
    .where(where)
    .orderBy(direction(column), direction(auditEvents.at), direction(auditEvents.id))
    .limit(query.limit)
    .offset(query.offset);
  return { items: rows.map(toApi), total: await countRows(db, auditEvents, where) };
}

/** Events per query of allAudit: one page is all the export holds in memory. */
export const AUDIT_PAGE_SIZE = 500;

/**
 * Every event matching the filters, oldest first, fetched a page at a time as the caller pulls (for the CSV
 * export). Pages continue after the last event seen (keyset), so events added or purged meanwhile shift nothing.
 */
export async function* allAudit(
  db: Executor,
  orgId: string,
  query: AuditExportQuery,
  pageSize = AUDIT_PAGE_SIZE,
): AsyncGenerator<AuditEvent> {
  const where = filters(orgId, query);
  let last: { readonly at: Date; readonly id: string } | undefined;
  for (;;) {
    const after =
      last === undefined
        ? undefined
        : or(gt(auditEvents.at, last.at), and(eq(auditEvents.at, last.at), gt(auditEvents.id, last.id)));
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(where, after))
      .orderBy(asc(auditEvents.at), asc(auditEvents.id))
      .limit(pageSize);
    for (const row of rows) yield toApi(row);
    const tail = rows.at(-1);
    if (tail === undefined || rows.length < pageSize) return;
    last = { at: tail.at, id: tail.id };
  }
}

/** Deletes an organisation's events older than its retention; returns how many went. */
export async function purgeAudit(db: Executor, orgId: string, now: Date): Promise<number> {
  const [org] = await db
    .select({ days: organisations.auditRetentionDays })
    .from(organisations)
    .where(eq(organisations.id, orgId));
  if (!org) return 0;
  const cutoff = new Date(now.getTime() - org.days * 86_400_000);
  const gone = await db
    .delete(auditEvents)
    .where(and(eq(auditEvents.orgId, orgId), lt(auditEvents.at, cutoff)))
    .returning({ id: auditEvents.id });
  return gone.length;
}

/** Purges every organisation's events past its retention (run at start and on a timer). */
export async function purgeAllAudit(db: Executor, now: Date): Promise<number> {
  const orgs = await db.select({ id: organisations.id }).from(organisations);
  let total = 0;
  for (const org of orgs) total += await purgeAudit(db, org.id, now);
  return total;
}
