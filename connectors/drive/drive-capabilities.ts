import { type Capabilities } from '../capabilities';

const GiB = 1024 * 1024 * 1024;

/** What every Google Drive driver can do, known without loading its SDK (the lazy factory announces it up front). */
export const DRIVE_CAPABILITIES: Capabilities = {
  hashes: ['md5', 'sha256'],
  rangedRead: true,
  // Interrupted uploads resume through their saved session, not by appending at an offset.
  resumableWrite: false,
  atomicWrite: true,
  rename: true,
  serverSideCopy: false,
  directories: 'real',
  // modifiedTime is RFC 3339 with milliseconds, settable on create and update.
  mtimePrecisionMs: 1,
  maxObjectSize: 5 * 1024 * GiB,
  // changes.list with a saved page token: new files found without listing the tree.
  changeFeed: true,
};
