import { type DriverFactory } from '../driver-registry';
import { FtpsDriver } from './ftps-driver';

/** Creates FTPS drivers; trust-on-first-use fingerprints go to the context's trust store. */
export const ftpsFactory: DriverFactory<'ftps'> = {
  kind: 'ftps',
  create: (options, context) => new FtpsDriver(options, context),
};
