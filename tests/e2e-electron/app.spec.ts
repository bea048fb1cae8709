import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { findElectronBinary } from '../../scripts/electron-binary.cjs';

// The real-Electron suite: runs wherever the Electron binary exists; REQUIRE_ELECTRON_E2E=1 makes its absence fatal.
const binary = findElectronBinary();
const required = process.env['REQUIRE_ELECTRON_E2E'] === '1';
const root = path.resolve(__dirname, '../..');

test.describe('Ferry in real Electron', () => {
  test.skip(
    !binary && !required,
    'Electron binary not installed (its download is blocked on this machine); set REQUIRE_ELECTRON_E2E=1 to require it',
  );

  test('opens a sandboxed window that shows Settings and exposes only the bridge', async () => {
    if (!binary)
      throw new Error('REQUIRE_ELECTRON_E2E=1 but the Electron binary is missing: run `npm rebuild electron`.');
    const app = await electron.launch({ executablePath: binary, args: [root], cwd: root });
    try {
      const page = await app.firstWindow();
      await expect(page.getByRole('heading', { name: /Settings|Paramètres/, level: 2 })).toBeVisible();
      // Effects of contextIsolation + sandbox + no nodeIntegration, seen from the page.
      const globals = await page.evaluate(() => ({
        bridge: typeof window.ferry?.invoke,
        require: typeof (window as unknown as { require?: unknown }).require,
        process: typeof (window as unknown as { process?: unknown }).process,
      }));
      expect(globals).toEqual({ bridge: 'function', require: 'undefined', process: 'undefined' });
      const refused = await page.evaluate(() => window.ferry.invoke('settings.set', { theme: 1 }));
      expect(refused).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    } finally {
      await app.close();
    }
  });

  test('runs the built ferry command as Node, as the packaged resources/bin/ferry does', () => {
    if (!binary)
      throw new Error('REQUIRE_ELECTRON_E2E=1 but the Electron binary is missing: run `npm rebuild electron`.');
    const run = spawnSync(binary, [path.join(root, 'out/cli/ferry.js'), '--help'], {
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Usage: ferry <command>');
  });
});
