// DNS rebinding: the server answers only to its own host names (loopback on its port, the public URL, configured ones).
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPlatform } from '../../platform';
import { hostAllowed } from '../../platform/http/host-guard';
import { buildApp } from '../../platform/build-app';
import { openDatabase } from '../../platform/db/open-database';

/** GET over real HTTP with a chosen Host header. */
function getWithHost(url: string, host: string): Promise<{ status: number; body: ReturnType<typeof JSON.parse> }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: target.hostname, port: target.port, path: target.pathname, headers: { host } },
      (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the embedded server answers only to its own names', () => {
  it('refuses a foreign Host over HTTP before any route, and serves 127.0.0.1, localhost and [::1] on its port', async () => {
    const platform = await startPlatform({ logger: false });
    try {
      const port = new URL(platform.url).port;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`, `[::1]:${port}`]) {
        const res = await getWithHost(`${platform.url}/v1/setup`, host);
        expect(res.status, host).toBe(200);
        expect(res.body).toEqual({ setupRequired: true });
      }
      for (const host of [
        `evil.example:${port}`,
        'evil.example',
        `localhost.evil.example:${port}`,
        `127.0.0.1:${Number(port) + 1}`,
        `localhost`,
        `127.0.0.1.nip.io:${port}`,
      ]) {
        const res = await getWithHost(`${platform.url}/v1/setup`, host);
        expect(res.status, host).toBe(400);
        expect(res.body.code).toBe('host_not_allowed');
      }
      // Unknown URLs are refused for the host too, not answered with the route list's 404.
      expect((await getWithHost(`${platform.url}/v1/nothing`, 'evil.example')).body.code).toBe('host_not_allowed');
      // Nothing was set up through the refused requests.
      expect((await getWithHost(`${platform.url}/v1/setup`, `127.0.0.1:${port}`)).body.setupRequired).toBe(true);
    } finally {
      await platform.stop();
    }
  });

  it('also answers to the public URL host and to configured names', async () => {
    const platform = await startPlatform({
      logger: false,
      publicUrl: 'https://ferry.example.org/base',
      allowedHosts: ['intranet.example:8443', 'ferry-internal'],
    });
    try {
      const port = new URL(platform.url).port;
      const allowed = ['ferry.example.org', 'ferry.example.org:443', 'intranet.example:8443', `ferry-internal:${port}`];
      for (const host of allowed) expect((await getWithHost(`${platform.url}/v1/setup`, host)).status, host).toBe(200);
      for (const host of ['ferry.example.org.evil.example', 'intranet.example:8444', 'evil.example']) {
        expect((await getWithHost(`${platform.url}/v1/setup`, host)).body.code, host).toBe('host_not_allowed');
      }
    } finally {
      await platform.stop();
    }
  });

  it('refuses a foreign Host through inject too, before authentication and routing', async () => {
    const database = await openDatabase({ kind: 'pglite' });
    const app = await buildApp({ db: database.db, allowedHosts: () => ['127.0.0.1:8750', 'localhost:8750'] });
    try {
      const own = await app.inject({ method: 'GET', url: '/v1/setup', headers: { host: 'localhost:8750' } });
      expect(own.statusCode).toBe(200);
      for (const url of ['/v1/setup', '/v1/me', '/v1/orgs/x/members', '/nowhere']) {
        const res = await app.inject({ method: 'GET', url, headers: { host: 'evil.example:8750' } });
        expect(res.statusCode, url).toBe(400);
        expect(res.json().code, url).toBe('host_not_allowed');
      }
    } finally {
      await app.close();
      await database.close();
    }
  });

  it('matches names and ports exactly (unit)', () => {
    expect(hostAllowed('Example.ORG.', ['example.org'])).toBe(true);
    expect(hostAllowed('example.org:1', ['example.org'])).toBe(true);
    expect(hostAllowed('example.org:1', ['example.org:2'])).toBe(false);
    expect(hostAllowed(undefined, ['example.org'])).toBe(false);
    expect(hostAllowed('', ['example.org'])).toBe(false);
    expect(hostAllowed('[::1]:80', ['[::1]:80'])).toBe(true);
    expect(hostAllowed('anything', ['*'])).toBe(true);
  });
});

describe('the standalone command', () => {
  it('answers to --allowed-host and FERRY_PUBLIC_URL names, refuses others', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'platform/cli.ts', '--port', '0', '--in-memory', '--allowed-host', 'ferry.lan'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, FERRY_PUBLIC_URL: 'https://ferry.example.org', FERRY_ALLOWED_HOSTS: 'other.lan:9' },
      },
    );
    let out = '';
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no start line within 30 s: ${out}`)), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      for (const host of ['ferry.lan', 'ferry.example.org', 'other.lan:9', new URL(url).host]) {
        expect((await getWithHost(`${url}/v1/setup`, host)).status, host).toBe(200);
      }
      expect((await getWithHost(`${url}/v1/setup`, 'evil.example')).body.code).toBe('host_not_allowed');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
