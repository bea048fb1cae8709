import { type Capabilities } from '../capabilities';

/**
 * What a Snowflake stage driver can do, known without loading the SDK (the lazy factory announces it up front).
 * GET fetches whole files (no ranges), stages have no rename, copy or append, folders are path prefixes, and the
 * MD5 that LIST shows is of the stored (encrypted) bytes, so `hash` reads the file to compute it.
 */
export const SNOWFLAKE_CAPABILITIES: Capabilities = {
  hashes: ['md5'],
  rangedRead: false,
  resumableWrite: false,
  // PUT stores a whole file or nothing; Ferry spools to a temporary file before the PUT starts.
  atomicWrite: true,
  rename: false,
  serverSideCopy: false,
  directories: 'prefixes',
  mtimePrecisionMs: null,
  // Snowflake's documented limit for one PUT file: 5 GB.
  maxObjectSize: 5 * 1000 * 1000 * 1000,
};
