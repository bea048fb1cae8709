// Opens an organisation connector's driver with its secrets from the vault, for checks, browsing and jobs.
import { and, eq } from 'drizzle-orm';
import { ConnectorError } from '../../connectors/connector-error';
import type { Driver } from '../../connectors/driver';
import { secretOptionNames } from '../../shared/connectors/connector-descriptor';
import { orgConnectors } from '../db/schema';
import { ApiError, notFound } from '../http/api-error';
import type { PlatformContext } from '../platform-context';
import { needsIdentity } from './connector-views';
import { platformKind, platformRegistry } from './platform-kinds';
import { requireVault } from './require-vault';
import { vaultCredentials } from './vault-credentials';

/** How a connector is opened: `forCheck` (the admin's test) also opens a paused one or one whose identity is unconfirmed. */
export interface OpenOrgConnectorOptions {
  readonly forCheck?: boolean;
}

const unusable = (message: string) => new ApiError('connector_unusable', message);

/**
 * A driver for an organisation connector (the caller closes it). Refused with connector_unusable when the connector
 * is paused, when a secret cannot be read ("secrets need to be entered again", naming them) or a required one is
 * missing, or when an SFTP connector's host key is not pinned yet; vault_unavailable without a vault; not_found for
 * a connector not of this organisation.
 */
export async function openOrgConnector(
  ctx: PlatformContext,
  orgId: string,
  connectorId: string,
  options: OpenOrgConnectorOptions = {},
): Promise<Driver> {
  const vault = requireVault(ctx);
  const [row] = await ctx.db
    .select()
    .from(orgConnectors)
    .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, connectorId)));
  if (row === undefined) throw notFound('Connector');
  const kind = platformKind(row.kind, ctx.localConnectors);
  if (!kind.ok) throw unusable(`"${row.name}" cannot be used: ${kind.reason}`);
  if (row.status === 'paused' && options.forCheck !== true) {
    throw unusable(
      `"${row.name}" is paused${row.pausedReason === null ? '' : `: ${row.pausedReason}`}. An admin resumes it once the cause is fixed.`,
    );
  }
  const secrets: Record<string, string> = {};
  const unreadable: string[] = [];
  const missing: string[] = [];
  for (const option of secretOptionNames(kind.descriptor)) {
    const read = await vault.get({ orgId, connectorId, option });
    const label = kind.descriptor.options[option]?.label ?? option;
    if (read.kind === 'found') secrets[option] = read.value;
    else if (read.kind === 'unreadable') unreadable.push(`${label} (${option})`);
    else if (kind.descriptor.options[option]?.required === true) missing.push(`${label} (${option})`);
  }
  if (unreadable.length > 0) {
    throw unusable(
      `The secrets of "${row.name}" need to be entered again: ${unreadable.join(', ')} cannot be read with this ` +
        "platform's vault keys (restored without its key?). An admin enters them again.",
    );
  }
  if (missing.length > 0) throw unusable(`"${row.name}" has no ${missing.join(', ')}: an admin enters it.`);
  if (needsIdentity(row) && options.forCheck !== true) {
    throw unusable(
      `The host key of "${row.name}" is not confirmed yet: an admin tests the connector and confirms the fingerprint.`,
    );
  }
  try {
    // No trust store: the platform never trusts a server identity by itself, only the one pinned in the options.
    return platformRegistry.create(
      { kind: row.kind, options: { ...row.options, ...secrets } },
      { credentials: vaultCredentials(vault, orgId, connectorId, row.kind) },
    );
  } catch (error) {
    if (error instanceof ConnectorError) throw unusable(`"${row.name}" cannot be opened: ${error.message}`);
    throw error;
  }
}
