import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStaticFile } from '../../../main/security/static-files';

describe('resolveStaticFile', () => {
  const base = mkdtempSync(path.join(os.tmpdir(), 'ferry-static-'));
  const root = path.join(base, 'renderer');
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<html>');
  writeFileSync(path.join(root, 'assets/app.js'), '');
  writeFileSync(path.join(base, 'secret.txt'), 'secret');
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'assets/link.txt'));

  it('serves files inside the root, index.html for /', async () => {
    expect(await resolveStaticFile(root, '/')).toBe(path.join(root, 'index.html'));
    expect(await resolveStaticFile(root, '/assets/app.js')).toBe(path.join(root, 'assets/app.js'));
  });

  it.each([
    '/../secret.txt',
    '/..%2fsecret.txt',
    '/assets/%2e%2e/%2e%2e/secret.txt',
    '/assets/link.txt',
    '/a%00b',
    '/%E0%A4%A',
    '/missing.js',
    '/assets',
    '/..\\secret.txt',
  ])('refuses %s', async (p) => {
    expect(await resolveStaticFile(root, p)).toBeUndefined();
  });
});
