import { ConnectorError } from './connector-error';
import { type RejectedEntry } from './driver';
import { displayName } from './display-name';

/**
 * Why a symbolic link is not followed: it leads outside the connector's folder, its target does not exist, it
 * leads back to itself, or it points at a folder the walk is already in (it would never end).
 */
export type LinkProblem = 'outside' | 'dangling' | 'loop' | 'ancestor';

/** The reason shown beside a refused link in a listing (same shape as refused hostile names). */
export function linkReason(problem: LinkProblem): string {
  switch (problem) {
    case 'outside':
      return "it is a symbolic link that leads outside the connector's folder";
    case 'dangling':
      return 'it is a broken symbolic link (its target does not exist)';
    case 'loop':
      return 'it is a symbolic link that loops back to itself';
    case 'ancestor':
      return 'it is a symbolic link to a folder that contains it (following it would loop)';
  }
}

/** A listing entry for a link that is reported instead of followed. */
export function rejectedLink(rawName: string, problem: LinkProblem): RejectedEntry {
  return { rawName: displayName(rawName), reason: linkReason(problem) };
}

/** The error of an operation on a path that goes through a refused link, naming the path. */
export function linkError(path: string, problem: LinkProblem): ConnectorError {
  const shown = displayName(path);
  switch (problem) {
    case 'outside':
      return new ConnectorError(
        'PermissionDenied',
        `Refused path ${shown}: a symbolic link leads outside the connector's folder.`,
        {
          path,
          hint: "Ferry follows links only inside the connector's folder: copy the file into it or change the folder.",
        },
      );
    case 'dangling':
    case 'loop':
    case 'ancestor':
      return new ConnectorError('NotFound', `Cannot use ${shown}: ${linkReason(problem)}.`, {
        path,
        hint: 'Fix or remove the link on the storage.',
      });
  }
}

/** Whether an absolute POSIX-style real path equals `root` or lies below it. */
export function isInsideReal(real: string, root: string, separator = '/'): boolean {
  if (real === root) return true;
  return real.startsWith(root.endsWith(separator) ? root : `${root}${separator}`);
}
