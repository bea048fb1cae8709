import { type DriverFactory } from '../driver-registry';
import { GcsDriver } from './gcs-driver';

/** Creates Cloud Storage drivers (no I/O until first use). */
export const gcsFactory: DriverFactory<'gcs'> = {
  kind: 'gcs',
  create: (options, context) => new GcsDriver(options, context),
};
