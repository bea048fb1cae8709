import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ListOptions, type ListPage } from '../../../connectors/driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { MemoryDriver } from '../../../connectors/memory/memory-driver';
import { copyTree } from '../../../connectors/transfer/copy-tree';
import { TransferQueue } from '../../../connectors/transfer/transfer-queue';
import { streamOf } from '../../kit/test-streams';

/** A source whose listing of the root also returns refused names and an entry that escapes (a buggy driver). */
class HostileListing extends MemoryDriver {
  override async list(p: string, options?: ListOptions): Promise<ListPage> {
    const page = await super.list(p, options);
    if (p !== 'src') return page;
    return {
      ...page,
      entries: [...page.entries, { name: 'escape', path: 'src/../../escape', type: 'file', size: 1 }],
      rejected: [{ rawName: JSON.stringify('../evil'), reason: "the name is '..'" }],
    };
  }
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-tree-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('copyTree', () => {
  it('copies nested folders through a shared queue', async () => {
    const source = new MemoryDriver();
    for (const p of ['src/a.txt', 'src/x/b.txt', 'src/x/y/c.txt']) await source.write(p, streamOf(p));
    await source.mkdir('src/empty');
    const queue = new TransferQueue(2);
    const result = await copyTree(
      { driver: source, path: 'src' },
      { driver: new LocalDriver({ root: dir }), path: 'out' },
      { queue },
    );
    expect(result.failed).toEqual([]);
    expect(result.copied.map((c) => c.path).sort()).toEqual(['src/a.txt', 'src/x/b.txt', 'src/x/y/c.txt']);
    expect(await readFile(path.join(dir, 'out/x/y/c.txt'), 'utf8')).toBe('src/x/y/c.txt');
    expect(await readdir(path.join(dir, 'out/empty'))).toEqual([]);
  });

  it('reports unsafe entries by name and writes nothing for them', async () => {
    const source = new HostileListing();
    await source.write('src/good.txt', streamOf('good'));
    const result = await copyTree(
      { driver: source, path: 'src' },
      { driver: new LocalDriver({ root: path.join(dir) }), path: 'dest' },
    );
    expect(result.copied.map((c) => c.path)).toEqual(['src/good.txt']);
    const messages = result.failed.map((f) => `${f.error.code}: ${f.error.message}`);
    expect(messages).toHaveLength(2);
    expect(messages.some((m) => m.startsWith('InvalidInput') && m.includes('"../evil"'))).toBe(true);
    expect(messages.some((m) => m.startsWith('InvalidInput') && m.includes('src/../../escape'))).toBe(true);
    expect(await readdir(dir)).toEqual(['dest']);
    expect(await readdir(path.join(dir, 'dest'))).toEqual(['good.txt']);
  });

  it('stops when cancelled', async () => {
    const source = new MemoryDriver();
    for (let i = 0; i < 20; i++) await source.write(`src/f${i}.bin`, streamOf(Buffer.alloc(1024 * 1024)));
    const controller = new AbortController();
    const result = await copyTree(
      { driver: source, path: 'src' },
      { driver: new LocalDriver({ root: dir }), path: 'out' },
      { signal: controller.signal, concurrency: 1, onFileDone: () => controller.abort() },
    );
    expect(result.copied.length).toBeLessThan(20);
    expect(result.failed.every((f) => f.error.code === 'Cancelled')).toBe(true);
    const left = await readdir(path.join(dir, 'out'));
    expect(left.filter((n) => n.startsWith('.'))).toEqual([]);
  });
});
