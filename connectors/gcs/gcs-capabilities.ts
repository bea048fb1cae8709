import { type Capabilities } from '../capabilities';

const MiB = 1024 * 1024;

/** What every Cloud Storage driver can do, known without loading its SDK (the lazy factory announces it up front). */
export const GCS_CAPABILITIES: Capabilities = {
  hashes: ['crc32c', 'md5'],
  rangedRead: true,
  resumableWrite: false,
  atomicWrite: true,
  rename: false,
  serverSideCopy: false,
  directories: 'prefixes',
  mtimePrecisionMs: null,
  maxObjectSize: 5 * 1024 * 1024 * MiB,
};
