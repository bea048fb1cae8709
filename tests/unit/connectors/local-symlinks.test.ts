import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { copyTree } from '../../../connectors/transfer/copy-tree';

const failure = async (promise: Promise<unknown>): Promise<ConnectorError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return error as ConnectorError;
};

const text = async (stream: NodeJS.ReadableStream): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const REFUSED = {
  secret: 'outside',
  'outside-folder': 'outside',
  dangling: 'broken',
  loop1: 'loops',
  loop2: 'loops',
} as const;

describe('local symbolic links stay inside the connector folder', () => {
  let base = '';
  let root = '';
  let outside = '';
  let dest = '';

  beforeAll(async () => {
    base = await realpath(await mkdtemp(path.join(tmpdir(), 'ferry-local-links-')));
    root = path.join(base, 'root');
    outside = path.join(base, 'outside');
    dest = path.join(base, 'dest');
    await mkdir(path.join(root, 'data'), { recursive: true });
    await mkdir(path.join(root, 'left'));
    await mkdir(path.join(root, 'right'));
    await writeFile(path.join(root, 'left', 'l.txt'), 'l');
    await writeFile(path.join(root, 'right', 'r.txt'), 'r');
    // Two sibling folders linking to each other: a walk must not go round.
    await symlink('../right', path.join(root, 'left', 'to-right'));
    await symlink('../left', path.join(root, 'right', 'to-left'));
    await mkdir(outside);
    await mkdir(dest);
    await writeFile(path.join(outside, 'secret.txt'), 'secret');
    await writeFile(path.join(root, 'plain.txt'), 'plain');
    await writeFile(path.join(root, 'data', 'a.txt'), 'a');
    await symlink(path.join(outside, 'secret.txt'), path.join(root, 'secret'));
    await symlink(outside, path.join(root, 'outside-folder'));
    await symlink('plain.txt', path.join(root, 'inside-file'));
    await symlink('data', path.join(root, 'data-link'));
    await symlink('missing-target', path.join(root, 'dangling'));
    await symlink('loop2', path.join(root, 'loop1'));
    await symlink('loop1', path.join(root, 'loop2'));
    await symlink('..', path.join(root, 'data', 'up'));
  });
  afterAll(async () => {
    if (base) await rm(base, { recursive: true, force: true });
  });

  it('list() flags links outside, broken links and loops by name, and follows links inside', async () => {
    const local = new LocalDriver({ root });
    const page = await local.list('');
    expect(page.entries.map((e) => `${e.path}:${e.type}`)).toEqual([
      'data:directory',
      'data-link:directory',
      'inside-file:file',
      'left:directory',
      'plain.txt:file',
      'right:directory',
    ]);
    const reasons = Object.fromEntries(page.rejected.map((r) => [r.rawName, r.reason]));
    expect(Object.keys(reasons).sort()).toEqual(
      Object.keys(REFUSED)
        .map((n) => JSON.stringify(n))
        .sort(),
    );
    for (const [name, word] of Object.entries(REFUSED)) expect(reasons[JSON.stringify(name)]).toContain(word);
    const linked = await local.list('data-link');
    expect(linked.entries.map((e) => e.path)).toEqual(['data-link/a.txt']);
    expect(linked.rejected).toEqual([{ rawName: '"up"', reason: expect.stringContaining('contains it') }]);
  });

  it('stat(), read() and write() refuse links outside, and name broken links and loops', async () => {
    const local = new LocalDriver({ root });
    for (const p of ['secret', 'outside-folder', 'outside-folder/secret.txt']) {
      const error = await failure(local.stat(p));
      expect(error.code, p).toBe('PermissionDenied');
      expect(error.message).toContain(JSON.stringify(p));
      expect(error.message).toContain("outside the connector's folder");
    }
    expect((await failure(local.read('secret'))).code).toBe('PermissionDenied');
    const write = await failure(local.write('outside-folder/new.txt', Readable.from([Buffer.from('x')])));
    expect(write.code).toBe('PermissionDenied');
    expect(existsSync(path.join(outside, 'new.txt'))).toBe(false);
    for (const [name, word] of [
      ['dangling', 'broken'],
      ['loop1', 'loops'],
    ] as const) {
      const error = await failure(local.stat(name));
      expect(error.code).toBe('NotFound');
      expect(error.message).toContain(JSON.stringify(name));
      expect(error.message).toContain(word);
    }
    expect(await text(await local.read('inside-file'))).toBe('plain');
    expect(await text(await local.read('data-link/a.txt'))).toBe('a');
  });

  it('a folder copy walks links inside once, never walks the folder outside, and names every refused link', async () => {
    const result = await copyTree(
      { driver: new LocalDriver({ root }), path: '' },
      { driver: new LocalDriver({ root: dest }), path: '' },
    );
    expect(result.copied.map((c) => c.path).sort()).toEqual([
      'data-link/a.txt',
      'data/a.txt',
      'inside-file',
      'left/l.txt',
      'left/to-right/r.txt',
      'plain.txt',
      'right/r.txt',
      'right/to-left/l.txt',
    ]);
    expect(readdirSync(dest).sort()).toEqual(['data', 'data-link', 'inside-file', 'left', 'plain.txt', 'right']);
    expect(readFileSync(path.join(dest, 'inside-file'), 'utf8')).toBe('plain');
    const messages = result.failed.map((f) => f.error.message).join('\n');
    for (const name of [...Object.keys(REFUSED), 'up', 'to-left', 'to-right']) {
      expect(messages).toContain(JSON.stringify(name));
    }
    expect(messages).not.toContain('secret.txt');
  });
});
