import { type DriverFactory } from '../driver-registry';
import { S3Driver } from './s3-driver';

/** Creates S3 drivers (no I/O until first use). */
export const s3Factory: DriverFactory<'s3'> = {
  kind: 's3',
  create: (options, context) => new S3Driver(options, context),
};
