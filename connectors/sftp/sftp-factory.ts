import { type DriverFactory } from '../driver-registry';
import { SftpDriver } from './sftp-driver';

/** Creates SFTP drivers; trust-on-first-use fingerprints go to the context's trust store. */
export const sftpFactory: DriverFactory<'sftp'> = {
  kind: 'sftp',
  create: (options, context) => new SftpDriver(options, context),
};
