import { type Capabilities } from '../capabilities';

/** What every SFTP driver can do, known without loading ssh2 (the lazy factory announces it up front). */
export const SFTP_CAPABILITIES: Capabilities = {
  hashes: [],
  rangedRead: true,
  resumableWrite: true,
  atomicWrite: true,
  rename: true,
  serverSideCopy: false,
  directories: 'real',
  mtimePrecisionMs: 1000,
  maxObjectSize: null,
};
