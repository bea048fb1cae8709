// startPlatform with the vault: the key file beside the data folder keeps connector secrets across restarts; on
// PostgreSQL without a key the server starts, says once what to set, and refuses only organisation connectors.
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatform } from '../../../platform/start-platform';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { call } from './http-call';

const PASSWORD = 'correct horse battery staple';
const PIN = 'SHA256:' + 'A'.repeat(43);
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((file) => rmSync(file, { recursive: true, force: true })));

async function setUp(base: string) {
  const setup = await call(base, 'POST', '/v1/setup', undefined, {
    organisationName: 'Acme',
    name: 'Ada',
    email: 'ada@acme.example',
    password: PASSWORD,
  });
  expect(setup.status).toBe(201);
  return { token: setup.body.token as string, orgId: setup.body.organisation.id as string };
}

describe('startPlatform on a data folder', () => {
  it('creates the vault key file 0600 beside the folder (not in it); a connector secret survives a restart', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'ferry-vault-start-'));
    cleanup.push(parent);
    const dataDir = path.join(parent, 'platform');
    let platform = await startPlatform({ dataDir, logger: false });
    const keyFile = path.join(parent, 'platform.vault-keys.json');
    try {
      expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readdirSync(dataDir).filter((name) => /vault|key/.test(name))).toEqual([]);
      const acme = await setUp(platform.url);
      const created = await call(platform.url, 'POST', `/v1/orgs/${acme.orgId}/connectors`, acme.token, {
        name: 'Partner SFTP',
        kind: 'sftp',
        options: { host: '127.0.0.1', port: 1, username: 'u', hostKeyFingerprint: PIN },
        secrets: { password: 'Survives-Restart-Pass' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      await platform.stop();
      platform = await startPlatform({ dataDir, logger: false });
      const login = await call(platform.url, 'POST', '/v1/auth/login', undefined, {
        email: 'ada@acme.example',
        password: PASSWORD,
      });
      const read = await call(
        platform.url,
        'GET',
        `/v1/orgs/${acme.orgId}/connectors/${created.body.id}`,
        login.body.token,
      );
      expect(read.status).toBe(200);
      expect(read.body.secrets).toMatchObject({ password: 'set' });
      expect(read.body.secretsToReenter).toEqual([]);
    } finally {
      await platform.stop();
    }
    expect(existsSync(path.join(dataDir, 'sealing.key'))).toBe(false);
  }, 60_000);
});

const postgres = postgresAvailability();

describe.skipIf(!postgres.available)('startPlatform on PostgreSQL', () => {
  let server: PostgresServer | undefined;
  afterAll(async () => {
    await server?.stop();
  });

  it('without a vault key: starts, warns once naming what to set, refuses connectors with vault_unavailable, serves the rest', async () => {
    if (!postgres.available) return;
    server = await startPostgres(postgres.bin);
    const databaseUrl = await server.createDatabase();
    const lines: string[] = [];
    const logger = { level: 'info', stream: { write: (line: string) => void lines.push(line) } };
    const saved = { key: process.env.FERRY_VAULT_KEY, file: process.env.FERRY_VAULT_KEY_FILE };
    delete process.env.FERRY_VAULT_KEY;
    delete process.env.FERRY_VAULT_KEY_FILE;
    const platform = await startPlatform({ databaseUrl, logger }).finally(() => {
      if (saved.key !== undefined) process.env.FERRY_VAULT_KEY = saved.key;
      if (saved.file !== undefined) process.env.FERRY_VAULT_KEY_FILE = saved.file;
    });
    try {
      const acme = await setUp(platform.url);
      const members = await call(platform.url, 'GET', `/v1/orgs/${acme.orgId}/members`, acme.token);
      expect(members.status).toBe(200);
      const invited = await call(platform.url, 'POST', `/v1/orgs/${acme.orgId}/invitations`, acme.token, {
        email: 'bea@acme.example',
        role: 'viewer',
        language: 'en',
      });
      expect(invited.status).toBe(201);
      // Sealed with this process's key: the link can be copied while it runs.
      expect(invited.body.link).toContain('token=ferry_inv_');
      const refused = await call(platform.url, 'GET', `/v1/orgs/${acme.orgId}/connectors`, acme.token);
      expect(refused.body.code).toBe('vault_unavailable');
      expect(refused.body.message).toContain('FERRY_VAULT_KEY');
    } finally {
      await platform.stop();
    }
    // Said once at start (the refused requests' own log lines aside).
    const warnings = lines
      .map((line) => JSON.parse(line) as { msg?: string })
      .filter((line) => line.msg?.startsWith('the vault has no key') === true)
      .map((line) => line.msg as string);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('FERRY_VAULT_KEY_FILE');
  }, 60_000);

  it('with a shared key file: secrets work, local folders are refused, the configured outgoing addresses shown', async () => {
    if (!postgres.available || server === undefined) return;
    const databaseUrl = await server.createDatabase();
    const keyDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-vault-pg-'));
    cleanup.push(keyDir);
    const vaultKeyFile = path.join(keyDir, 'vault-keys.json');
    const outgoingAddresses = ['203.0.113.7', '2001:db8::7'];
    const platform = await startPlatform({ databaseUrl, vaultKeyFile, outgoingAddresses, logger: false });
    try {
      expect(statSync(vaultKeyFile).mode & 0o777).toBe(0o600);
      const acme = await setUp(platform.url);
      const local = await call(platform.url, 'POST', `/v1/orgs/${acme.orgId}/connectors`, acme.token, {
        name: 'A folder',
        kind: 'local',
        options: { root: keyDir },
      });
      expect(local.status).toBe(400);
      expect(JSON.stringify(local.body)).toContain('not allowed on this platform');
      const created = await call(platform.url, 'POST', `/v1/orgs/${acme.orgId}/connectors`, acme.token, {
        name: 'Partner SFTP',
        kind: 'sftp',
        options: { host: '127.0.0.1', port: 1, username: 'u', hostKeyFingerprint: PIN },
        secrets: { password: 'Postgres-Pass' },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const read = await call(platform.url, 'GET', `/v1/orgs/${acme.orgId}/connectors/${created.body.id}`, acme.token);
      expect(read.body.secrets).toMatchObject({ password: 'set' });
      expect(read.body.outgoingAddresses).toEqual(outgoingAddresses);
    } finally {
      await platform.stop();
    }
  }, 60_000);
});
