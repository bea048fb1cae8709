import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { extractAll, extractFile, listPackage } from '@electron/asar';
import { beforeAll, describe, expect, it } from 'vitest';

// electron-builder --dir with a stand-in Electron (the real binary cannot be downloaded here), then inspect app.asar.

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
let files: string[];
let asar: string;
let work: string;

beforeAll(() => {
  if (!existsSync(path.join(root, 'out/main/index.js'))) throw new Error('Run `npm run build` first.');
  work = mkdtempSync(path.join(os.tmpdir(), 'ferry-pack-'));
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
  asar = path.join(output, 'linux-unpacked/resources/app.asar');
  files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
}, 180_000);

describe('packaged app.asar', () => {
  it('contains the built main, preload and renderer and the package manifest', () => {
    for (const f of ['/package.json', '/out/main/index.js', '/out/preload/index.js', '/out/renderer/index.html']) {
      expect(files).toContain(f);
    }
    expect(files.some((f) => /^\/out\/renderer\/assets\/index-.*\.js$/.test(f))).toBe(true);
  });

  it('runs the ferry command from the package, on its production dependencies alone', () => {
    expect(files).toContain('/out/cli/ferry.js');
    const app = path.join(work, 'app');
    extractAll(asar, app);
    const folder = mkdtempSync(path.join(work, 'folder-'));
    writeFileSync(path.join(folder, 'a.txt'), 'alpha');
    // Node resolves the bundle's packages from the extracted app's node_modules only (nothing above it has one).
    const run = spawnSync(process.execPath, [path.join(app, 'out/cli/ferry.js'), 'ls', folder, '--json'], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '', HOME: work, XDG_CONFIG_HOME: path.join(work, 'xdg') },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim())).toMatchObject({ name: 'a.txt', size: 5 });
  });

  it('contains no sources, source maps or tests', () => {
    const sources = /\.(ts|tsx|mts|cts|map)$/;
    const ownFolders = /^\/(main|preload|renderer|shared|connectors|platform|tests|scripts|build)\//;
    const testDirs = /\/(test|tests|__tests__)\//;
    const offending = files.filter((f) => sources.test(f) || ownFolders.test(f) || testDirs.test(f));
    expect(offending).toEqual([]);
  });

  it('contains no development-only package and every production dependency', () => {
    // package-lock marks packages reachable only from devDependencies with "dev": true. electron-builder flattens
    // the tree, so match each packaged package by name and version against the lock's production entries.
    const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { version?: string; dev?: boolean }>;
    };
    const production = new Set(
      Object.entries(lock.packages)
        .filter(([, entry]) => entry.dev !== true)
        .map(([where, entry]) => `${where.replace(/^.*node_modules\//, '')}@${entry.version}`),
    );
    const packaged = new Set(
      files
        .filter((f) => /^\/node_modules\/(@[^/]+\/)?[^/]+\/package\.json$/.test(f))
        .map((f) => f.slice('/node_modules/'.length, -'/package.json'.length)),
    );
    const devOnly = [...packaged].filter((name) => {
      const { version } = JSON.parse(extractFile(asar, `node_modules/${name}/package.json`).toString()) as {
        version: string;
      };
      return !production.has(`${name}@${version}`);
    });
    expect(devOnly).toEqual([]);
    for (const dep of Object.keys(pkg.dependencies)) expect(packaged, dep).toContain(dep);
    for (const dev of ['electron', 'react', 'vite', 'vitest', 'typescript', '@playwright/test']) {
      expect(packaged, dev).not.toContain(dev);
    }
  });
});
