import { type DriverFactory } from '../driver-registry';
import { lazyDriver } from '../lazy-driver';
import { objectRootPrefix } from '../object-store/object-root-prefix';
import { GCS_CAPABILITIES } from './gcs-capabilities';

/** Creates Cloud Storage drivers (no I/O until first use); the Google SDK loads with the first use. */
export const gcsFactory: DriverFactory<'gcs'> = {
  kind: 'gcs',
  create: (options, context) => {
    // An unsafe prefix is refused at creation, as the driver's constructor would.
    objectRootPrefix(options.prefix);
    return lazyDriver(
      'gcs',
      GCS_CAPABILITIES,
      async () => new (await import('./gcs-driver')).GcsDriver(options, context),
    );
  },
};
