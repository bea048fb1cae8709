import { and, eq, lt } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { auditEvents, auditRefusalBudget } from '../db/schema';
import { newEventId, recordAudit, type AuditEntry } from './audit-log';

/** Refusals of one caller written one by one to an organisation's audit log per window. */
export interface RefusalBudget {
  readonly perWindow: number;
  readonly windowMs: number;
}

/** The action of the event that counts a caller's refusals beyond the budget. */
export const REFUSALS_SUMMARY_ACTION = 'audit.refusals-summarised';

declare module 'fastify' {
  interface FastifyInstance {
    /** How many refusals of one caller the audit log takes one by one (set by buildApp). */
    auditRefusals?: RefusalBudget;
  }
}

const summaryReason = (count: number, since: Date) =>
  `${count} more refused request${count === 1 ? '' : 's'} of this caller since ${since.toISOString()}, not recorded one by one`;

/**
 * Records a refusal in an organisation's audit log unless the caller already used its budget for the window; beyond
 * it, one summary event per window counts the rest (updated in place), so a flood writes a bounded number of rows.
 * The budget row is locked, so servers sharing the database keep one count.
 */
export async function recordBoundedRefusal(
  db: Executor,
  entry: AuditEntry & { readonly orgId: string },
  caller: string,
  budget: RefusalBudget,
): Promise<void> {
  const now = entry.at;
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(auditRefusalBudget)
      .values({ orgId: entry.orgId, caller, windowStart: now, written: 0, suppressed: 0, summaryEventId: null })
      .onConflictDoNothing()
      .returning({ caller: auditRefusalBudget.caller });
    if (inserted.length > 0) {
      // A new caller: forget callers of this organisation whose window ended long ago.
      await tx
        .delete(auditRefusalBudget)
        .where(
          and(
            eq(auditRefusalBudget.orgId, entry.orgId),
            lt(auditRefusalBudget.windowStart, new Date(now.getTime() - 2 * budget.windowMs)),
          ),
        );
    }
    const key = and(eq(auditRefusalBudget.orgId, entry.orgId), eq(auditRefusalBudget.caller, caller));
    const [row] = await tx.select().from(auditRefusalBudget).where(key).for('update');
    const fresh = !row || row.windowStart.getTime() + budget.windowMs <= now.getTime();
    const state = fresh
      ? { windowStart: now, written: 0, suppressed: 0, summaryEventId: null as string | null }
      : {
          windowStart: row.windowStart,
          written: row.written,
          suppressed: row.suppressed,
          summaryEventId: row.summaryEventId,
        };
    if (state.written < budget.perWindow) {
      await recordAudit(tx, entry);
      state.written += 1;
    } else {
      state.suppressed += 1;
      const reason = summaryReason(state.suppressed, state.windowStart);
      if (state.summaryEventId === null) {
        state.summaryEventId = newEventId(now.getTime());
        await tx.insert(auditEvents).values({
          ...entry,
          id: state.summaryEventId,
          action: REFUSALS_SUMMARY_ACTION,
          targetType: null,
          targetId: null,
          reason,
        });
      } else {
        await tx.update(auditEvents).set({ at: now, reason }).where(eq(auditEvents.id, state.summaryEventId));
      }
    }
    await tx.update(auditRefusalBudget).set(state).where(key);
  });
}
