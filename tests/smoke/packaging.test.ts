import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
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
let install: string;
let app: string;

beforeAll(() => {
  if (!existsSync(path.join(root, 'out/main/index.js'))) throw new Error('Run `npm run build` first.');
  work = mkdtempSync(path.join(os.tmpdir(), 'ferry-pack-'));
  const electronDist = path.join(work, 'electron-dist');
  mkdirSync(electronDist);
  app = path.join(work, 'app');
  // The stand-in plays Electron's node mode for the command-line wrapper: it records how it was called and runs the
  // requested script with this Node from the extracted copy of app.asar (plain Node cannot read inside an archive).
  writeFileSync(
    path.join(electronDist, 'electron'),
    [
      '#!/bin/sh',
      'if [ "$ELECTRON_RUN_AS_NODE" = 1 ]; then',
      `  printf '%s\\n' "$0" "$1" > '${path.join(work, 'stand-in-call.txt')}'`,
      `  script=$(printf '%s' "$1" | sed 's#^.*/resources/app\\.asar/#${app}/#')`,
      '  shift',
      `  exec '${process.execPath}' "$script" "$@"`,
      'fi',
      'echo stand-in',
      '',
    ].join('\n'),
  );
  chmodSync(path.join(electronDist, 'electron'), 0o755);
  writeFileSync(path.join(electronDist, 'version'), pkg.devDependencies['electron']!);
  const output = path.join(work, 'dist');
  execFileSync(
    path.join(root, 'node_modules/.bin/electron-builder'),
    ['--linux', '--dir', `-c.electronDist=${electronDist}`, `-c.directories.output=${output}`, '--publish', 'never'],
    { cwd: root, stdio: 'pipe', env: { ...process.env, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  );
  install = path.join(output, 'linux-unpacked');
  asar = path.join(install, 'resources/app.asar');
  files = listPackage(asar, { isPack: false }).map((f) => f.replaceAll('\\', '/'));
  extractAll(asar, app);
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

  it("ships resources/bin/ferry, which runs the bundle inside app.asar through the app's Electron as Node", () => {
    const wrapper = path.join(install, 'resources/bin/ferry');
    expect(statSync(wrapper).mode & 0o111).not.toBe(0);
    expect(existsSync(path.join(install, 'resources/bin/ferry.cmd'))).toBe(true);
    // Run as a user would after linking it into PATH: through a symbolic link from another folder.
    const bin = mkdtempSync(path.join(work, 'bin-'));
    symlinkSync(wrapper, path.join(bin, 'ferry'));
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: work, XDG_CONFIG_HOME: path.join(work, 'xdg') };
    const help = spawnSync('ferry', ['--help'], { encoding: 'utf8', env });
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: ferry <command>');
    expect(readFileSync(path.join(work, 'stand-in-call.txt'), 'utf8').split('\n').slice(0, 2)).toEqual([
      path.join(install, 'ferry'),
      path.join(install, 'resources/app.asar/out/cli/ferry.js'),
    ]);
    // A failing command's exit code reaches the caller through the wrapper.
    const missing = spawnSync('ferry', ['ls', path.join(work, 'no-such-folder')], { encoding: 'utf8', env });
    expect(missing.status).toBe(1);
    expect(missing.stderr).not.toBe('');
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
