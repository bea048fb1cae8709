import { type Capabilities } from '../capabilities';

const MiB = 1024 * 1024;
/** Blocks per blob at most. */
export const MAX_BLOCKS = 50_000;
/** Bytes per block at most. */
export const MAX_BLOCK = 4000 * MiB;

/** What every Azure Blob driver can do, known without loading the Azure SDK (the lazy factory announces it up front). */
export const AZURE_BLOB_CAPABILITIES: Capabilities = {
  hashes: ['md5'],
  rangedRead: true,
  resumableWrite: false,
  atomicWrite: true,
  rename: false,
  serverSideCopy: false,
  directories: 'prefixes',
  mtimePrecisionMs: null,
  maxObjectSize: MAX_BLOCKS * MAX_BLOCK,
};
