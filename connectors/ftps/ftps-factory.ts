import { type DriverFactory } from '../driver-registry';
import { lazyDriver } from '../lazy-driver';
import { FTPS_CAPABILITIES } from './ftps-capabilities';

/**
 * Creates FTPS drivers; trust-on-first-use fingerprints go to the context's trust store. basic-ftp loads with the
 * first use, not with the registry.
 */
export const ftpsFactory: DriverFactory<'ftps'> = {
  kind: 'ftps',
  create: (options, context) =>
    lazyDriver('ftps', FTPS_CAPABILITIES, async () => new (await import('./ftps-driver')).FtpsDriver(options, context)),
};
