import { type DriverFactory } from '../driver-registry';
import { lazyDriver } from '../lazy-driver';
import { DRIVE_CAPABILITIES } from './drive-capabilities';

/** Creates Google Drive drivers (no I/O until first use); the Google SDK loads with the first use. */
export const driveFactory: DriverFactory<'drive'> = {
  kind: 'drive',
  create: (options, context) =>
    lazyDriver(
      'drive',
      DRIVE_CAPABILITIES,
      async () => new (await import('./drive-driver')).DriveDriver(options, context),
    ),
};
