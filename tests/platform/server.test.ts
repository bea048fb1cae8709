// The server as the desktop and `npm run platform` run it: real HTTP, a data folder, PostgreSQL, the CLI, logs, OpenAPI.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startPlatform } from '../../platform';
import { buildApp } from '../../platform/build-app';
import { openDatabase } from '../../platform/db/open-database';
import { postgresAvailability, startPostgres } from '../servers/postgres';
import { API, type ApiRoute } from '../../shared/platform';
import { PASSWORD } from './platform-harness';

/** A parsed JSON body, as loosely typed as JSON.parse makes it. */
type Json = ReturnType<typeof JSON.parse>;

async function json(
  url: string,
  init: { method?: string; token?: string; body?: unknown } = {},
): Promise<{ status: number; body: Json }> {
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: res.status === 204 ? null : await res.json() };
}

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('OpenAPI', () => {
  it('serves a valid OpenAPI 3.1 document at /v1/openapi.json covering every route', async () => {
    const database = await openDatabase({ kind: 'pglite' });
    const app = await buildApp({ db: database.db });
    try {
      const res = await app.inject({ method: 'GET', url: '/v1/openapi.json' });
      expect(res.statusCode).toBe(200);
      const doc = res.json();
      expect(doc.openapi).toBe('3.1.0');
      const result = await new Validator().validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
      expect(Object.keys(doc.paths).sort()).toEqual([
        '/v1/auth/login',
        '/v1/auth/logout',
        '/v1/auth/password-reset',
        '/v1/auth/password-reset/complete',
        '/v1/downloads/{token}',
        '/v1/invitations/accept',
        '/v1/me',
        '/v1/notifications',
        '/v1/notifications/read-all',
        '/v1/notifications/{notificationId}/read',
        '/v1/orgs',
        '/v1/orgs/{orgId}',
        '/v1/orgs/{orgId}/acquisitions',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/cancel',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/deliveries',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/deliveries/{deliveryId}/ack',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/files',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/files/{fileId}/content',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/files/{fileId}/link',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/targets',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/targets/{targetId}',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/targets/{targetId}/acks',
        '/v1/orgs/{orgId}/acquisitions/{acquisitionId}/targets/{targetId}/resume',
        '/v1/orgs/{orgId}/api-keys',
        '/v1/orgs/{orgId}/api-keys/{keyId}',
        '/v1/orgs/{orgId}/audit',
        '/v1/orgs/{orgId}/audit/export',
        '/v1/orgs/{orgId}/audit/purge',
        '/v1/orgs/{orgId}/catalog',
        '/v1/orgs/{orgId}/catalog/{offerId}',
        '/v1/orgs/{orgId}/connectors',
        '/v1/orgs/{orgId}/connectors/{connectorId}',
        '/v1/orgs/{orgId}/connectors/{connectorId}/entries',
        '/v1/orgs/{orgId}/connectors/{connectorId}/forget-identity',
        '/v1/orgs/{orgId}/connectors/{connectorId}/resume',
        '/v1/orgs/{orgId}/connectors/{connectorId}/stat',
        '/v1/orgs/{orgId}/connectors/{connectorId}/test',
        '/v1/orgs/{orgId}/connectors/{connectorId}/trust',
        '/v1/orgs/{orgId}/invitations',
        '/v1/orgs/{orgId}/invitations/{invitationId}',
        '/v1/orgs/{orgId}/invitations/{invitationId}/resend',
        '/v1/orgs/{orgId}/members',
        '/v1/orgs/{orgId}/members/{memberId}',
        '/v1/orgs/{orgId}/offers',
        '/v1/orgs/{orgId}/offers/{offerId}',
        '/v1/orgs/{orgId}/offers/{offerId}/acquisitions',
        '/v1/orgs/{orgId}/offers/{offerId}/archive',
        '/v1/orgs/{orgId}/offers/{offerId}/files',
        '/v1/orgs/{orgId}/offers/{offerId}/files/approve',
        '/v1/orgs/{orgId}/offers/{offerId}/files/reject',
        '/v1/orgs/{orgId}/offers/{offerId}/files/{fileId}',
        '/v1/orgs/{orgId}/offers/{offerId}/files/{fileId}/content',
        '/v1/orgs/{orgId}/offers/{offerId}/imports',
        '/v1/orgs/{orgId}/offers/{offerId}/imports/{importId}',
        '/v1/orgs/{orgId}/offers/{offerId}/publish',
        '/v1/orgs/{orgId}/offers/{offerId}/scan',
        '/v1/orgs/{orgId}/offers/{offerId}/scan-preview',
        '/v1/orgs/{orgId}/offers/{offerId}/uploads',
        '/v1/orgs/{orgId}/offers/{offerId}/uploads/{uploadId}',
        '/v1/orgs/{orgId}/outbox',
        '/v1/orgs/{orgId}/outgoing-addresses',
        '/v1/setup',
      ]);
      expect(doc.paths['/v1/orgs/{orgId}/members'].get.security).toEqual([{ bearer: [] }]);
      // Every method of every route in the shared table is documented at its path, with its summary.
      const documented = (method: string, route: string) => doc.paths[route.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method];
      for (const domain of Object.values(API)) {
        for (const route of Object.values(domain) as ApiRoute[]) {
          const op = documented(route.method.toLowerCase(), route.path);
          expect([route.method, route.path, op?.summary]).toEqual([route.method, route.path, route.summary]);
        }
      }
      // The routes outside the table: tus uploads (creation, then HEAD/PATCH/DELETE) and the provider's file content.
      const uploads = '/v1/orgs/:orgId/offers/:offerId/uploads';
      const content = '/v1/orgs/:orgId/offers/:offerId/files/:fileId/content';
      for (const [method, route] of [
        ['post', uploads],
        ['head', `${uploads}/:uploadId`],
        ['patch', `${uploads}/:uploadId`],
        ['delete', `${uploads}/:uploadId`],
        ['get', content],
        ['head', content],
      ] as const) {
        const op = documented(method, route);
        expect([method, route, typeof op?.summary, op?.security]).toEqual([method, route, 'string', [{ bearer: [] }]]);
      }
      expect(Object.keys(documented('patch', `${uploads}/:uploadId`).responses)).toEqual(
        expect.arrayContaining(['204', '460']),
      );
      expect(Object.keys(documented('get', content).responses)).toEqual(expect.arrayContaining(['200', '206', '416']));
    } finally {
      await app.close();
      await database.close();
    }
  });
});

