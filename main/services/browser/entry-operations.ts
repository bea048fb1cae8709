import { hasMkdir, hasRename } from '../../../connectors/capabilities';
import { ConnectorError, isConnectorError } from '../../../connectors/connector-error';
import type { Driver } from '../../../connectors/driver';
import { joinPath, normalizePath, parentPath } from '../../../connectors/path-safety';
import { type BrowserAbilities, type BrowserNameProblem, browserNameProblem } from '../../../shared/ipc/browser-ipc';
import { IpcRefusal } from '../../ipc/ipc-dispatcher';

/** English wording of each name problem, for logs and the message beside the translated reason. */
const PROBLEM_TEXT: Record<BrowserNameProblem, string> = {
  empty: 'the name is empty',
  dots: "the name is '.' or '..' or climbs out of the folder",
  slash: "the name contains '/' or '\\'",
  control: 'the name contains a NUL or control character',
  absolute: 'the name is an absolute path',
  tooLong: 'the name is longer than 255 bytes',
};

/** A typed name checked as one safe segment: refused with InvalidInput and a stable `name-<problem>` reason. */
export function checkedName(name: string): string {
  const problem = browserNameProblem(name);
  if (problem !== undefined) {
    throw new IpcRefusal(
      'InvalidInput',
      `Refused name ${JSON.stringify(name)}: ${PROBLEM_TEXT[problem]}.`,
      `name-${problem}`,
    );
  }
  return name;
}

/** What the browser may do with a driver, from its capabilities. */
export function abilitiesOf(driver: Driver): BrowserAbilities {
  const realFolders = driver.capabilities.directories === 'real';
  const rename = hasRename(driver);
  return {
    mkdir: hasMkdir(driver) ? { allowed: true } : { allowed: false, reason: 'prefixes' },
    rename: rename ? { allowed: true } : { allowed: false, reason: 'noRename' },
    renameFolders: !rename
      ? { allowed: false, reason: 'noRename' }
      : realFolders
        ? { allowed: true }
        : { allowed: false, reason: 'prefixes' },
    remove: { allowed: true },
  };
}

// Something already has this path: operations never replace what is there.
async function refuseExisting(driver: Driver, path: string): Promise<void> {
  try {
    await driver.stat(path);
  } catch (error) {
    if (isConnectorError(error, 'NotFound')) return;
    throw error;
  }
  throw new IpcRefusal('InvalidInput', `Something named ${JSON.stringify(path)} already exists.`, 'name-taken');
}

/** Creates folder `name` inside `parent`; refused when the storage has no real folders or the name exists. */
export async function makeFolder(driver: Driver, parent: string, name: string): Promise<string> {
  const target = joinPath(normalizePath(parent), checkedName(name));
  if (!hasMkdir(driver)) {
    throw new ConnectorError('Unsupported', 'This storage has no real folders: a folder appears with its first file.');
  }
  await refuseExisting(driver, target);
  await driver.mkdir(target);
  return target;
}

/** Renames the entry at `path` to `name` in the same folder, never over an existing entry. */
export async function renameEntry(driver: Driver, path: string, name: string): Promise<string> {
  const source = normalizePath(path);
  if (source === '') throw new ConnectorError('InvalidInput', 'The root folder cannot be renamed.');
  const target = joinPath(parentPath(source), checkedName(name));
  if (!hasRename(driver)) throw new ConnectorError('Unsupported', 'This storage cannot rename files.');
  if (target === source) return source;
  const entry = await driver.stat(source);
  if (entry.type === 'directory' && driver.capabilities.directories !== 'real') {
    throw new ConnectorError('Unsupported', 'Folders of this storage cannot be renamed (they are key prefixes).');
  }
  // A case-only change ("a" -> "A") finds the source itself on case-insensitive disks: not a conflict.
  if (target.toLowerCase() !== source.toLowerCase()) await refuseExisting(driver, target);
  await driver.rename(source, target);
  return target;
}

/**
 * Removes a file, or a folder with everything in it. Each entry is first removed as it is (a link, a file or an
 * empty folder go at once, and a link is never followed); only a folder that is not empty is emptied first.
 */
export async function removeEntry(driver: Driver, path: string): Promise<number> {
  const target = normalizePath(path);
  if (target === '') throw new ConnectorError('InvalidInput', 'The root folder cannot be deleted.');
  try {
    await driver.remove(target);
    return 1;
  } catch (error) {
    if (!isConnectorError(error, 'Conflict')) throw error;
  }
  let removed = 0;
  // Emptying changes the listing, so each round lists the first page again until the folder is empty.
  for (;;) {
    const page = await driver.list(target, { pageSize: 500 });
    if (page.entries.length === 0) break;
    for (const child of page.entries) removed += await removeEntry(driver, child.path);
  }
  await driver.remove(target);
  return removed + 1;
}
