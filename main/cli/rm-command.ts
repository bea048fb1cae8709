import path from 'node:path';
import { ConnectorError, isConnectorError } from '../../connectors/connector-error';
import { type Driver } from '../../connectors/driver';
import { type LoggingIo } from './cli-log';
import { type CliSession } from './cli-session';

/** Flags of `ferry rm`. */
export interface RmFlags {
  readonly recursive: boolean;
  readonly dryRun: boolean;
}

/**
 * Removes a folder's files and then the folder, deepest first (`remove` takes a file or an empty folder). On stores
 * whose folders are key prefixes a folder vanishes with its last file, so its own removal may find nothing.
 */
export async function removeTree(
  driver: Driver,
  folder: string,
  onRemoved: (path: string, type: 'file' | 'directory') => void,
  options: { readonly dryRun: boolean; readonly signal?: AbortSignal },
): Promise<void> {
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  let cursor: string | undefined;
  const folders: string[] = [];
  // Collect the page first: removing while paging would shift the listing under the cursor.
  const files: string[] = [];
  do {
    const page = await driver.list(folder, { ...signal, ...(cursor === undefined ? {} : { cursor }) });
    for (const entry of page.entries) (entry.type === 'directory' ? folders : files).push(entry.path);
    for (const rejected of page.rejected) {
      throw new ConnectorError(
        'InvalidInput',
        `${folder || 'The root'} holds an entry Ferry refuses to touch (${rejected.rawName}: ${rejected.reason}); nothing more was removed.`,
      );
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  for (const sub of folders) await removeTree(driver, sub, onRemoved, options);
  for (const file of files) {
    if (!options.dryRun) await driver.remove(file, signal);
    onRemoved(file, 'file');
  }
  if (!options.dryRun) {
    await driver.remove(folder, signal).catch((error: unknown) => {
      if (!isConnectorError(error, 'NotFound')) throw error;
    });
  }
  onRemoved(folder, 'directory');
}

/** `ferry rm <location>`: removes a file or an empty folder; with -r a folder and everything in it. */
export async function rmCommand(session: CliSession, io: LoggingIo, argument: string, flags: RmFlags): Promise<void> {
  // As POSIX rm: '.' and '..' are never removed, nor a folder holding the one the command runs in.
  if (/(^|[/\\:])\.\.?[/\\]*$/.test(argument)) {
    throw new ConnectorError('InvalidInput', `Refusing to remove "${argument}": name the folder itself, not . or ..`);
  }
  const local = session.localPath(argument);
  if (local !== undefined && !path.relative(local, io.cwd).startsWith('..')) {
    throw new ConnectorError('InvalidInput', `Refusing to remove ${local}: it holds the current folder.`);
  }
  const at = await session.location(argument);
  const signal = io.signal === undefined ? {} : { signal: io.signal };
  const entry = await at.driver.stat(at.path, signal);
  const verb = flags.dryRun ? 'would remove' : 'removed';
  if (entry.type === 'file') {
    if (!flags.dryRun) await at.driver.remove(at.path, signal);
    io.out(`${verb}: ${at.label}`);
    return;
  }
  if (at.path === '') {
    throw new ConnectorError(
      'InvalidInput',
      `${at.label} is the connector's root folder: Ferry does not remove it. Remove the files or folders in it by name.`,
    );
  }
  if (!flags.recursive) {
    const page = await at.driver.list(at.path, { ...signal, pageSize: 1 });
    if (page.entries.length > 0 || page.rejected.length > 0) {
      throw new ConnectorError(
        'InvalidInput',
        `${at.label} is a folder that is not empty: nothing was removed. Use rm -r to remove it with everything in it.`,
      );
    }
  }
  let files = 0;
  await removeTree(
    at.driver,
    at.path,
    (path, type) => {
      if (type === 'file') files++;
      io.info(`${verb}: ${path}${type === 'directory' ? '/' : ''}`);
    },
    { dryRun: flags.dryRun, ...signal },
  );
  io.out(`${flags.dryRun ? 'Would remove' : 'Removed'} ${at.label} and the ${files} files in it.`);
}
