import { and, eq, isNull } from 'drizzle-orm';
import {
  credentialExpiryOf,
  expiryThreshold,
  type CredentialExpiry,
} from '../../../connectors/config/credential-expiry';
import { secretOptionNames } from '../../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../../shared/connectors/connector-descriptors';
import type { Executor } from '../../db/database';
import { orgConnectors } from '../../db/schema';
import type { VaultAccess } from '../../platform-context';
import { auditSystemEvent } from '../../audit/system-audit';
import { notify } from '../../notifications/notify';
import { adminsOf, ownerPersonOf } from '../../notifications/notification-recipients';

/** The audit action of an expiry warning. */
export const CREDENTIAL_EXPIRING_ACTION = 'connectors.credential-expiring';

const DAY_MS = 86_400_000;

/** The connector as far as its credentials go. */
export interface ConnectorCredentials {
  readonly id: string;
  readonly orgId: string;
  readonly kind: string;
  readonly options: Readonly<Record<string, unknown>>;
}

/**
 * When the connector's credentials expire, from its options and its secrets in the vault (read in `db`, so a
 * secret stored in the same transaction counts); undefined when that cannot be known now (no vault, a secret
 * unreadable): the stored expiry then stays as it was.
 */
export async function currentCredentialExpiry(
  vault: VaultAccess,
  db: Executor,
  connector: ConnectorCredentials,
): Promise<CredentialExpiry | null | undefined> {
  if (!isConnectorKind(connector.kind)) return null;
  if (vault.kind !== 'ready') return undefined;
  const values: Record<string, unknown> = { ...connector.options };
  for (const option of secretOptionNames(CONNECTOR_DESCRIPTORS[connector.kind])) {
    const read = await vault.service.get({ orgId: connector.orgId, connectorId: connector.id, option }, db);
    if (read.kind === 'unreadable') return undefined;
    if (read.kind === 'found') values[option] = read.value;
  }
  return credentialExpiryOf(connector.kind, values);
}

/**
 * Stores when the connector's credentials expire (at save time and at each daily check), in the caller's
 * transaction. A changed expiry (a renewed SAS) clears the warnings already given, so the new one is warned about
 * in its turn. Returns what was stored, or undefined when it could not be known (nothing changed).
 */
export async function refreshCredentialExpiry(
  vault: VaultAccess,
  db: Executor,
  connector: ConnectorCredentials,
): Promise<CredentialExpiry | null | undefined> {
  const expiry = await currentCredentialExpiry(vault, db, connector);
  if (expiry === undefined) return undefined;
  const expiresAt = expiry?.expiresAt ?? null;
  const where = and(eq(orgConnectors.id, connector.id), eq(orgConnectors.orgId, connector.orgId));
  const [stored] = await db.select({ expiresAt: orgConnectors.credentialExpiresAt }).from(orgConnectors).where(where);
  const changed = stored?.expiresAt?.getTime() !== expiresAt?.getTime();
  await db
    .update(orgConnectors)
    .set({
      credentialExpiresAt: expiresAt,
      credentialExpirySource: expiry?.source ?? null,
      ...(changed ? { expiryWarnedAt: null } : {}),
    })
    .where(where);
  return expiry;
}

function sourceLabel(kind: string, source: string): string {
  const spec = isConnectorKind(kind)
    ? (CONNECTOR_DESCRIPTORS[kind].options as Record<string, { label: string } | undefined>)[source]
    : undefined;
  return spec?.label ?? source;
}

/**
 * Warns once per threshold (14 days, 3 days, expired) that the connector's stored credential expiry is near: an
 * audit entry `connectors.credential-expiring` and a notification to the connector's owner and the organisation's
 * admins, in the caller's transaction. Whether it warned now.
 */
export async function warnCredentialExpiry(db: Executor, at: Date, connectorId: string): Promise<boolean> {
  const [row] = await db.select().from(orgConnectors).where(eq(orgConnectors.id, connectorId));
  if (row?.credentialExpiresAt == null || row.credentialExpirySource === null) return false;
  const expiresAt = row.credentialExpiresAt;
  const due = expiryThreshold(expiresAt, at);
  if (due === null) return false;
  const warned = row.expiryWarnedAt === null ? null : expiryThreshold(expiresAt, row.expiryWarnedAt);
  if (warned !== null && warned <= due) return false;
  // Only if nobody warned meanwhile (another instance, an admin's save): one warning per threshold.
  const claimed = await db
    .update(orgConnectors)
    .set({ expiryWarnedAt: at })
    .where(
      and(
        eq(orgConnectors.id, row.id),
        row.expiryWarnedAt === null
          ? isNull(orgConnectors.expiryWarnedAt)
          : eq(orgConnectors.expiryWarnedAt, row.expiryWarnedAt),
      ),
    )
    .returning({ id: orgConnectors.id });
  if (claimed.length === 0) return false;
  const label = sourceLabel(row.kind, row.credentialExpirySource);
  const day = expiresAt.toISOString().slice(0, 10);
  const daysLeft = Math.max(0, Math.ceil((expiresAt.getTime() - at.getTime()) / DAY_MS));
  const when = due === 0 ? `expired on ${day}` : `expires on ${day} (in ${daysLeft} day${daysLeft === 1 ? '' : 's'})`;
  const target = { type: 'connector', id: row.id };
  await auditSystemEvent(db, at, {
    orgId: row.orgId,
    action: CREDENTIAL_EXPIRING_ACTION,
    target,
    reason: `${label} (${row.credentialExpirySource}) ${due === 0 ? 'expired' : 'expires'} ${expiresAt.toISOString()}`,
  });
  const owner = await ownerPersonOf(db, row.orgId, 'connector', row.id);
  await notify(
    db,
    {
      orgId: row.orgId,
      kind: 'connector.credential-expiring',
      subject: target,
      params: {
        connector: row.name,
        source: row.credentialExpirySource,
        sourceLabel: label,
        expiresAt: expiresAt.toISOString(),
        days: due,
      },
      message: `The ${label} of connector "${row.name}" ${when}: an admin renews it and enters the new one.`,
    },
    [...(owner === null ? [] : [owner]), ...(await adminsOf(db, row.orgId))],
    at,
  );
  return true;
}
