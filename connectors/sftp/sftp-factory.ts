import { type DriverFactory } from '../driver-registry';
import { lazyDriver } from '../lazy-driver';
import { SFTP_CAPABILITIES } from './sftp-capabilities';

/**
 * Creates SFTP drivers; trust-on-first-use fingerprints go to the context's trust store. ssh2 loads with the first
 * use, not with the registry.
 */
export const sftpFactory: DriverFactory<'sftp'> = {
  kind: 'sftp',
  create: (options, context) =>
    lazyDriver('sftp', SFTP_CAPABILITIES, async () => new (await import('./sftp-driver')).SftpDriver(options, context)),
};