describe('startPlatform (embedded, data folder)', () => {
  it('serves over HTTP on 127.0.0.1, keeps data and invitation links across restarts, logs no secrets', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-platform-'));
    dirs.push(dataDir, `${dataDir}.vault-keys.json`);
    const lines: string[] = [];
    const logger = { level: 'info', stream: { write: (line: string) => void lines.push(line) } };
    let platform = await startPlatform({ dataDir, logger });
    expect(platform.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const setup = await json(`${platform.url}/v1/setup`, {
      body: { organisationName: 'Local', name: 'Ada', email: 'ada@local.example', password: PASSWORD },
    });
    expect(setup.status).toBe(201);
    const orgId = setup.body.organisation.id;
    const inv = await json(`${platform.url}/v1/orgs/${orgId}/invitations`, {
      token: setup.body.token,
      body: { email: 'bea@local.example', role: 'viewer', language: 'en' },
    });
    expect(inv.body.link.startsWith(`${platform.url}/v1/invitations/accept?token=`)).toBe(true);
    const invitationToken = new URL(inv.body.link).searchParams.get('token') as string;
    expect((await json(inv.body.link)).status).toBe(200); // the preview puts the token in the URL
    const key = await json(`${platform.url}/v1/orgs/${orgId}/api-keys`, {
      token: setup.body.token,
      body: { name: 'k', role: 'viewer', expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect((await json(`${platform.url}/v1/me`, { token: key.body.secret })).status).toBe(200);
    await platform.stop();
    // Links are sealed under the vault's key file beside the data folder (not in it); no sealing.key any more.
    expect(statSync(`${dataDir}.vault-keys.json`).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dataDir, 'sealing.key'))).toBe(false);

    platform = await startPlatform({ dataDir, logger });
    try {
      const login = await json(`${platform.url}/v1/auth/login`, {
        body: { email: 'ada@local.example', password: PASSWORD },
      });
      expect(login.status).toBe(200);
      const members = await json(`${platform.url}/v1/orgs/${orgId}/members`, { token: login.body.token });
      expect(members.body.items.map((m: { email: string }) => m.email)).toEqual(['ada@local.example']);
      const again = await json(`${platform.url}/v1/orgs/${orgId}/invitations/${inv.body.id}`, {
        token: login.body.token,
      });
      expect(new URL(again.body.link).searchParams.get('token')).toBe(invitationToken);
      expect((await json(`${platform.url}/v1/me`, { token: setup.body.token })).status).toBe(200);
    } finally {
      await platform.stop();
    }

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(10);
    expect(log).toContain('/v1/invitations/accept?token=[redacted]');
    for (const secret of [PASSWORD, setup.body.token, key.body.secret, invitationToken]) {
      expect(log).not.toContain(secret);
    }
  });
});

const postgres = postgresAvailability();

describe.skipIf(!postgres.available)('startPlatform (PostgreSQL through databaseUrl)', () => {
  it('applies the migrations and serves from PostgreSQL; a second start reuses the schema', async () => {
    if (!postgres.available) return;
    const server = await startPostgres(postgres.bin);
    try {
      const databaseUrl = await server.createDatabase();
      let platform = await startPlatform({ databaseUrl, logger: false });
      const setup = await json(`${platform.url}/v1/setup`, {
        body: { organisationName: 'Shared', name: 'Ada', email: 'ada@shared.example', password: PASSWORD },
      });
      expect(setup.status).toBe(201);
      await platform.stop();
      platform = await startPlatform({ databaseUrl, logger: false });
      try {
        expect((await json(`${platform.url}/v1/setup`)).body).toEqual({ setupRequired: false });
        expect((await json(`${platform.url}/v1/me`, { token: setup.body.token })).status).toBe(200);
      } finally {
        await platform.stop();
      }
    } finally {
      await server.stop();
    }
  });
});

describe.skipIf(!postgres.available)('several instances on one PostgreSQL', () => {
  it('start together on an empty database: one applies the migrations, the others wait for it', async () => {
    if (!postgres.available) return;
    const server = await startPostgres(postgres.bin);
    try {
      const databaseUrl = await server.createDatabase();
      const started = await Promise.allSettled([0, 1, 2].map(() => startPlatform({ databaseUrl, logger: false })));
      const platforms = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      try {
        expect(started.map((s) => (s.status === 'rejected' ? String(s.reason) : 'started'))).toEqual([
          'started',
          'started',
          'started',
        ]);
        for (const platform of platforms) {
          expect((await json(`${platform.url}/v1/setup`)).body).toEqual({ setupRequired: true });
        }
      } finally {
        await Promise.all(platforms.map((platform) => platform.stop()));
      }
    } finally {
      await server.stop();
    }
  });
});

describe('the standalone command (npm run platform)', () => {
  it('starts, answers the README flow (setup, login, list members) and stops cleanly on SIGTERM', async () => {
    const root = path.resolve(__dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', '--port', '0', '--in-memory'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        // tsx compiles the platform at start: on a loaded 2-core machine that alone can take half a minute.
        const timer = setTimeout(() => reject(new Error(`no start line within 90 s: ${out} ${err}`)), 90_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /listening on (http:\/\/\S+)/.exec(out);
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const setup = await json(`${url}/v1/setup`, {
        body: { organisationName: 'Acme', name: 'Ada Admin', email: 'ada@example.org', password: PASSWORD },
      });
      expect(setup.status).toBe(201);
      const login = await json(`${url}/v1/auth/login`, { body: { email: 'ada@example.org', password: PASSWORD } });
      const members = await json(`${url}/v1/orgs/${setup.body.organisation.id}/members`, { token: login.body.token });
      expect(members.body).toMatchObject({ total: 1, items: [{ email: 'ada@example.org', role: 'admin' }] });
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('SIGTERM: finishing requests and closing the database');
    expect(out + err).not.toContain(PASSWORD);
  }, 120_000);
});
