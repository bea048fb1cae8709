import { describe, expect, it } from 'vitest';
import { type Entry } from '../../../connectors/driver';
import { FolderSnapshots } from '../../../connectors/remote-files/list-page';

const files = (count: number): Entry[] =>
  Array.from({ length: count }, (_, i) => {
    const name = `f-${String(count - i).padStart(4, '0')}`;
    return { name, path: `dir/${name}`, type: 'file' as const, size: i };
  });

/** Walks every page, returning the names in order. */
async function walk(snapshots: FolderSnapshots, read: () => Promise<{ entries: Entry[]; rejected: [] }>) {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await snapshots.page('dir', { pageSize: 100, ...(cursor === undefined ? {} : { cursor }) }, read);
    names.push(...page.entries.map((e) => e.name));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return names;
}

describe('FolderSnapshots', () => {
  it('reads a whole folder once per walk, pages it in name order, and reads afresh for a new walk or after a change', async () => {
    let reads = 0;
    const read = async () => {
      reads++;
      return { entries: files(1050), rejected: [] as [] };
    };
    let clock = 0;
    const snapshots = new FolderSnapshots(30_000, 8, () => clock);
    const names = await walk(snapshots, read);
    expect(reads).toBe(1);
    expect(names).toHaveLength(1050);
    expect(names).toEqual([...names].sort());
    await walk(snapshots, read);
    expect(reads).toBe(2);

    // A change through the driver, or an old snapshot, means the next page reads again.
    const first = await snapshots.page('dir', { pageSize: 100 }, read);
    snapshots.clear();
    await snapshots.page('dir', { pageSize: 100, cursor: first.cursor! }, read);
    expect(reads).toBe(4);
    clock += 31_000;
    const again = await snapshots.page('dir', { pageSize: 100, cursor: first.cursor! }, read);
    expect(reads).toBe(5);
    expect(again.entries[0]!.name > first.cursor!).toBe(true);
  });
});
