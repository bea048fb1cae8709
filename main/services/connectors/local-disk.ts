import path from 'node:path';
import { ConnectorError } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { type ConnectorLocation, LOCAL_DISK_CONNECTOR_ID } from './driver-provider';
import { guardDriver } from '../../../connectors/guarded-driver';

/** Whether a connector id addresses the local disk ('local-disk', or 'local-disk:C' for a Windows drive). */
export function isLocalDiskId(connectorId: string): boolean {
  return connectorId === LOCAL_DISK_CONNECTOR_ID || connectorId.startsWith(`${LOCAL_DISK_CONNECTOR_ID}:`);
}

/** A driver on the local disk rooted at the file system's root (or a Windows drive's root). */
export function openLocalDisk(connectorId: string, platform: NodeJS.Platform = process.platform): Driver {
  if (connectorId === LOCAL_DISK_CONNECTOR_ID && platform !== 'win32')
    return guardDriver(new LocalDriver({ root: '/' }));
  const drive = /^local-disk:([A-Za-z])$/.exec(connectorId)?.[1];
  if (drive !== undefined && platform === 'win32')
    return guardDriver(new LocalDriver({ root: `${drive.toUpperCase()}:\\` }));
  throw new ConnectorError('NotFound', `No local disk "${connectorId}" on this computer.`);
}

/** The local-disk location of an absolute path: '/home/a' -> local-disk + 'home/a'; 'C:\\x' -> local-disk:C + 'x'. */
export function localDiskLocation(
  absolutePath: string,
  platform: NodeJS.Platform = process.platform,
): ConnectorLocation {
  const lib = platform === 'win32' ? path.win32 : path.posix;
  if (!lib.isAbsolute(absolutePath)) {
    throw new ConnectorError('InvalidInput', `Not an absolute path: ${absolutePath}`);
  }
  const resolved = lib.resolve(absolutePath);
  const root = lib.parse(resolved).root;
  const inner = resolved.slice(root.length).split(lib.sep).filter(Boolean).join('/');
  if (platform !== 'win32') return { connectorId: LOCAL_DISK_CONNECTOR_ID, path: inner };
  const drive = /^([A-Za-z]):/.exec(root)?.[1];
  if (drive === undefined) throw new ConnectorError('Unsupported', `Network paths are not supported: ${absolutePath}`);
  return { connectorId: `${LOCAL_DISK_CONNECTOR_ID}:${drive.toUpperCase()}`, path: inner };
}
