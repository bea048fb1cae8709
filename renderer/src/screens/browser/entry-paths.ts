/** The local disk's connector id (main resolves it; 'local-disk:C' addresses a Windows drive). */
export const LOCAL_DISK = 'local-disk';

/** The folder containing a connector path ('' for top-level names and for the root). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last segment of a connector path. */
export function nameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * A path as the user would type it: an absolute path of this computer for the local disk ('/home/a', 'C:\\Users'),
 * else the path inside the connector from its root ('/reports/q1.csv').
 */
export function displayPath(connectorId: string, path: string): string {
  const drive = /^local-disk:([A-Za-z])$/.exec(connectorId)?.[1];
  if (drive !== undefined) return `${drive}:\\${path.replaceAll('/', '\\')}`;
  return `/${path}`;
}

/** Whether a typed path is absolute on this computer (POSIX, or a Windows drive). */
export function isAbsoluteLocalPath(typed: string): boolean {
  return typed.startsWith('/') || /^[A-Za-z]:[\\/]/.test(typed);
}
