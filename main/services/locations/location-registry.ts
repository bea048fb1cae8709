import { ConnectorError } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import type { ConnectorLocation, DriverProvider } from '../connectors/driver-provider';
import { localDiskLocation } from '../connectors/local-disk';

/** Opens a NEW driver for a location id of one kind; the caller closes it. */
export type LocationOpener = (locationId: string) => Promise<Driver>;

/**
 * Every place Ferry can browse and move files, by the prefix of its location id: the local disk ('local-disk',
 * 'local-disk:C'), my connectors (plain ids, the '' prefix) and, next, organisation connectors and offers, each
 * added by one `register` call. The browser and the transfers open every location through it.
 */
export class LocationRegistry implements DriverProvider {
  private readonly openers = new Map<string, LocationOpener>();

  constructor(private readonly platform: NodeJS.Platform = process.platform) {}

  /** Adds a kind of location: ids equal to `prefix` or starting with `prefix:` ('' takes every other id). */
  register(prefix: string, opener: LocationOpener): this {
    if (this.openers.has(prefix)) throw new Error(`Locations with prefix "${prefix}" are already registered.`);
    this.openers.set(prefix, opener);
    return this;
  }

  /** A new driver for the location; NotFound when no registered kind owns the id. */
  async open(locationId: string): Promise<Driver> {
    const opener = this.openerOf(locationId);
    if (opener === undefined) throw new ConnectorError('NotFound', `No location "${locationId}" in Ferry.`);
    return opener(locationId);
  }

  /** The local-disk location of an absolute path. */
  localLocation(absolutePath: string): ConnectorLocation {
    return localDiskLocation(absolutePath, this.platform);
  }

  // The longest registered prefix that owns the id wins, so '' (my connectors) is the fallback.
  private openerOf(locationId: string): LocationOpener | undefined {
    let best: string | undefined;
    for (const prefix of this.openers.keys()) {
      const owns = prefix === '' || locationId === prefix || locationId.startsWith(`${prefix}:`);
      if (owns && (best === undefined || prefix.length > best.length)) best = prefix;
    }
    return best === undefined ? undefined : this.openers.get(best);
  }
}
