import { ConnectorError } from '../../../connectors/connector-error';
import type { DriverRegistry } from '../../../connectors/driver-registry';
import type { ConnectorKind } from '../../../shared/connectors/connector-descriptors';

/**
 * Refuses (Unsupported) a saved or configured connector whose type this build has no driver for, before anything
 * is read for it; `listKinds` adds the available types as the hint (the CLI's wording).
 */
export function requireUsableKind(
  registry: DriverRegistry,
  connector: { readonly name: string; readonly kind: string },
  listKinds = false,
): ConnectorKind {
  if (registry.has(connector.kind)) return connector.kind;
  throw new ConnectorError(
    'Unsupported',
    `Connector "${connector.name}" has type "${connector.kind}", which this build cannot use.`,
    listKinds ? { hint: `Available types: ${registry.kinds().join(', ')}.` } : {},
  );
}
