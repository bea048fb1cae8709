import { LOCAL_DISK_CONNECTOR_ID } from '../connectors/driver-provider';
import type { ConnectorsService } from '../connectors/connectors-service';
import { openLocalDisk } from '../connectors/local-disk';
import { LocationRegistry } from './location-registry';

/** The desktop's locations today: the local disk and my connectors (organisation connectors and offers come next). */
export function desktopLocations(
  connectors: Pick<ConnectorsService, 'open'>,
  platform: NodeJS.Platform = process.platform,
): LocationRegistry {
  return new LocationRegistry(platform)
    .register(LOCAL_DISK_CONNECTOR_ID, async (id) => openLocalDisk(id, platform))
    .register('', (id) => connectors.open(id));
}
