import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

describe('npm start without the Electron binary', () => {
  it('prints one paragraph saying what is missing and how to fix it, and exits non-zero', () => {
    const emptyDist = mkdtempSync(path.join(os.tmpdir(), 'ferry-no-electron-'));
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/start.mjs')], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ELECTRON_OVERRIDE_DIST_PATH: emptyDist },
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/Electron binary is not installed/);
    expect(run.stderr).toMatch(/npm rebuild electron/);
    expect(run.stderr).toMatch(/npm run preview:web/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('npm run preview:web', () => {
  it('serves the built app with its bridge and CSP to a browser', async () => {
    const child = spawn(
      path.join(root, 'node_modules/.bin/tsx'),
      [path.join(root, 'tests/harness/serve.ts'), '--port', '0'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`serve.ts exited with ${code}: ${out}`)));
      });
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      const html = await page.text();
      expect(html).toContain('/__harness/bridge.js');
      expect(html).toMatch(/assets\/index-[\w-]+\.js/);
      const call = await fetch(new URL('/__harness/ipc/app.info', url), { method: 'POST', body: '{"input":{}}' });
      expect(await call.json()).toMatchObject({ ok: true, value: { name: 'Ferry' } });
    } finally {
      child.kill('SIGTERM');
    }
  });
});
