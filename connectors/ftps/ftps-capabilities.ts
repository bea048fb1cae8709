import { type Capabilities } from '../capabilities';

/** What every FTPS driver can do, known without loading basic-ftp (the lazy factory announces it up front). */
export const FTPS_CAPABILITIES: Capabilities = {
  hashes: [],
  rangedRead: true,
  resumableWrite: true,
  atomicWrite: true,
  rename: true,
  serverSideCopy: false,
  directories: 'real',
  mtimePrecisionMs: null,
  maxObjectSize: null,
};
