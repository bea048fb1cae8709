import { lstat, realpath, stat } from 'node:fs/promises';
import nodePath from 'node:path';
import { type RejectedEntry } from '../driver';
import { isInsideReal, rejectedLink, type LinkProblem } from '../link-problem';
import { mapNodeError, nodeErrorCode } from '../map-node-error';

/** A child of a listed folder: not a link, a link to follow, or a link refused with a reason. */
export type LocalLinkVerdict = 'not-a-link' | 'follow' | { readonly rejected: RejectedEntry };

/**
 * Decides whether the entry `name` of the connector folder `folder` (a normalised path under `root`) may be
 * followed: a symbolic link must resolve (fs.realpath) inside the root's real path, exist, and not point at a
 * folder that contains it as reached, also through other links (a walk through it would never end).
 */
export async function localLinkVerdict(root: string, folder: string, name: string): Promise<LocalLinkVerdict> {
  const rootReal = await realpath(root);
  const segments = folder === '' ? [] : folder.split('/');
  const folderReal = await realpath(nodePath.join(rootReal, ...segments));
  const child = nodePath.join(folderReal, name);
  const own = await lstat(child).catch(() => undefined);
  if (own === undefined || !own.isSymbolicLink()) return 'not-a-link';
  const refuse = (problem: LinkProblem): LocalLinkVerdict => ({ rejected: rejectedLink(name, problem) });
  let real: string;
  try {
    real = await realpath(child);
  } catch (error) {
    const code = nodeErrorCode(error);
    if (code === 'ELOOP') return refuse('loop');
    if (code === 'ENOENT' || code === 'ENOTDIR') return refuse('dangling');
    throw mapNodeError(error, folder === '' ? name : `${folder}/${name}`);
  }
  if (!isInsideReal(real, rootReal, nodePath.sep)) return refuse('outside');
  const target = await stat(real).catch(() => undefined);
  if (target === undefined) return refuse('dangling');
  if (target.isDirectory()) {
    // The folder and every folder above it, as reached: a link to any of them would walk in circles.
    const above = await Promise.all(segments.map((_, i) => realpath(nodePath.join(rootReal, ...segments.slice(0, i)))));
    if ([...above, folderReal].some((folderAbove) => isInsideReal(folderAbove, real, nodePath.sep))) {
      return refuse('ancestor');
    }
  }
  return 'follow';
}
