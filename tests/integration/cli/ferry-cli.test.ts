import { randomBytes, createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry, type FerryRun } from '../../kit/ferry-process';

/** Runs the real `ferry` launcher as a child process. */
const ferry = (args: readonly string[], env: Record<string, string> = {}, cwd?: string): Promise<FerryRun> =>
  runFerry(args, { cwd: cwd ?? base, configHome: path.join(base, 'xdg'), env });

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
let base = '';
let store = '';
let env: Record<string, string> = {};

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-cli-'));
  store = path.join(base, 'store');
  await mkdir(store);
  env = { FERRY_CONNECTOR_VAULT_TYPE: 'local', FERRY_CONNECTOR_VAULT_ROOT: store };
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('ferry command line', () => {
  it('prints usage and refuses unknown commands with exit code 2', async () => {
    const help = await ferry(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('ferry <command>');
    const bad = await ferry(['frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('lists connectors from the environment and the config file, masking nothing but secrets', async () => {
    const config = path.join(base, 'ferry.json');
    await writeFile(config, JSON.stringify({ connectors: { Files: { type: 'local', root: base } } }));
    const run = await ferry(['connectors', '--config', config, '--json'], env);
    expect(run.code).toBe(0);
    const parsed = JSON.parse(run.stdout) as { connectors: { name: string; type: string; options: object }[] };
    expect(parsed.connectors).toEqual([
      { name: 'files', type: 'local', source: 'file', options: { root: base } },
      { name: 'vault', type: 'local', source: 'env', options: { root: store } },
    ]);
  });

  it('copies a file to a connector, verified, and lists it', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    await writeFile(path.join(base, 'report.bin'), data);
    const cp = await ferry(['cp', 'report.bin', 'vault:incoming/'], env);
    expect(cp.stderr).toBe('');
    expect(cp.code).toBe(0);
    expect(cp.stdout).toMatch(
      /Copied .*report\.bin to incoming\/report\.bin: 3\.1 MB .* sha256 computed on this computer only/,
    );
    expect(sha256(await readFile(path.join(store, 'incoming', 'report.bin')))).toBe(sha256(data));
    const ls = await ferry(['ls', 'vault:incoming', '--json'], env);
    expect(ls.code).toBe(0);
    const entries = ls.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; size: number });
    expect(entries.map((e) => [e.name, e.size])).toEqual([['report.bin', data.length]]);
  });

  it("copies a folder's contents back to the local disk", async () => {
    await mkdir(path.join(store, 'tree', 'a', 'b'), { recursive: true });
    await writeFile(path.join(store, 'tree', 'top.txt'), 'top');
    await writeFile(path.join(store, 'tree', 'a', 'b', 'deep ü.txt'), 'deep');
    const out = path.join(base, 'restored');
    const cp = await ferry(['cp', 'vault:tree', out, '--concurrency', '2'], env);
    expect(cp.code, cp.stderr).toBe(0);
    expect(cp.stdout).toContain('Copied 2 files');
    expect(await readFile(path.join(out, 'top.txt'), 'utf8')).toBe('top');
    expect(await readFile(path.join(out, 'a', 'b', 'deep ü.txt'), 'utf8')).toBe('deep');
  });

  it('checks a connector step by step, writing a probe', async () => {
    const run = await ferry(['check', 'vault', '--write'], env);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ok\s+Write a file/m);
    expect(await readdir(store)).not.toContain(expect.stringMatching(/^\.ferry-check/));
    const broken = await ferry(['check', 'vault'], { ...env, FERRY_CONNECTOR_VAULT_ROOT: path.join(base, 'missing') });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^FAIL\s+Open the folder/m);
    expect(broken.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails with one line and a non-zero code for missing files, unsafe paths and bad settings', async () => {
    const missing = await ferry(['cp', 'vault:nothing.bin', path.join(base, 'x.bin')], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^ferry: Not found: .*nothing\.bin/);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);

    const unsafe = await ferry(['ls', 'vault:a/../../etc'], env);
    expect(unsafe.code).toBe(1);
    expect(unsafe.stderr).toMatch(/^ferry: Refused path/);

    const typo = await ferry(['ls', 'vault:'], { ...env, FERRY_CONNECTOR_VAULT_ROOTT: '/x' });
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('FERRY_CONNECTOR_VAULT_ROOTT');

    const unknown = await ferry(['ls', 'nosuch:x'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No connector named "nosuch"');
  });
});
