// Organisation connector rows as the API shows them: brief to viewers, in detail to editors and admins.
import { pinnedFingerprintOf } from '../../connectors/config/server-identity-issue';
import { secretOptionNames, type ConnectorDescriptor } from '../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS, isConnectorKind } from '../../shared/connectors/connector-descriptors';
import type {
  ConnectorBrief,
  ConnectorDetail,
  ConnectorSummary,
  ConnectorUsage,
  SecretState,
} from '../../shared/platform';
import type { orgConnectors } from '../db/schema';
import { iso } from '../db/to-api';
import type { Owner } from '../resources/owned-resources';

/** A connector row. */
export type ConnectorRow = typeof orgConnectors.$inferSelect;

/** Which of a connector's secret options have a row in the vault, and which of those cannot be opened. */
export interface StoredSecrets {
  readonly stored: ReadonlySet<string>;
  readonly unreadable: ReadonlySet<string>;
}

function descriptorOf(kind: string): ConnectorDescriptor | undefined {
  return isConnectorKind(kind) ? CONNECTOR_DESCRIPTORS[kind] : undefined;
}

/** Each secret option of the kind: set, unset, or unreadable (its key is gone: enter it again). */
export function secretStates(kind: string, secrets: StoredSecrets): Record<string, SecretState> {
  const descriptor = descriptorOf(kind);
  const states: Record<string, SecretState> = {};
  for (const option of descriptor === undefined ? [] : secretOptionNames(descriptor)) {
    states[option] = secrets.unreadable.has(option) ? 'unreadable' : secrets.stored.has(option) ? 'set' : 'unset';
  }
  return states;
}

/** Whether a required secret is missing or any secret is unreadable. */
export function needsSecrets(kind: string, secrets: StoredSecrets): boolean {
  const descriptor = descriptorOf(kind);
  return Object.entries(secretStates(kind, secrets)).some(
    ([option, state]) =>
      state === 'unreadable' || (state === 'unset' && descriptor?.options[option]?.required === true),
  );
}

/**
 * Whether the connector waits for an admin to confirm its server's identity: an SFTP host key not pinned yet (the
 * platform never trusts one by itself). Until then it is neither used nor checked daily.
 */
export function needsIdentity(row: Pick<ConnectorRow, 'kind' | 'options'>): boolean {
  return row.kind === 'sftp' && pinnedFingerprintOf(row) === undefined;
}

/** What a viewer sees. */
export function toBrief(row: ConnectorRow): ConnectorBrief {
  return { view: 'brief', id: row.id, name: row.name, kind: row.kind };
}

/** What an editor or admin sees in a list: with what uses the connector (looked up for the whole page). */
export function toSummary(
  row: ConnectorRow,
  secrets: StoredSecrets,
  usages: readonly ConnectorUsage[],
): ConnectorSummary {
  return {
    ...toBrief(row),
    view: 'full',
    status: row.status,
    needsSecrets: needsSecrets(row.kind, secrets),
    needsIdentity: needsIdentity(row),
    lastCheckAt: iso(row.lastCheckAt),
    lastCheckOk: row.lastCheckOk,
    credentialExpiresAt: iso(row.credentialExpiresAt),
    usages: [...usages],
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Everything an editor or admin sees of one connector (never a secret value). */
export function toDetail(
  row: ConnectorRow,
  secrets: StoredSecrets,
  extra: {
    readonly owner: Owner | null;
    readonly usages: readonly ConnectorUsage[];
    readonly outgoingAddresses: readonly string[];
  },
): ConnectorDetail {
  const states = secretStates(row.kind, secrets);
  const pinned = pinnedFingerprintOf(row);
  return {
    ...toSummary(row, secrets, extra.usages),
    options: { ...(row.options as Record<string, string | number | boolean>) },
    secrets: states,
    secretsToReenter: Object.keys(states).filter((option) => states[option] === 'unreadable'),
    health: {
      status: row.status,
      pausedReason: row.pausedReason,
      pausedAt: iso(row.pausedAt),
      consecutiveFailures: row.consecutiveFailures,
      lastCheckAt: iso(row.lastCheckAt),
      lastCheckOk: row.lastCheckOk,
      credentialExpiresAt: iso(row.credentialExpiresAt),
      credentialExpirySource: row.credentialExpirySource,
    },
    identity:
      pinned === undefined ? null : { what: row.kind === 'sftp' ? 'host key' : 'certificate', fingerprint: pinned },
    outgoingAddresses: [...extra.outgoingAddresses],
    owner: extra.owner === null ? null : { type: extra.owner.type, id: extra.owner.id },
    creatorId: row.creatorId,
  };
}
