import { type DriverFactory } from '../driver-registry';
import { lazyDriver } from '../lazy-driver';
import { objectRootPrefix } from '../object-store/object-root-prefix';
import { SNOWFLAKE_CAPABILITIES } from './snowflake-capabilities';

/** Creates Snowflake stage drivers (no I/O until first use); snowflake-sdk loads with the first use. */
export const snowflakeFactory: DriverFactory<'snowflake'> = {
  kind: 'snowflake',
  create: (options, context) => {
    // An unsafe prefix is refused at creation, as the driver's constructor would.
    objectRootPrefix(options.prefix ?? '');
    return lazyDriver(
      'snowflake',
      SNOWFLAKE_CAPABILITIES,
      async () => new (await import('./snowflake-driver')).SnowflakeDriver(options, context),
    );
  },
};
