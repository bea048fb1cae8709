import { type Hashes } from '../../shared/connectors/hash-algorithm';
import { ConnectorError } from '../connector-error';
import { type Entry, type ListPage, type RejectedEntry } from '../driver';
import { checkEntryName } from '../path-safety';

/** A stored object's facts as a listing or a head request gives them. */
export interface ObjectFacts {
  readonly size: number;
  readonly mtimeMs?: number;
  /** Digests the store keeps (absent or empty when none). */
  readonly hashes?: Hashes;
}

/** One page of a delimiter listing, names as stored (the root prefix included), as a store's API returns it. */
export interface ObjectPage {
  /** Common prefixes ("sub/folder/"), the trailing delimiter included. */
  readonly folders: readonly string[];
  readonly objects: readonly (ObjectFacts & { readonly name: string })[];
  /** The store's continuation token when more pages follow. */
  readonly cursor?: string;
}

/** The file entry of an object at connector path `path`. */
export function fileEntry(path: string, name: string, facts: ObjectFacts): Entry {
  const hashes = facts.hashes ?? {};
  return {
    name,
    path,
    type: 'file',
    size: facts.size,
    ...(facts.mtimeMs === undefined ? {} : { mtimeMs: facts.mtimeMs }),
    ...(Object.keys(hashes).length > 0 ? { hashes } : {}),
  };
}

/**
 * Turns a store's listing page under `prefix` (the folder `p`) into a driver's page: names checked by path safety,
 * the folder's own zero-byte "folder/" marker left out (guardDriver sorts the entries). The first page of a folder
 * with neither children nor marker is NotFound (prefixes exist only through objects).
 */
export function toListPage(p: string, prefix: string, page: ObjectPage, firstPage: boolean): ListPage {
  const entries: Entry[] = [];
  const rejected: RejectedEntry[] = [];
  const add = (raw: string, make: (name: string, path: string) => Entry): void => {
    const checked = checkEntryName(raw);
    if (checked.ok) entries.push(make(checked.name, p === '' ? checked.name : `${p}/${checked.name}`));
    else rejected.push(checked.rejected);
  };
  let markerSeen = false;
  for (const folder of page.folders) {
    add(folder.slice(prefix.length, -1), (name, path) => ({ name, path, type: 'directory' }));
  }
  for (const object of page.objects) {
    const raw = object.name.slice(prefix.length);
    // A zero-byte "folder/" marker made by consoles is the folder itself, not a child.
    if (raw === '') {
      markerSeen = true;
      continue;
    }
    add(raw, (name, path) => fileEntry(path, name, object));
  }
  if (p !== '' && firstPage && entries.length === 0 && rejected.length === 0 && !markerSeen) {
    throw new ConnectorError('NotFound', `Not found: ${p}`, { path: p });
  }
  return { entries, rejected, ...(page.cursor === undefined ? {} : { cursor: page.cursor }) };
}
