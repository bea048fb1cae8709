import { type DriverFactory } from '../driver-registry';
import { LocalDriver } from './local-driver';

/** Creates local-folder drivers. */
export const localFactory: DriverFactory<'local'> = {
  kind: 'local',
  create: (options) => new LocalDriver(options),
};
