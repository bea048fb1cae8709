import { hasRename } from '../../connectors/capabilities';
import { isConnectorError } from '../../connectors/connector-error';
import { type Driver } from '../../connectors/driver';
import { baseName, joinPath } from '../../connectors/path-safety';
import { statOrNull } from '../../connectors/stored-file';
import { type LoggingIo } from './cli-log';
import { type CliSession } from './cli-session';
import { type CopyFlags } from './copy-flags';
import { cpCommand, CpRefusedError } from './cp-command';

/** Flags of `ferry mv`. */
export interface MvFlags extends CopyFlags {
  readonly overwrite: boolean;
}

// Removes the folders left empty under `folder` (deepest first) and `folder` itself when empty; keeps anything else.
async function removeEmptyFolders(driver: Driver, folder: string, signal?: AbortSignal): Promise<void> {
  const options = signal === undefined ? {} : { signal };
  const page = await driver.list(folder, options).catch((error: unknown) => {
    if (isConnectorError(error, 'NotFound')) return undefined;
    throw error;
  });
  if (page === undefined) return;
  for (const entry of page.entries) {
    if (entry.type === 'directory') await removeEmptyFolders(driver, entry.path, signal);
  }
  const after = await driver.list(folder, { ...options, pageSize: 1 }).catch(() => undefined);
  if (folder !== '' && after !== undefined && after.entries.length === 0 && after.rejected.length === 0) {
    await driver.remove(folder, options).catch((error: unknown) => {
      if (!isConnectorError(error, 'NotFound')) throw error;
    });
  }
}

/**
 * `ferry mv <src> <dst>`: within one connector that can rename, a file is renamed on the storage; otherwise the file
 * or folder is copied (verified, as cp does) and each source file is removed only once its copy is done, so a failed
 * or refused move loses nothing. An existing different file at the destination is refused unless --overwrite.
 */
export async function mvCommand(
  session: CliSession,
  io: LoggingIo,
  src: string,
  dst: string,
  flags: MvFlags,
): Promise<void> {
  const from = await session.location(src);
  const to = await session.location(dst);
  const signal = io.signal;
  const entry = await from.driver.stat(from.path, signal === undefined ? {} : { signal });
  if (entry.type === 'file' && from.driver === to.driver && hasRename(from.driver)) {
    let target = to.path;
    const there = to.trailingSlash || to.path === '' ? null : await statOrNull(to.driver, to.path, signal);
    if (to.trailingSlash || to.path === '' || there?.type === 'directory')
      target = joinPath(to.path, baseName(from.path));
    const existing = target === to.path ? there : await statOrNull(to.driver, target, signal);
    if (existing?.type === 'directory')
      throw new CpRefusedError(`${target} is a folder at the destination. Nothing was moved.`);
    if (existing !== null && !flags.overwrite) {
      throw new CpRefusedError(`${target} already exists. Nothing was moved. Use --overwrite to replace it.`);
    }
    if (flags.dryRun === true) {
      io.out(`would move: ${from.path} to ${target} (renamed on the storage)`);
      return;
    }
    await from.driver.rename(from.path, target, signal === undefined ? {} : { signal });
    io.out(`Moved ${from.label} to ${target} (renamed on the storage).`);
    return;
  }

  const done: string[] = [];
  // cp throws on any failed or refused file (the CLI never answers "skip"), so removal only follows a complete copy.
  await cpCommand(
    session,
    io,
    src,
    dst,
    { ...flags, existing: flags.overwrite ? 'overwrite' : 'refuse' },
    {
      onDone: (path) => done.push(path),
    },
  );
  if (flags.dryRun === true) {
    io.out(`Dry run: the source would be removed after the copy.`);
    return;
  }
  for (const path of done) {
    await from.driver.remove(path, signal === undefined ? {} : { signal }).catch((error: unknown) => {
      if (!isConnectorError(error, 'NotFound')) throw error;
    });
    io.info(`removed source: ${path}`);
  }
  if (entry.type === 'directory') await removeEmptyFolders(from.driver, from.path, signal);
  io.out(`Moved: removed ${done.length} source file${done.length === 1 ? '' : 's'} after copying.`);
}
