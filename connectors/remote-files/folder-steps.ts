import { ConnectorError } from '../connector-error';

/** The folders from the top down to `folder` itself: 'a/b/c' gives 'a', 'a/b', 'a/b/c' ('' gives none). */
export function folderChain(folder: string): readonly string[] {
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
