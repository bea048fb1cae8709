import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listPackage } from '@electron/asar';
import { beforeAll, describe, expect, it } from 'vitest';

// electron-builder --dir with a stand-in Electron (the real binary cannot be downloaded here), then inspect app.asar.

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
let files: string[];

beforeAll(() => {
  if (!existsSync(path.join(root, 'out/main/index.js'))) throw new Error('Run `npm run build` first.');
  const work = mkdtempSync(path.join(os.tmpdir(), 'ferry-pack-'));
  const electronDist = path.join(work, 'electron-dist');
  mkdirSync(electronDist);
  writeFileSync(path.join(electronDist, 'electron'), '#!/bin/sh\necho stand-in\n');
  chmodSync(path.join(electronDist, 'electron'), 0o755);
  writeFileSync(path.join(electronDist, 'version'), pkg.devDependencies['electron']!);
  const output = path.join(work, 'dist');
  execFileSync(
    path.join(root, 'node_modules/.bin/electron-builder'),
    ['--linux', '--dir', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`, '--publish', 'never'],
    { cwd: root, stdio: 'pipe', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  files = listPackage(path.join(output, 'linux-unpacked/resources/app.asar'), { isPack: false }).map((f) =>
    f.replaceAll('\\', '/'),
  );
}, 180_000);

describe('packaged app.asar', () => {
  it('contains the built main, preload and renderer and the package manifest', () => {
    for (const f of ['/package.json', '/out/main/index.js', '/out/preload/index.js', '/out/renderer/index.html']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
  });

  it('contains no sources, source maps or tests', () => {
    const sources = /\.(ts|tsx|mts|cts|map)$/;
    const ownFolders = /^\/(main|preload|renderer|shared|connectors|platform|tests|scripts|build)\//;
    const testDirs = /\/(test|tests|__tests__)\//;
    const offending = files.filter((f) => sources.test(f) || ownFolders.test(f) || testDirs.test(f));
    expect(offending).toEqual([]);
  });

  it('contains no development dependency and every production dependency', () => {
    const topLevel = new Set(
      files
        .filter((f) => f.startsWith('/node_modules/'))
        .map((f) =>
          f
            .split('/')
            .slice(2, f.split('/')[2]!.startsWith('@') ? 4 : 3)
            .join('/'),
        ),
    );
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => topLevel.has(d));
    expect(devOnly).toEqual([]);
    for (const dep of Object.keys(pkg.dependencies)) expect(topLevel, dep).toContain(dep);
  });
});
