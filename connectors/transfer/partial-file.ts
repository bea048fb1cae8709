import { createHash } from 'node:crypto';
import { ConnectorError } from '../connector-error';
import { parentPath } from '../path-safety';

/** The suffix of partial files: `.part`, which download managers, sync clients and "*.part" ignore rules skip. */
export const PARTIAL_SUFFIX = '.part';

function partialId(destination: string): string {
  return createHash('sha256').update(destination).digest('hex').slice(0, 16);
}

function inParent(destination: string, name: string): string {
  const parent = parentPath(destination);
  return parent === '' ? name : `${parent}/${name}`;
}

/**
 * The hidden name a resumable copy writes to before renaming into place: `.ferry-partial-<id>.part` beside the
 * destination. Stable per destination path (a later copy resumes it), short (long names still fit), and both a
 * dotfile and `*.part`, so folder watchers and sync tools that skip hidden or temporary files ignore it.
 */
export function partialPathOf(destination: string): string {
  return inParent(destination, `.ferry-partial-${partialId(destination)}${PARTIAL_SUFFIX}`);
}

/** The name earlier versions used (no suffix): a copy adopts such a partial instead of starting over. */
export function legacyPartialPathOf(destination: string): string {
  return inParent(destination, `.ferry-partial-${partialId(destination)}`);
}

/** Whether a file name is one of Ferry's partial files (current or earlier naming). */
export function isPartialName(name: string): boolean {
  return /^\.ferry-partial-[0-9a-f]{16}(?:\.part)?$/.test(name);
}

/**
 * The same error told about the user's destination instead of the hidden partial it came from: users never see
 * the partial's name (they did not choose it and cannot find it).
 */
export function aboutDestination(error: ConnectorError, partial: string, destination: string): ConnectorError {
  const mentions = error.path === partial || error.message.includes(partial) || error.hint?.includes(partial);
  if (!mentions) return error;
  const renamed = new ConnectorError(error.code, error.message.split(partial).join(destination), {
    hint: error.hint?.split(partial).join(destination),
    path: destination,
    cause: error.cause ?? error,
    retryAfterMs: error.retryAfterMs,
  });
  return renamed;
}
