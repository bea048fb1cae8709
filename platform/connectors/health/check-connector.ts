import { and, eq, sql } from 'drizzle-orm';
import type { CheckReport } from '../../../shared/connectors/check-report';
import { ConnectorError } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { orgConnectors } from '../../db/schema';
import { ApiError } from '../../http/api-error';
import type { PlatformContext } from '../../platform-context';
import { auditSystemEvent } from '../../audit/system-audit';
import { notify } from '../../notifications/notify';
import { adminsOf, ownerPersonOf } from '../../notifications/notification-recipients';
import type { Executor } from '../../db/database';
import { needsIdentity } from '../connector-views';
import { refreshCredentialExpiry, warnCredentialExpiry } from './credential-expiry-watch';

/** The audit action of a connector paused by its checks. */
export const CONNECTOR_PAUSED_ACTION = 'connectors.paused';

/** Opens an organisation connector for a check (openOrgConnector; tests may count or slow it). */
export type OpenConnector = (orgId: string, connectorId: string) => Promise<Driver>;

/** What a daily check needs besides the context. */
export interface ConnectorCheckDeps {
  readonly ctx: PlatformContext;
  readonly open: OpenConnector;
  /** Failed checks in a row after which the connector is paused. */
  readonly pauseAfter: number;
  /** How long one check may take before it counts as failed. */
  readonly timeoutMs: number;
}

/** How one check ended, for the caller's log. */
export type ConnectorCheckOutcome =
  | { readonly kind: 'skipped'; readonly why: 'gone' | 'paused' | 'identity not confirmed' }
  | { readonly kind: 'ok' }
  | { readonly kind: 'failed'; readonly failures: number; readonly paused: boolean };

const REASON_MAX = 1000;

/** Why a check failed, from its first failed step: what happened, then what to do (drivers never put secrets here). */
export function failureReasonOf(report: CheckReport): string {
  const step = report.steps.find((s) => s.status === 'failed');
  if (step === undefined) return 'The check failed.';
  const text = `${step.label}: ${step.detail}${step.hint === undefined ? '' : ` ${step.hint}`}`;
  return text.length > REASON_MAX ? `${text.slice(0, REASON_MAX - 1)}…` : text;
}

// A refusal to open (needs its secrets again, unusable kind, identity not confirmed) is a failed check like a
// storage's refusal; anything else (database, vault keys) fails the job, which is retried.
function refusalReport(error: ApiError | ConnectorError): CheckReport {
  return {
    ok: false,
    steps: [
      {
        id: 'resolve',
        label: 'Open the connector',
        status: 'failed',
        detail: error.message,
        ...(error instanceof ConnectorError && error.hint !== undefined ? { hint: error.hint } : {}),
        durationMs: 0,
      },
    ],
  };
}

async function runCheck(deps: ConnectorCheckDeps, orgId: string, connectorId: string): Promise<CheckReport> {
  let driver: Driver;
  try {
    driver = await deps.open(orgId, connectorId);
  } catch (error) {
    if (error instanceof ApiError || error instanceof ConnectorError) return refusalReport(error);
    throw error;
  }
  try {
    // Read-only: a daily check never writes a probe file into someone's storage.
    return await driver.check({ write: false, signal: AbortSignal.timeout(deps.timeoutMs) });
  } finally {
    await driver.close().catch(() => undefined);
  }
}

async function pause(db: Executor, at: Date, row: typeof orgConnectors.$inferSelect, reason: string, failures: number) {
  const paused = await db
    .update(orgConnectors)
    .set({ status: 'paused', pausedReason: reason, pausedAt: at })
    .where(and(eq(orgConnectors.id, row.id), eq(orgConnectors.status, 'active')))
    .returning({ id: orgConnectors.id });
  if (paused.length === 0) return false;
  const target = { type: 'connector', id: row.id };
  await auditSystemEvent(db, at, {
    orgId: row.orgId,
    action: CONNECTOR_PAUSED_ACTION,
    target,
    reason: `${failures} failed checks in a row: ${reason}`,
  });
  const owner = await ownerPersonOf(db, row.orgId, 'connector', row.id);
  await notify(
    db,
    {
      orgId: row.orgId,
      kind: 'connector.paused',
      subject: target,
      params: { connector: row.name, reason, failures },
      message:
        `Connector "${row.name}" was paused after ${failures} failed daily checks in a row: ${reason} ` +
        'Offers and deliveries using it wait until an admin resumes it.',
    },
    [...(owner === null ? [] : [owner]), ...(await adminsOf(db, row.orgId))],
    at,
  );
  return true;
}

/**
 * One connector's daily check: opens it (openOrgConnector; a paused one, or an SFTP one whose host key is not
 * confirmed yet, is not checked), runs the driver's
 * read-only check, stores the report, and counts failures in a row (reset by a success); the `pauseAfter`-th
 * pauses it with the failed step's reason, audited, its owner and the admins notified. Also refreshes when its
 * credentials expire and warns once per threshold. Throws only when the platform could not check (job retried).
 */
export async function checkConnector(
  deps: ConnectorCheckDeps,
  orgId: string,
  connectorId: string,
): Promise<ConnectorCheckOutcome> {
  const { ctx } = deps;
  const where = and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, connectorId));
  const [before] = await ctx.db.select().from(orgConnectors).where(where);
  if (before === undefined) return { kind: 'skipped', why: 'gone' };
  if (before.status === 'paused') return { kind: 'skipped', why: 'paused' };
  // Not a failure: it waits for an admin, and its stored report keeps the fingerprint the admin's test showed.
  if (needsIdentity(before)) return { kind: 'skipped', why: 'identity not confirmed' };
  const report = await runCheck(deps, orgId, connectorId);
  return ctx.db.transaction(async (tx) => {
    const at = ctx.now();
    // Counted in the database: an admin's resume meanwhile (which resets it) is never overwritten.
    const [row] = await tx
      .update(orgConnectors)
      .set({
        lastCheckAt: at,
        lastCheckOk: report.ok,
        lastCheckReport: report,
        consecutiveFailures: report.ok ? 0 : sql`${orgConnectors.consecutiveFailures} + 1`,
      })
      .where(where)
      .returning();
    if (row === undefined) return { kind: 'skipped', why: 'gone' } as const;
    await refreshCredentialExpiry(ctx.vault, tx, row);
    await warnCredentialExpiry(tx, at, row.id);
    if (report.ok) return { kind: 'ok' } as const;
    const failures = row.consecutiveFailures;
    const paused =
      failures >= deps.pauseAfter && row.status === 'active'
        ? await pause(tx, at, row, failureReasonOf(report), failures)
        : false;
    return { kind: 'failed', failures, paused } as const;
  });
}
