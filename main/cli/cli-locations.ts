import { ConnectorError } from '../../connectors/connector-error';
import type { DriverContext } from '../../connectors/driver';
import type { DriverRegistry } from '../../connectors/driver-registry';
import { LocalDriver } from '../../connectors/local/local-driver';
import { requireUsableKind } from '../services/connectors/require-usable-kind';
import { LocationRegistry } from '../services/locations/location-registry';
import type { ConfiguredConnector } from './cli-config';
import { guardDriver } from '../../connectors/guarded-driver';

/** The location-id prefix of a local folder: never a connector name (names start with a letter or a digit). */
const LOCAL_FOLDER = '.local';

/** The location id of a local folder (an absolute path), opened as a local driver rooted at that folder. */
export function localFolderId(folder: string): string {
  return `${LOCAL_FOLDER}:${folder}`;
}

/** The refusal of a name that no configured connector has. */
export function noSuchConnector(name: string): ConnectorError {
  return new ConnectorError('InvalidInput', `No connector named "${name}".`, {
    hint: 'Run `ferry connectors` to see the configured ones.',
  });
}

/** What the CLI's locations open from. */
export interface CliLocationsOptions {
  /** The configured connectors, by lower-cased name. */
  readonly connectors: ReadonlyMap<string, ConfiguredConnector>;
  readonly registry: DriverRegistry;
  /** The driver context of a configured connector (its trust store, the resume store). */
  readonly contextOf: (connector: ConfiguredConnector) => DriverContext;
}

/**
 * Every place a `ferry` command opens, through the desktop's LocationRegistry: configured connectors by name (the
 * '' prefix; options validated against their descriptor) and local folders. Each open returns a NEW driver.
 */
export function cliLocations(options: CliLocationsOptions): LocationRegistry {
  return new LocationRegistry()
    .register(LOCAL_FOLDER, async (id) => guardDriver(new LocalDriver({ root: id.slice(LOCAL_FOLDER.length + 1) })))
    .register('', async (name) => {
      const connector = options.connectors.get(name.toLowerCase());
      if (connector === undefined) throw noSuchConnector(name);
      const kind = requireUsableKind(options.registry, { name, kind: connector.kind }, true);
      return options.registry.create({ kind, options: connector.options }, options.contextOf(connector));
    });
}
