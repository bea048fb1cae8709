import { type DriverFactory } from '../driver-registry';
import { lazyDriver } from '../lazy-driver';
import { objectRootPrefix } from '../object-store/object-root-prefix';
import { S3_CAPABILITIES } from './s3-capabilities';
import { resolveS3Settings } from './s3-provider-profiles';

/** Creates S3 drivers (no I/O until first use); the AWS SDK loads with the first use, not with the registry. */
export const s3Factory: DriverFactory<'s3'> = {
  kind: 's3',
  create: (options, context) => {
    // What the driver's constructor refuses (missing endpoint, unsafe prefix) is still refused here, at creation.
    resolveS3Settings(options);
    objectRootPrefix(options.prefix);
    return lazyDriver('s3', S3_CAPABILITIES, async () => new (await import('./s3-driver')).S3Driver(options, context));
  },
};
