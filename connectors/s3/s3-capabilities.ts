import { type Capabilities } from '../capabilities';

const MiB = 1024 * 1024;

/** What every S3 driver can do, known without loading the AWS SDK (the lazy factory announces it up front). */
export const S3_CAPABILITIES: Capabilities = {
  hashes: ['md5'],
  rangedRead: true,
  resumableWrite: false,
  atomicWrite: true,
  rename: false,
  serverSideCopy: true,
  directories: 'prefixes',
  mtimePrecisionMs: null,
  maxObjectSize: 5 * 1024 * 1024 * MiB,
};
