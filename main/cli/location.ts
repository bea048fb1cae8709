import path from 'node:path';
import { ConnectorError } from '../../connectors/connector-error';

/** Where `ls` or `cp` points: a configured connector and a path in it, or a path on the local disk. */
export type Location =
  | { readonly type: 'connector'; readonly connector: string; readonly path: string; readonly trailingSlash: boolean }
  | { readonly type: 'local'; readonly absolute: string; readonly trailingSlash: boolean };

/**
 * Parses `<connector>:<path>` (a leading '/' in the path means the connector's root) or a local path. A prefix
 * that names no configured connector (like a Windows drive letter) makes the whole argument a local path.
 */
export function parseLocation(argument: string, connectors: ReadonlySet<string>, cwd = process.cwd()): Location {
  if (argument === '') throw new ConnectorError('InvalidInput', 'An empty location was given.');
  const trailingSlash = argument.endsWith('/') || argument.endsWith(path.sep);
  const match = /^([A-Za-z0-9][A-Za-z0-9_-]*):(.*)$/s.exec(argument);
  if (match !== null) {
    const name = match[1]!.toLowerCase();
    if (connectors.has(name)) {
      const inner = match[2]!.replace(/^\/+/, '').replace(/\/+$/, '');
      return { type: 'connector', connector: name, path: inner, trailingSlash };
    }
    if (match[1]!.length > 1) {
      throw new ConnectorError('InvalidInput', `No connector named "${match[1]}".`, {
        hint: 'Run `ferry connectors` to see the configured ones, or write ./ before a local path containing ":".',
      });
    }
  }
  return { type: 'local', absolute: path.resolve(cwd, argument), trailingSlash };
}
