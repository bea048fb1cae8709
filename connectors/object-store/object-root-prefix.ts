import { normalizePath } from '../path-safety';

/** The stored-name prefix of a connector's root ('' or 'some/folder/'); InvalidInput when the prefix is unsafe. */
export function objectRootPrefix(prefix: string): string {
  const root = normalizePath(prefix.replace(/^\/+/, ''));
  return root === '' ? '' : `${root}/`;
}
