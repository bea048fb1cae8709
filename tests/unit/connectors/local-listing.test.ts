import { closeSync, openSync } from 'node:fs';
import * as fsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type Entry, type ListPage, type RejectedEntry } from '../../../connectors/driver';
import { LocalDriver } from '../../../connectors/local/local-driver';

// Counts the folder reads a walk makes (the driver imports readdir from node:fs/promises).
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof fsPromises>();
  return { ...actual, readdir: vi.fn(actual.readdir) };
});

const COUNT = 2_500;
const name = (i: number): string => `f-${String(i).padStart(5, '0')}.csv`;

/** Every page of `folder`, calling `between` after each page but the last. */
async function walk(
  driver: LocalDriver,
  folder: string,
  between: (page: ListPage) => Promise<void> = async () => {},
): Promise<{ readonly entries: Entry[]; readonly rejected: RejectedEntry[] }> {
  const entries: Entry[] = [];
  const rejected: RejectedEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(folder, { pageSize: 1000, ...(cursor === undefined ? {} : { cursor }) });
    entries.push(...page.entries);
    rejected.push(...page.rejected);
    cursor = page.cursor;
    if (cursor !== undefined) await between(page);
  } while (cursor !== undefined);
  return { entries, rejected };
}

describe('listing a wide local folder', () => {
  let base = '';
  let root = '';

  beforeAll(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'ferry-local-listing-'));
    root = path.join(base, 'root');
    await mkdir(path.join(root, 'wide'), { recursive: true });
    await mkdir(path.join(base, 'outside'));
    await writeFile(path.join(base, 'outside', 'secret.txt'), 'not yours');
    for (let i = 0; i < COUNT; i++) closeSync(openSync(path.join(root, 'wide', name(i)), 'w'));
    await writeFile(path.join(root, 'wide', name(1500)), 'sized');
    // On the second and third pages: a link out of the folder and a link to a file inside it.
    await symlink(path.join(base, 'outside', 'secret.txt'), path.join(root, 'wide', 'f-01200-escape.csv'));
    await symlink(path.join(root, 'wide', name(1500)), path.join(root, 'wide', 'f-02100-inside.csv'));
  });

  afterAll(async () => {
    await rm(base, { recursive: true, force: true });
  });

  it('reads the folder once per walk and serves every entry once, in name order, with its size', async () => {
    const driver = new LocalDriver({ root });
    const readdir = vi.mocked(fsPromises.readdir);
    readdir.mockClear();
    const { entries, rejected } = await walk(driver, 'wide');
    expect(readdir).toHaveBeenCalledTimes(1);
    const names = entries.map((e) => e.name);
    expect(names).toHaveLength(COUNT + 1);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([...names].sort());
    expect(entries.find((e) => e.name === name(1500))).toMatchObject({ type: 'file', size: 5 });
    // Links are still judged one by one on later pages: the one inside is followed, the one out refused.
    expect(entries.find((e) => e.name === 'f-02100-inside.csv')).toMatchObject({ type: 'file', size: 5 });
    expect(rejected.map((r) => r.rawName)).toEqual([expect.stringContaining('f-01200-escape.csv')]);
    expect(rejected[0]!.reason).toMatch(/outside/);
  });

  it('skips a file removed during a walk, and the next walk sees what was added meanwhile', async () => {
    const driver = new LocalDriver({ root });
    let turn = 0;
    const { entries } = await walk(driver, 'wide', async () => {
      if (turn++ > 0) return;
      await unlink(path.join(root, 'wide', name(2400)));
      await writeFile(path.join(root, 'wide', 'f-02450-new.csv'), 'late');
    });
    const names = entries.map((e) => e.name);
    expect(names).not.toContain(name(2400));
    const next = (await walk(driver, 'wide')).entries.map((e) => e.name);
    expect(next).toContain('f-02450-new.csv');
    expect(next).not.toContain(name(2400));
  });

  it('reads afresh once the driver itself changed the folder', async () => {
    const driver = new LocalDriver({ root });
    const readdir = vi.mocked(fsPromises.readdir);
    readdir.mockClear();
    const first = await driver.list('wide', { pageSize: 1000 });
    await driver.mkdir('wide/zz-made-meanwhile');
    let cursor = first.cursor;
    const rest: string[] = [];
    while (cursor !== undefined) {
      const page = await driver.list('wide', { pageSize: 1000, cursor });
      rest.push(...page.entries.map((e) => e.name));
      cursor = page.cursor;
    }
    expect(rest).toContain('zz-made-meanwhile');
    expect(readdir).toHaveBeenCalledTimes(2);
  });
});
