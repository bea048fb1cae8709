import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import {
  baseName,
  checkEntryName,
  joinPath,
  normalizePath,
  parentPath,
  resolveInside,
} from '../../../connectors/path-safety';

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('InvalidInput');
    return (error as ConnectorError).message;
  }
  throw new Error('expected a refusal');
}

describe('normalizePath', () => {
  it('accepts relative paths and the root', () => {
    expect(normalizePath('')).toBe('');
    expect(normalizePath('.')).toBe('');
    expect(normalizePath('./')).toBe('');
    expect(normalizePath('a/b c/ü.txt')).toBe('a/b c/ü.txt');
    expect(normalizePath('./a/b/')).toBe('a/b');
    expect(normalizePath('...')).toBe('...');
    expect(normalizePath('a..b')).toBe('a..b');
  });

  it.each([
    ['../x', "'..'"],
    ['a/../../x', "'..'"],
    ['a/./b', "'.'"],
    ['/etc/passwd', 'absolute'],
    ['C:/Windows', 'absolute'],
    ['\\\\server\\share', 'absolute'],
    ['a\\..\\b', '\\'],
    ['a//b', 'empty segment'],
    ['nul\u0000byte', 'control'],
    ['bell\u0007', 'control'],
    ['newline\nname', 'control'],
    ['c1\u0085', 'control'],
    ['del\u007f', 'control'],
    ['x'.repeat(256), '255 bytes'],
    ['é'.repeat(128), '255 bytes'],
    [`${'a/'.repeat(2100)}a`, '4096 bytes'],
  ])('refuses %j', (input, why) => {
    expect(refusal(() => normalizePath(input))).toContain(why);
  });

  it('shows refused names escaped, never raw control characters', () => {
    const message = refusal(() => normalizePath('evil\u001b[31mred'));
    expect(message).not.toContain('\u001b');
    expect(message).toContain('\\u001b');
  });
});

describe('names and joins', () => {
  it('checks names a server returned', () => {
    expect(checkEntryName('fine.txt')).toEqual({ ok: true, name: 'fine.txt' });
    for (const bad of ['..', '.', '../escape', '/abs', 'a\u0000b', '', 'x'.repeat(300), 'a\\b']) {
      const result = checkEntryName(bad);
      expect(result.ok, bad).toBe(false);
    }
    const rejected = checkEntryName('../escape');
    expect(rejected.ok === false && rejected.rejected.rawName).toBe('"../escape"');
  });

  it('joins, splits and names paths', () => {
    expect(joinPath('', 'a')).toBe('a');
    expect(joinPath('a/b', 'c')).toBe('a/b/c');
    expect(() => joinPath('a', '../x')).toThrow(ConnectorError);
    expect(parentPath('a/b/c')).toBe('a/b');
    expect(parentPath('a')).toBe('');
    expect(baseName('a/b/c')).toBe('c');
    expect(baseName('')).toBe('');
  });
});

describe('resolveInside', () => {
  let root = '';
  let outside = '';

  beforeAll(async () => {
    const base = await realpath(await mkdtemp(path.join(tmpdir(), 'ferry-paths-')));
    root = path.join(base, 'dest');
    outside = path.join(base, 'outside');
    await mkdir(path.join(root, 'inner'), { recursive: true });
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret'), 'x');
    await symlink(outside, path.join(root, 'escape-link'));
    await symlink(path.join(root, 'inner'), path.join(root, 'inner-link'));
    await symlink(path.join(outside, 'secret'), path.join(root, 'inner', 'file-link'));
  });

  afterAll(async () => {
    await rm(path.dirname(root), { recursive: true, force: true });
  });

  it('resolves paths inside the root, existing or not', async () => {
    expect(await resolveInside(root, 'a/b.txt')).toBe(path.join(root, 'a', 'b.txt'));
    expect(await resolveInside(root, '')).toBe(root);
    expect(await resolveInside(root, 'inner-link/new.txt')).toBe(path.join(root, 'inner-link', 'new.txt'));
  });

  it('refuses symbolic links that lead outside', async () => {
    for (const p of ['escape-link', 'escape-link/secret', 'escape-link/new/deeper.txt', 'inner/file-link']) {
      const error = await resolveInside(root, p).catch((e: unknown) => e);
      expect(error, p).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).code).toBe('PermissionDenied');
    }
  });

  it('refuses traversal before touching the disk', async () => {
    const error = await resolveInside('/nonexistent-root-for-sure', '../x').catch((e: unknown) => e);
    expect((error as ConnectorError).code).toBe('InvalidInput');
  });
});
