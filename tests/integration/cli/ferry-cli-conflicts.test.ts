import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runFerry, type FerryRun } from '../../kit/ferry-process';

// `ferry cp` onto files that already exist: identical ones are left alone (exit 0), different ones are refused
// (exit 4, the file named, nothing written over it) unless --overwrite or --keep-both says what to do.

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
let base = '';
let store = '';
let env: Record<string, string> = {};
const ferry = (args: readonly string[]): Promise<FerryRun> =>
  runFerry(args, { cwd: base, configHome: path.join(base, 'xdg'), env });
const inStore = (relative: string): string => path.join(store, ...relative.split('/'));

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-cli-conflicts-'));
  env = { FERRY_CONNECTOR_VAULT_TYPE: 'local', FERRY_CONNECTOR_VAULT_ROOT: path.join(base, 'store') };
});
afterAll(() => rm(base, { recursive: true, force: true }));
beforeEach(async () => {
  store = path.join(base, 'store');
  await rm(store, { recursive: true, force: true });
  await mkdir(path.join(store, 'incoming'), { recursive: true });
});

describe('ferry cp onto existing files', () => {
  it('leaves an identical file alone and says so, exit 0', async () => {
    const data = randomBytes(200 * 1024);
    await writeFile(path.join(base, 'same.bin'), data);
    await writeFile(inStore('incoming/same.bin'), data);
    const before = await stat(inStore('incoming/same.bin'));
    const run = await ferry(['cp', 'same.bin', 'vault:incoming/']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Already there, identical (size and hash): incoming/same.bin; nothing copied.');
    expect((await stat(inStore('incoming/same.bin'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('refuses a different file with exit 4, naming it, and writes nothing', async () => {
    await writeFile(path.join(base, 'report.csv'), 'id;value\n1;new\n');
    await writeFile(inStore('incoming/report.csv'), 'theirs');
    const run = await ferry(['cp', 'report.csv', 'vault:incoming/']);
    expect(run.code).toBe(4);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toMatch(
      /^ferry: incoming\/report\.csv already exists and differs \(6 bytes there, 15 bytes incoming\)/,
    );
    expect(run.stderr).toContain('--overwrite');
    expect(run.stderr).toContain('--keep-both');
    expect(run.stdout).toBe('');
    expect(await readFile(inStore('incoming/report.csv'), 'utf8')).toBe('theirs');
    expect(await readdir(inStore('incoming'))).toEqual(['report.csv']);
    // The same when the destination names the file itself.
    const named = await ferry(['cp', 'report.csv', 'vault:incoming/report.csv']);
    expect(named.code).toBe(4);
    expect(await readFile(inStore('incoming/report.csv'), 'utf8')).toBe('theirs');
  });

  it('--overwrite replaces it, hashed', async () => {
    const data = randomBytes(64 * 1024);
    await writeFile(path.join(base, 'report.bin'), data);
    await writeFile(inStore('incoming/report.bin'), 'theirs');
    const run = await ferry(['cp', 'report.bin', 'vault:incoming/', '--overwrite']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /Copied .*report\.bin to incoming\/report\.bin \(replaced the existing file\): .* sha256 computed on this computer only/,
    );
    expect(sha256(await readFile(inStore('incoming/report.bin')))).toBe(sha256(data));
  });

  it('--keep-both copies beside it as "name (2).ext", never replacing', async () => {
    const data = randomBytes(64 * 1024);
    await writeFile(path.join(base, 'report.bin'), data);
    await writeFile(inStore('incoming/report.bin'), 'theirs');
    const run = await ferry(['cp', 'report.bin', 'vault:incoming/', '--keep-both']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('to incoming/report (2).bin (beside the existing report.bin)');
    expect(await readFile(inStore('incoming/report.bin'), 'utf8')).toBe('theirs');
    expect(sha256(await readFile(inStore('incoming/report (2).bin')))).toBe(sha256(data));
  });

  it('a folder: copies new files, leaves identical ones, refuses different ones (exit 4), then --keep-both', async () => {
    const tree = path.join(base, 'tree');
    await rm(tree, { recursive: true, force: true });
    await mkdir(path.join(tree, 'sub'), { recursive: true });
    await writeFile(path.join(tree, 'new.txt'), 'new');
    await writeFile(path.join(tree, 'same.txt'), 'same');
    await writeFile(path.join(tree, 'sub', 'changed.txt'), 'mine');
    await mkdir(inStore('incoming/sub'), { recursive: true });
    await writeFile(inStore('incoming/same.txt'), 'same');
    await writeFile(inStore('incoming/sub/changed.txt'), 'theirs');

    const refused = await ferry(['cp', 'tree', 'vault:incoming']);
    expect(refused.code).toBe(4);
    expect(refused.stdout).toMatch(/Copied 1 files .*; 1 already there, identical\./);
    expect(refused.stderr).toContain('not copied: incoming/sub/changed.txt already exists and differs');
    expect(refused.stderr).toMatch(/^ferry: 1 file not copied: a different file is at the destination/m);
    expect(await readFile(inStore('incoming/new.txt'), 'utf8')).toBe('new');
    expect(await readFile(inStore('incoming/sub/changed.txt'), 'utf8')).toBe('theirs');

    const kept = await ferry(['cp', 'tree', 'vault:incoming', '--keep-both']);
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toMatch(/Copied 1 files .*; 2 already there, identical\./);
    expect(await readFile(inStore('incoming/sub/changed.txt'), 'utf8')).toBe('theirs');
    expect(await readFile(inStore('incoming/sub/changed (2).txt'), 'utf8')).toBe('mine');
    expect((await readdir(inStore('incoming'))).sort()).toEqual(['new.txt', 'same.txt', 'sub']);
  });

  it('refuses --overwrite with --keep-both as a usage error (exit 2)', async () => {
    const run = await ferry(['cp', 'a', 'vault:b', '--overwrite', '--keep-both']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('either --overwrite or --keep-both');
  });
});
