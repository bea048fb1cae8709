// The embedded data folder: one server at a time (an OS-level lock that dies with its process) and owner-only modes.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../platform';
import { DataFolderLockedError, lockDataFolder } from '../../platform/db/data-folder-lock';
import { PASSWORD } from './platform-harness';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  children.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-folder-'));
  dirs.push(dir);
  return dir;
}

async function post(
  url: string,
  body: unknown,
  token?: string,
): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

async function setup(url: string): Promise<{ token: string; orgId: string }> {
  const res = await post(`${url}/v1/setup`, {
    organisationName: 'Local',
    name: 'Ada',
    email: 'ada@local.example',
    password: PASSWORD,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { token: res.body.token, orgId: res.body.organisation.id };
}

/** Every file and folder under `root` (the root included) with its permission bits. */
function modes(root: string): Map<string, number> {
  const found = new Map<string, number>([[root, statSync(root).mode & 0o777]]);
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      found.set(full, statSync(full).mode & 0o777);
      if (entry.isDirectory()) walk(full);
    }
  };
  walk(root);
  return found;
}

function expectOwnerOnly(root: string): void {
  const wrong = [...modes(root)].filter(([file, mode]) => {
    const isDir = statSync(file).isDirectory();
    return mode !== (isDir ? 0o700 : 0o600);
  });
  expect(wrong.map(([file, mode]) => `${path.relative(root, file)} ${mode.toString(8)}`)).toEqual([]);
  expect(modes(root).size).toBeGreaterThan(100);
}

describe('one server per data folder', () => {
  it('refuses a second server in the same process, naming the folder and the holder; the first keeps working', async () => {
    const dataDir = tempDir();
    const first = await startPlatform({ dataDir });
    try {
      const { token, orgId } = await setup(first.url);
      const refused = await startPlatform({ dataDir }).then(
        () => new Error('the second server started'),
        (error: unknown) => error,
      );
      expect(refused).toBeInstanceOf(DataFolderLockedError);
      const message = (refused as Error).message;
      expect(message).toContain(path.join(dataDir, 'pglite'));
      expect(message).toContain(`process ${process.pid}`);
      expect(message).toContain('stop the other one');
      // The first server still writes and reads.
      const key = await post(
        `${first.url}/v1/orgs/${orgId}/api-keys`,
        { name: 'after refusal', role: 'viewer', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
        token,
      );
      expect(key.status).toBe(201);
    } finally {
      await first.stop();
    }
    // Released on stop: the folder opens again, with the data.
    const again = await startPlatform({ dataDir });
    try {
      const setupAgain = await fetch(`${again.url}/v1/setup`);
      expect(await setupAgain.json()).toEqual({ setupRequired: false });
    } finally {
      await again.stop();
    }
  });

  it('refuses while another process holds the folder, and opens it once that process is killed with SIGKILL', async () => {
    const dataDir = tempDir();
    const root = path.resolve(__dirname, '../..');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'platform/cli.ts', '--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    children.push(child);
    let out = '';
    child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no start line within 60 s: ${out}`)), 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /listening on (http:\/\/\S+)/.exec(out);
        if (match?.[1]) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
    });
    await setup(url);

    const refused = await startPlatform({ dataDir }).then(
      () => new Error('started beside the other process'),
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(DataFolderLockedError);
    expect((refused as DataFolderLockedError).holder?.pid).toBe(child.pid);
    expect((refused as Error).message).toContain(`process ${child.pid} (node)`);

    // The standalone command refuses too, with the message and a non-zero exit.
    const second = spawn(
      process.execPath,
      ['--import', 'tsx', 'platform/cli.ts', '--port', '0', '--data-dir', dataDir],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let secondOut = '';
    second.stdout.on('data', (chunk: Buffer) => (secondOut += chunk.toString()));
    second.stderr.on('data', (chunk: Buffer) => (secondOut += chunk.toString()));
    expect(await new Promise((resolve) => second.once('exit', resolve))).toBe(1);
    expect(secondOut).toContain(`is in use by another Ferry platform server (process ${child.pid}`);

    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    const after = await startPlatform({ dataDir });
    try {
      const res = await fetch(`${after.url}/v1/setup`);
      expect(await res.json()).toEqual({ setupRequired: false });
    } finally {
      await after.stop();
    }
  }, 120_000);

  it('locks by the real folder: another spelling of the same path is refused too', async () => {
    const dataDir = tempDir();
    const lock = await lockDataFolder(path.join(dataDir, 'db'));
    try {
      await expect(lockDataFolder(path.join(dataDir, '.', 'x', '..', 'db'))).rejects.toThrow(DataFolderLockedError);
      const other = await lockDataFolder(path.join(dataDir, 'other'));
      await other.release();
    } finally {
      await lock.release();
    }
    const relocked = await lockDataFolder(path.join(dataDir, 'db'));
    await relocked.release();
  });
});

describe.skipIf(process.platform === 'win32')('data folder permissions', () => {
  it('makes the folder 0700 and every file 0600, after start, after writes and restarts, also for an old 0777 folder', async () => {
    const dataDir = tempDir();
    let platform = await startPlatform({ dataDir });
    const { token, orgId } = await setup(platform.url);
    expectOwnerOnly(dataDir);
    // Writes that make PostgreSQL create new files (relations, the relcache file, WAL).
    for (let i = 0; i < 30; i++) {
      const res = await post(
        `${platform.url}/v1/orgs/${orgId}/api-keys`,
        { name: `key ${i}`, role: 'viewer', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
        token,
      );
      expect(res.status).toBe(201);
    }
    expectOwnerOnly(dataDir);
    await platform.stop();
    expectOwnerOnly(dataDir);

    // A folder left world-readable by an earlier version is tightened on the next start.
    chmodSync(dataDir, 0o777);
    chmodSync(path.join(dataDir, 'pglite'), 0o755);
    const some = readdirSync(path.join(dataDir, 'pglite', 'global')).slice(0, 5);
    some.forEach((file) => chmodSync(path.join(dataDir, 'pglite', 'global', file), 0o666));
    platform = await startPlatform({ dataDir });
    try {
      expectOwnerOnly(dataDir);
    } finally {
      await platform.stop();
    }
  }, 120_000);

  it('creates a missing data folder (and its parents) 0700', async () => {
    const base = tempDir();
    const dataDir = path.join(base, 'a', 'b');
    mkdirSync(base, { recursive: true });
    writeFileSync(path.join(base, 'unrelated.txt'), 'x');
    const platform = await startPlatform({ dataDir });
    await platform.stop();
    expect(statSync(path.join(base, 'a')).mode & 0o777).toBe(0o700);
    expectOwnerOnly(dataDir);
  }, 60_000);
});
