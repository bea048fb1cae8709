import { type Entry, type ListOptions, type ListPage, type RejectedEntry } from '../driver';
import { byName } from '../guarded-driver';

const DEFAULT_PAGE_SIZE = 1000;

/**
 * One page of a folder the server lists whole (SFTP, FTP): entries sorted by name, the cursor is the last name
 * of the page, and refused names are reported with the first page only.
 */
export function pageByName(
  entries: readonly Entry[],
  rejected: readonly RejectedEntry[],
  options: ListOptions,
): ListPage {
  const sorted = [...entries].sort(byName);
  const cursor = options.cursor;
  const from = cursor === undefined ? 0 : sorted.findIndex((e) => e.name > cursor);
  const size = Math.max(1, options.pageSize ?? DEFAULT_PAGE_SIZE);
  const page = from < 0 ? [] : sorted.slice(from, from + size);
  const last = page.at(-1);
  const more = from >= 0 && from + size < sorted.length;
  return {
    entries: page,
    rejected: cursor === undefined ? rejected : [],
    ...(more && last !== undefined ? { cursor: last.name } : {}),
  };
}
