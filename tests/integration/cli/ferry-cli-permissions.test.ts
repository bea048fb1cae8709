import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFerry, type FerryRun } from '../../kit/ferry-process';
import { ensureTestUser, type TestUser } from '../../servers/test-user';

// Root may write anywhere: the copy runs as the unprivileged test user (creating it needs root, as CI is).
const isRoot = process.getuid?.() === 0;
if (!isRoot && process.env.CI === 'true') throw new Error('CI=true: the permission tests need root');

let base = '';
let user: TestUser;

/** Runs the real `ferry` launcher as the test user. */
const ferryAs = (args: readonly string[]): Promise<FerryRun> =>
  runFerry(args, { cwd: base, configHome: path.join(base, 'home'), runAs: user.name });

beforeAll(() => {
  if (!isRoot) return;
  user = ensureTestUser();
  base = mkdtempSync(path.join(tmpdir(), 'ferry-cli-perm-'));
  chmodSync(base, 0o755);
  for (const folder of ['home', 'out']) {
    mkdirSync(path.join(base, folder));
    chownSync(path.join(base, folder), user.uid, user.gid);
  }
  // Root's, 0755: the test user may look inside but not create anything.
  mkdirSync(path.join(base, 'out', 'locked'), { mode: 0o755 });
  writeFileSync(path.join(base, 'report.bin'), randomBytes(256 * 1024));
  chmodSync(path.join(base, 'report.bin'), 0o644);
});

afterAll(() => {
  if (base !== '') rmSync(base, { recursive: true, force: true });
});

describe.skipIf(!isRoot)('ferry cp into a local folder without write permission', () => {
  it('says permission denied for the path the user gave, never the hidden partial, and leaves nothing', async () => {
    for (const target of ['out/locked/report.bin', 'out/locked/']) {
      const run = await ferryAs(['cp', 'report.bin', target]);
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toMatch(/^ferry: (?:Permission denied|Operation not permitted)/);
      // The local driver is rooted at the destination folder: the file is named as the user named it.
      expect(run.stderr).toContain('report.bin');
      expect(run.stderr).not.toMatch(/ferry-partial|ferry-tmp|\.part\b|Retryable|NotFound|Not found/);
      expect(readdirSync(path.join(base, 'out', 'locked'))).toEqual([]);
    }
  }, 60_000);
});
