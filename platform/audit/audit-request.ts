import { eq } from 'drizzle-orm';
import type { FastifyRequest } from 'fastify';
import type { Executor } from '../db/database';
import { organisations } from '../db/schema';
import { auditPrincipal } from '../auth/principal';
import { recordAudit } from './audit-log';
import { checkedTargetId } from './checked-target';
import { recordBoundedRefusal } from './refusal-budget';

/** The target an audited request acts on. */
export interface AuditTarget {
  readonly type: string;
  readonly id: string;
  /** Its human name (a member's name, an invitee's e-mail), stored so the log still names it once it is gone. */
  readonly label?: string | null;
}

function actionOf(request: FastifyRequest): string {
  const access = request.routeOptions.config.access;
  return access?.action ?? `${request.method} ${request.routeOptions.url ?? 'unknown'}`;
}

function paramTarget(request: FastifyRequest): AuditTarget | null {
  const access = request.routeOptions.config.access;
  if (access?.kind !== 'org' || access.target === undefined) return null;
  const id = (request.params as Record<string, string | undefined>)[access.target.param];
  return id === undefined ? null : { type: access.target.type, id };
}

/**
 * Records the request's change as a success, in the organisation it acted in (or `orgId`), inside the caller's
 * transaction so the change and its audit entry commit together.
 */
export async function auditSuccess(
  db: Executor,
  request: FastifyRequest,
  now: Date,
  target: AuditTarget | null = paramTarget(request),
  orgId: string | null = request.auth.orgId,
): Promise<void> {
  await auditEvent(db, request, now, { action: actionOf(request), target, orgId, reason: null });
  request.auth.audited = true;
}

/** A successful action by the request's caller, recorded as given (also a side effect of the route's own action). */
export async function auditEvent(
  db: Executor,
  request: FastifyRequest,
  now: Date,
  event: {
    readonly action: string;
    readonly target: AuditTarget | null;
    readonly orgId: string | null;
    readonly reason: string | null;
  },
): Promise<void> {
  const who = request.auth.principal ? auditPrincipal(request.auth.principal) : null;
  await recordAudit(db, {
    orgId: event.orgId,
    at: now,
    principalType: who?.type ?? 'anonymous',
    principalId: who?.id ?? null,
    principalLabel: who?.label ?? null,
    action: event.action,
    targetType: event.target?.type ?? null,
    targetId: event.target?.id ?? null,
    targetLabel: event.target?.label ?? null,
    ip: request.ip,
    outcome: 'success',
    reason: event.reason,
  });
}

/**
 * Records a refused request. It goes to the organisation the request acted in, else the one its URL names (when it
 * exists, so its admins see attempts from outside), else the refused key's organisation, else nowhere in particular.
 */
export async function auditDenial(
  db: Executor,
  request: FastifyRequest,
  now: Date,
  reason: string,
  orgIds?: readonly string[],
): Promise<void> {
  const auth = request.auth;
  const who = auth.principal ? auditPrincipal(auth.principal) : auth.refusedPrincipal;
  let targets: readonly (string | null)[] = orgIds ?? [];
  if (orgIds === undefined) {
    let orgId = auth.orgId;
    const urlOrg = (request.params as Record<string, string | undefined> | undefined)?.orgId;
    if (orgId === null && urlOrg !== undefined && urlOrg.length <= 64) {
      const [org] = await db.select({ id: organisations.id }).from(organisations).where(eq(organisations.id, urlOrg));
      orgId = org?.id ?? null;
    }
    orgId ??= auth.principal?.type === 'api-key' ? auth.principal.orgId : (auth.refusedPrincipal?.orgId ?? null);
    targets = [orgId];
  }
  if (targets.length === 0) targets = [null];
  const target = paramTarget(request);
  // Per caller: the principal (or the account a refused login named), else the client's IP.
  const caller = who ? `${who.type}:${who.id}` : `ip:${request.ip}`;
  for (const orgId of targets) {
    const entry = {
      orgId,
      at: now,
      principalType: who?.type ?? 'anonymous',
      principalId: who?.id ?? null,
      principalLabel: who?.label ?? null,
      action: actionOf(request),
      targetType: target?.type ?? null,
      // The URL's ID is the caller's text: stored only when it names something of this organisation.
      targetId: target ? await checkedTargetId(db, orgId, target.type, target.id) : null,
      ip: request.ip,
      outcome: 'denied',
      reason,
    } as const;
    const budget = request.server.auditRefusals;
    if (orgId !== null && budget !== undefined) await recordBoundedRefusal(db, { ...entry, orgId }, caller, budget);
    else await recordAudit(db, entry);
  }
  auth.audited = true;
}
