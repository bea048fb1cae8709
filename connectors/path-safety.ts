import { lstat, realpath } from 'node:fs/promises';
import nodePath from 'node:path';
import { ConnectorError } from './connector-error';
import { displayName } from './display-name';
import { type RejectedEntry } from './driver';
import { linkError } from './link-problem';

/** Longest accepted name (one path segment), in UTF-8 bytes: the common file-system limit. */
export const MAX_NAME_BYTES = 255;
/** Longest accepted connector path, in UTF-8 bytes. */
export const MAX_PATH_BYTES = 4096;

// C0 controls, DEL and C1 controls: invisible, and NUL truncates paths in C APIs.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Windows reads these as stream or device syntax: refused when resolving onto a Windows disk.
const WINDOWS_ONLY_UNSAFE = /[<>:"|?*]/;

/** Why a single name is unacceptable, or undefined when it is fine. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name === '.' || name === '..') return `is '${name}'`;
  if (name.includes('/')) return "contains '/'";
  if (name.includes('\\')) return "contains '\\'";
  if (CONTROL.test(name)) return 'contains a NUL or control character';
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `is longer than ${MAX_NAME_BYTES} bytes`;
  return undefined;
}

export { displayName };

/**
 * Normalises a connector path before any I/O: relative, '/'-separated, '' for the root. A leading './' and a single
 * trailing '/' are accepted; '..', '.', absolute paths, empty segments, backslashes, NUL and control characters and
 * overlong names are refused with InvalidInput naming the problem.
 */
export function normalizePath(input: string): string {
  if (typeof input !== 'string') throw new ConnectorError('InvalidInput', 'A path must be a string.');
  if (input === '' || input === '.' || input === './') return '';
  const fail = (why: string): never => {
    throw new ConnectorError('InvalidInput', `Refused path ${displayName(input)}: ${why}.`, {
      hint: 'Use a relative path inside the connector, with / between folder names.',
    });
  };
  if (input.startsWith('/') || /^[A-Za-z]:/.test(input) || input.startsWith('\\')) fail('it is absolute');
  if (Buffer.byteLength(input, 'utf8') > MAX_PATH_BYTES) fail(`it is longer than ${MAX_PATH_BYTES} bytes`);
  let trimmed = input.startsWith('./') ? input.slice(2) : input;
  if (trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1);
  const segments = trimmed.split('/');
  for (const segment of segments) {
    const problem = nameProblem(segment);
    if (problem !== undefined) fail(segment === '' ? 'it has an empty segment' : `a segment ${problem}`);
  }
  return segments.join('/');
}

/** Checks a name a server returned (one segment). Refused names are reported, never followed. */
export function checkEntryName(
  raw: string,
): { readonly ok: true; readonly name: string } | { readonly ok: false; readonly rejected: RejectedEntry } {
  const problem = nameProblem(raw);
  if (problem === undefined) return { ok: true, name: raw };
  return { ok: false, rejected: { rawName: displayName(raw), reason: `the name ${problem}` } };
}

/** Joins a normalised folder path and a checked name. */
export function joinPath(parent: string, name: string): string {
  const tail = normalizePath(name);
  return parent === '' ? tail : tail === '' ? parent : `${parent}/${tail}`;
}

/** The folder containing a normalised path ('' for top-level names and for the root). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** The last segment of a normalised path ('' for the root). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` equals `folder` or lies under it (both normalised). */
export function isWithin(path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(`${folder}/`);
}

function insideRoot(candidate: string, root: string): boolean {
  const relative = nodePath.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !nodePath.isAbsolute(relative));
}

/**
 * Resolves a connector path to an absolute local path inside `destRoot`, refusing anything that would land
 * outside it: '..' and absolute paths (by normalizePath), and symbolic links along the way that point outside
 * the root's real path. Missing trailing components are fine (a file about to be written).
 */
export async function resolveInside(destRoot: string, relative: string): Promise<string> {
  const normalized = normalizePath(relative);
  const segments = normalized === '' ? [] : normalized.split('/');
  if (process.platform === 'win32') {
    const bad = segments.find((s) => WINDOWS_ONLY_UNSAFE.test(s) || /[. ]$/.test(s));
    if (bad !== undefined) {
      throw new ConnectorError('InvalidInput', `Refused name ${displayName(bad)}: not valid on Windows.`);
    }
  }
  let root: string;
  try {
    root = await realpath(destRoot);
  } catch (error) {
    throw new ConnectorError('NotFound', `The destination folder does not exist: ${destRoot}`, {
      hint: 'Create the folder or fix the connector root.',
      cause: error,
    });
  }
  const target = nodePath.join(root, ...segments);
  // Walk down from the root: every existing component must resolve (through links) inside the root.
  let current = root;
  for (const segment of segments) {
    current = nodePath.join(current, segment);
    let isLink: boolean;
    try {
      isLink = (await lstat(current)).isSymbolicLink();
    } catch {
      break; // Missing from here on: nothing to follow.
    }
    if (isLink) {
      let real: string;
      try {
        real = await realpath(current);
      } catch (error) {
        // A broken link or a loop in the way is named, never silently followed or skipped.
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ELOOP') throw linkError(normalized, 'loop');
        if (code === 'ENOENT' || code === 'ENOTDIR') throw linkError(normalized, 'dangling');
        throw new ConnectorError('PermissionDenied', `Cannot follow the link in ${displayName(normalized)}.`, {
          path: normalized,
          cause: error,
        });
      }
      if (!insideRoot(real, root)) throw linkError(normalized, 'outside');
    }
  }
  if (!insideRoot(target, root)) {
    throw new ConnectorError('PermissionDenied', `Refused path ${displayName(normalized)}: outside the destination.`);
  }
  return target;
}
