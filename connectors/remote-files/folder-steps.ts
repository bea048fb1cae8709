import { ConnectorError } from '../connector-error';

/** Where a path stands while folders are made: a folder, something else, or nothing (with the lookup's error). */
export type FolderState =
  { readonly kind: 'folder' } | { readonly kind: 'other' } | { readonly kind: 'absent'; readonly error: unknown };

/** How one protocol looks at a path and creates one folder, and the errors it reports. */
export interface FolderMaking {
  /** Where `path` stands now. */
  state(path: string): Promise<FolderState>;
  /** Creates one folder; resolves with the server's refusal instead of throwing it. */
  create(path: string): Promise<unknown>;
  /** The error for something other than a folder already in the way (absent: try creating anyway). */
  inTheWay?(path: string): Error;
  /** The error once `path` still is no folder after `create` refused with `refusal` (undefined: it did not). */
  failed(path: string, refusal: unknown, state: Exclude<FolderState, { kind: 'folder' }>): Promise<Error> | Error;
}

/**
 * Creates `folder` and its missing parents, top down. Another writer may create one at the same moment, so a
 * refusal is an error only when the path still is no folder afterwards.
 */
export async function makeFolderChain(folder: string, making: FolderMaking): Promise<void> {
  for (const current of folderChain(folder)) {
    const before = await making.state(current);
    if (before.kind === 'folder') continue;
    if (before.kind === 'other' && making.inTheWay !== undefined) throw making.inTheWay(current);
    const refusal = await making.create(current);
    const after = await making.state(current);
    if (after.kind !== 'folder') throw await making.failed(current, refusal, after);
  }
}

/** The folders from the top down to `folder` itself: 'a/b/c' gives 'a', 'a/b', 'a/b/c' ('' gives none). */
function folderChain(folder: string): readonly string[] {
  if (folder === '') return [];
  const segments = folder.split('/');
  return segments.map((_, i) => segments.slice(0, i + 1).join('/'));
}

/**
 * Removes a folder the server refuses to remove when it is not empty: a refusal becomes Conflict when the
 * folder still has children, and stays the server's own error otherwise (no permission, most often).
 */
export async function removeEmptyFolder(
  path: string,
  removeFolder: () => Promise<unknown>,
  countChildren: (refusal: unknown) => Promise<number>,
): Promise<void> {
  try {
    await removeFolder();
  } catch (error) {
    if ((await countChildren(error)) > 0) {
      throw new ConnectorError('Conflict', `The folder is not empty: ${path}`, { path });
    }
    throw error;
  }
}
