import { type Driver } from '../../../connectors/driver';

/** The id that addresses the local disk as a location (its driver is rooted at the file system's root). */
export const LOCAL_DISK_CONNECTOR_ID = 'local-disk';

/** A place on a connector: the connector's id (or LOCAL_DISK_CONNECTOR_ID) and a normalised connector path. */
export interface ConnectorLocation {
  readonly connectorId: string;
  /** Normalised connector path: relative, '/'-separated ('' is the connector's root). */
  readonly path: string;
}

/**
 * Opens drivers of "my connectors" for other main services (transfers, browser). Each `open` returns a NEW driver
 * owned by the caller, who must `close()` it when done; options come from the connector's saved settings, secrets
 * from the SecretStore, trust-on-first-use fingerprints from the connectors' trust store (a host key or certificate
 * the user has not confirmed is refused with ServerIdentityError, never trusted silently).
 *
 * Errors (ConnectorError): NotFound for an unknown connector id; AuthFailed when a required secret is missing (for
 * example a session-only secret after a restart); InvalidInput when the saved options no longer validate.
 */
export interface DriverProvider {
  /** A new driver for the connector (or the local disk for LOCAL_DISK_CONNECTOR_ID). Does no I/O before first use. */
  open(connectorId: string): Promise<Driver>;
  /** The location of an absolute local path, on the local-disk connector (e.g. '/home/a/b' -> 'home/a/b'). */
  localLocation(absolutePath: string): ConnectorLocation;
}
