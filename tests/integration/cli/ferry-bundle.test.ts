import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry, type FerryRun } from '../../kit/ferry-process';

// The BUILT command, run as a user runs it: `node bin/ferry.mjs ...` loading out/cli/ferry.js (`npm run build`).
const BUNDLE = path.resolve(__dirname, '../../../out/cli/ferry.js');
const RECORDER = path.join(__dirname, 'record-loaded-modules.cjs');
/** SDKs of connector kinds a local command never uses: none may be loaded by it. */
const CONNECTOR_SDKS =
  /node_modules\/(@aws-sdk|@smithy|@azure|@google-cloud|google-auth-library|ssh2|ssh2-sftp-client|basic-ftp|snowflake-sdk|@googleapis|googleapis-common)\//;

// Locally an unbuilt checkout skips with the reason printed; scripts/test.mjs (CI) builds before vitest, so there a
// missing bundle is a failure.
const missing = existsSync(BUNDLE) ? undefined : `${BUNDLE} is missing: run "npm run build" to test the built command`;
if (missing !== undefined) {
  if (process.env.CI === 'true') throw new Error(`CI=true and the ferry bundle was not built: ${missing}`);
  console.warn(`skipping the built ferry command tests: ${missing}`);
}

let base = '';

/** Runs bin/ferry.mjs (the bundle) with a clean environment; `modules` also records every module it loaded. */
async function ferry(
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<FerryRun & { readonly modules: readonly string[] }> {
  const record = path.join(base, `modules-${Math.random().toString(36).slice(2)}.txt`);
  const run = await runFerry(args, {
    cwd: base,
    configHome: path.join(base, 'xdg'),
    launcher: 'bundle',
    nodeArgs: ['--require', RECORDER],
    env: { ...env, FERRY_TEST_LOADED_MODULES: record },
  });
  const modules = (await readFile(record, 'utf8')).split('\n').filter((line) => line !== '');
  return { ...run, modules };
}

beforeAll(async () => {
  base = await mkdtemp(path.join(tmpdir(), 'ferry-bundle-'));
});
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

describe.skipIf(missing !== undefined)('the built ferry command (out/cli/ferry.js)', () => {
  it('prints its help from the bundle, without TypeScript, tsx or any connector SDK', async () => {
    const run = await ferry(['--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: ferry <command>');
    expect(run.modules).toContain(BUNDLE);
    expect(run.modules.filter((m) => /\.ts$|node_modules\/tsx\//.test(m))).toEqual([]);
    expect(run.modules.filter((m) => CONNECTOR_SDKS.test(m))).toEqual([]);
  });

  it('copies a folder between two local folders and lists it, loading no connector SDK', async () => {
    const source = path.join(base, 'source');
    await mkdir(path.join(source, 'nested'), { recursive: true });
    await writeFile(path.join(source, 'a.txt'), 'alpha');
    await writeFile(path.join(source, 'nested', 'b.bin'), Buffer.alloc(70_000, 7));
    const target = path.join(base, 'target');
    const cp = await ferry(['cp', source, target]);
    expect(cp.code, cp.stderr).toBe(0);
    expect(cp.stdout).toContain('Copied 2 files');
    expect(await readFile(path.join(target, 'a.txt'), 'utf8')).toBe('alpha');
    expect(await readFile(path.join(target, 'nested', 'b.bin'))).toEqual(Buffer.alloc(70_000, 7));

    const ls = await ferry(['ls', target, '--json']);
    expect(ls.code, ls.stderr).toBe(0);
    const names = ls.stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { name: string }).name);
    expect(names).toEqual(['a.txt', 'nested']);
    for (const run of [cp, ls]) expect(run.modules.filter((m) => CONNECTOR_SDKS.test(m))).toEqual([]);
  });

  it('loads the S3 SDK when an S3 connector is used (so the recorder would see one loaded too early)', async () => {
    const run = await ferry(['ls', 'bucket:'], {
      FERRY_CONNECTOR_BUCKET_TYPE: 's3',
      FERRY_CONNECTOR_BUCKET_PROVIDER: 'other',
      // Nothing listens on port 9 (discard): the listing fails, after the driver and its SDK were loaded.
      FERRY_CONNECTOR_BUCKET_ENDPOINT: 'http://127.0.0.1:9',
      FERRY_CONNECTOR_BUCKET_BUCKET: 'exchange',
      FERRY_CONNECTOR_BUCKET_ACCESS_KEY_ID: 'test',
      FERRY_CONNECTOR_BUCKET_SECRET_ACCESS_KEY: 'test',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^ferry: /m);
    expect(run.modules.some((m) => m.includes('node_modules/@aws-sdk/client-s3/'))).toBe(true);
    expect(
      run.modules.filter((m) => /node_modules\/(@azure|@google-cloud|ssh2|ssh2-sftp-client|basic-ftp)\//.test(m)),
    ).toEqual([]);
  });
});

describe('bin/ferry.mjs without a build', () => {
  it('says how to build, or how to run from the sources', async () => {
    // A copy of the launcher in a folder without out/: what a checkout has before `npm run build`.
    const checkout = path.join(base, 'unbuilt');
    await mkdir(path.join(checkout, 'bin'), { recursive: true });
    const launcher = path.join(checkout, 'bin', 'ferry.mjs');
    await writeFile(launcher, await readFile(path.resolve(__dirname, '../../../bin/ferry.mjs')));
    const run = spawnSync(process.execPath, [launcher, '--help'], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('Run "npm run build" once');
    expect(run.stderr).toContain('npm run ferry:dev -- <arguments>');
  });
});
