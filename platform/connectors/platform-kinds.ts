// The storage kinds organisation connectors may have on this platform.
import { createDefaultRegistry } from '../../connectors/default-registry';
import type { DriverRegistry } from '../../connectors/driver-registry';
import type { ConnectorDescriptor } from '../../shared/connectors/connector-descriptor';
import { CONNECTOR_DESCRIPTORS } from '../../shared/connectors/connector-descriptors';

/** The drivers organisation connectors open (one registry for the process: factories hold no state). */
export const platformRegistry: DriverRegistry = createDefaultRegistry();

/**
 * The descriptor of a kind usable here, or why not: unknown to this build, internal (tests only), or a folder on
 * the platform's machine where the platform is not a single machine.
 */
export function platformKind(
  kind: string,
  localConnectors: boolean,
): { readonly ok: true; readonly descriptor: ConnectorDescriptor } | { readonly ok: false; readonly reason: string } {
  if (!platformRegistry.has(kind) || CONNECTOR_DESCRIPTORS[kind].internal === true) {
    const usable = platformRegistry
      .kinds()
      .filter((k) => CONNECTOR_DESCRIPTORS[k].internal !== true && (localConnectors || k !== 'local'));
    return { ok: false, reason: `Unknown connector type "${kind}"; use one of: ${usable.join(', ')}.` };
  }
  if (kind === 'local' && !localConnectors) {
    return {
      ok: false,
      reason: "Folders on the platform's machine are not allowed on this platform (it may run on several machines).",
    };
  }
  return { ok: true, descriptor: CONNECTOR_DESCRIPTORS[kind] };
}
