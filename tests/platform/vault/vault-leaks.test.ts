// No plaintext secret anywhere at rest: the PGlite data folder, the key file, a pg_dump, the rows; and the
// `vault rotate` CLI on a data folder (re-wraps, retires, prints no secret). Organisation connectors created, changed,
// tested, browsed and deleted through the API leave none of their secrets in any response, log line, file or dump.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../platform/build-app';
import { hashPassword } from '../../../platform/auth/password';
import { openDatabase } from '../../../platform/db/open-database';
import { memberships, organisations, users, vaultSecrets } from '../../../platform/db/schema';
import { VaultService } from '../../../platform/vault/vault-service';
import { defaultVaultKeyFile, vaultKeyProvider } from '../../../platform/vault/vault-key-provider';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import { forEachVaultDatabase } from './vault-harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// Not secret: found on disk, which shows the search does read the database's pages.
const CONNECTOR = 'visible-connector-id-93d1';
const SECRETS = ['Vault-Plaintext-4f1c9e', 'ssh-rsa-PRIVATE-7a2b', 'p@ss w0rd with spaces ✓'];
// Secrets of organisation connectors given to the API (the last one wrongly as a plain option, refused).
const API_SECRETS = {
  sftpPassword: 'Leak-Sftp-Pass-9c1e',
  passphrase: 'Leak-Key-Passphrase-4d2a',
  s3Secret: 'Leak-S3-Secret-77f0/+=',
  ftpsPassword: 'Leak-Ftps-Pass-1b3c ✓',
  replaced: 'Leak-Sftp-Replaced-5e6f',
  plainOption: 'Leak-Plain-Option-8a9b',
};
const PIN = 'SHA256:' + 'F'.repeat(43);

/** Each secret as the bytes a careless store would leave: UTF-8, UTF-16, base64 and hex of it. */
function needles(secret: string): Buffer[] {
  const utf8 = Buffer.from(secret, 'utf8');
  return [
    utf8,
    Buffer.from(secret, 'utf16le'),
    Buffer.from(utf8.toString('base64')),
    Buffer.from(utf8.toString('hex')),
  ];
}

function expectNoSecretIn(haystack: Buffer, where: string): void {
  for (const secret of [...SECRETS, ...Object.values(API_SECRETS)]) {
    for (const needle of needles(secret)) expect(haystack.includes(needle), `${secret} found in ${where}`).toBe(false);
  }
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

/** A plain-format pg_dump of the test database, as its superuser. */
function pgDump(pg: { readonly bin: string; readonly url: string }): Buffer {
  const url = new URL(pg.url);
  const dump = spawnSync(
    'runuser',
    ['-u', 'postgres', '--', path.join(pg.bin, 'pg_dump'), '-h', '127.0.0.1', '-p', url.port, '-U', 'postgres'],
    { env: { ...process.env, PGDATABASE: url.pathname.slice(1) }, maxBuffer: 64 * 1024 * 1024 },
  );
  expect(dump.status, dump.stderr.toString()).toBe(0);
  return dump.stdout;
}

/** A log destination keeping every line the server writes. */
function captureLogs(): { readonly lines: string[]; readonly stream: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
}

/**
 * Creates, changes, reads, tests, browses and deletes connectors with secrets through the API (the storages are
 * unreachable, so tests and browsing fail after the secrets were used); returns every response body.
 */
async function connectorsThroughApi(app: FastifyInstance, orgId: string, token: string): Promise<string[]> {
  const bodies: string[] = [];
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) => {
    const res = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload });
    bodies.push(res.body);
    return res;
  };
  const o = `/v1/orgs/${orgId}/connectors`;
  const created = [
    await call('POST', o, {
      name: 'Leaky SFTP',
      kind: 'sftp',
      options: { host: '127.0.0.1', port: 1, username: 'u', hostKeyFingerprint: PIN },
      secrets: { password: API_SECRETS.sftpPassword, passphrase: API_SECRETS.passphrase },
    }),
    await call('POST', o, {
      name: 'Leaky S3',
      kind: 's3',
      options: {
        provider: 'other',
        endpoint: 'http://127.0.0.1:1',
        bucket: 'leaky-bucket',
        accessKeyId: 'AKIDVISIBLE',
      },
      secrets: { secretAccessKey: API_SECRETS.s3Secret },
    }),
    await call('POST', o, {
      name: 'Leaky FTPS',
      kind: 'ftps',
      options: { host: '127.0.0.1', port: 1, username: 'u' },
      secrets: { password: API_SECRETS.ftpsPassword },
    }),
  ];
  for (const res of created) expect(res.statusCode, res.body).toBe(201);
  const ids = created.map((res) => res.json().id as string);
  const refused = await call('POST', o, {
    name: 'Plain',
    kind: 'sftp',
    options: { host: 'h', username: 'u', password: API_SECRETS.plainOption },
  });
  expect(refused.statusCode).toBe(400);
  expect((await call('PATCH', `${o}/${ids[0]}`, { secrets: { password: API_SECRETS.replaced } })).statusCode).toBe(200);
  await call('GET', o);
  for (const id of ids) {
    expect((await call('GET', `${o}/${id}`)).json().secrets).toBeDefined();
    await call('POST', `${o}/${id}/test`);
    await call('GET', `${o}/${id}/entries`);
    await call('GET', `${o}/${id}/stat?path=x`);
  }
  expect((await call('DELETE', `${o}/${ids[2]}`)).statusCode).toBe(204);
  return bodies;
}

describe('organisation connectors through the API on a PGlite data folder', () => {
  it('leave no secret in any response, log line, file of the data folder or the key file', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ferry-connector-leaks-'));
    dirs.push(root);
    const dataDir = path.join(root, 'platform');
    const logs = captureLogs();
    const database = await openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    let bodies: string[];
    try {
      const app = await buildApp({
        db: database.db,
        vault: vaultKeyProvider({ kind: 'data-folder', dataDir }, { env: {} }),
        logger: { level: 'trace', stream: logs.stream },
      });
      try {
        const setup = await app.inject({
          method: 'POST',
          url: '/v1/setup',
          payload: {
            organisationName: 'Leaks',
            name: 'Ada',
            email: 'ada@leaks.example',
            password: 'correct horse battery',
          },
        });
        expect(setup.statusCode, setup.body).toBe(201);
        bodies = await connectorsThroughApi(app, setup.json().organisation.id, setup.json().token);
      } finally {
        await app.close();
      }
    } finally {
      await database.close();
    }
    for (const [i, body] of bodies.entries()) expectNoSecretIn(Buffer.from(body), `response ${i}: ${body}`);
    expect(logs.lines.length).toBeGreaterThan(20);
    expect(logs.lines.join('')).toContain('/connectors');
    expectNoSecretIn(Buffer.from(logs.lines.join('')), 'the logs');
    const files = filesUnder(dataDir);
    for (const file of [...files, defaultVaultKeyFile(dataDir)]) expectNoSecretIn(readFileSync(file), file);
    expect(files.some((file) => readFileSync(file).includes('Leaky SFTP'))).toBe(true);
  }, 120_000);
});

describe('a PGlite data folder', () => {
  it('holds no plaintext secret, nor does the key file beside it; vault rotate re-wraps and retires', async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'ferry-vault-leaks-'));
    dirs.push(root);
    const dataDir = path.join(root, 'platform');
    const keyFile = defaultVaultKeyFile(dataDir);
    const open = () => openDatabase({ kind: 'pglite', dataDir: path.join(dataDir, 'pglite') });
    let database = await open();
    try {
      await database.db.insert(organisations).values({ id: 'org-a', name: 'A', createdAt: new Date() });
      const vault = new VaultService(database.db, vaultKeyProvider({ kind: 'data-folder', dataDir }, { env: {} }));
      for (const [i, secret] of SECRETS.entries()) {
        await vault.put({ orgId: 'org-a', connectorId: CONNECTOR, option: `o${i}` }, 'replaced-' + secret);
        await vault.put({ orgId: 'org-a', connectorId: CONNECTOR, option: `o${i}` }, secret);
      }
    } finally {
      await database.close();
    }
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(10);
    for (const file of [...files, keyFile]) expectNoSecretIn(readFileSync(file), file);
    expect(files.some((file) => readFileSync(file).includes(CONNECTOR))).toBe(true);
    const before = JSON.parse(readFileSync(keyFile, 'utf8'));

    const cli = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'platform/cli.ts', 'vault', 'rotate', '--data-dir', dataDir, '--batch-size', '2'],
      { encoding: 'utf8', env: { ...process.env, FERRY_VAULT_KEY: '', FERRY_VAULT_KEY_FILE: '', DATABASE_URL: '' } },
    );
    expect(cli.status, cli.stderr + cli.stdout).toBe(0);
    expect(cli.stdout).toContain('added key version');
    expect(cli.stdout).toContain(`re-wrapped ${SECRETS.length} data key(s)`);
    expect(cli.stdout).toContain('retired key version(s) no secret uses');
    for (const secret of SECRETS) expect(cli.stdout + cli.stderr).not.toContain(secret);
    const after = JSON.parse(readFileSync(keyFile, 'utf8'));
    expect(after.active).toBe(before.active + 1);
    expect(after.keys.map((k: { version: number }) => k.version)).toEqual([before.active + 1]);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    database = await open();
    try {
      const keys = vaultKeyProvider({ kind: 'data-folder', dataDir }, { env: {} });
      const vault = new VaultService(database.db, keys);
      for (const [i, secret] of SECRETS.entries()) {
        expect(await vault.get({ orgId: 'org-a', connectorId: CONNECTOR, option: `o${i}` })).toEqual({
          kind: 'found',
          value: secret,
        });
      }
      const rows = await database.db.select({ kekId: vaultSecrets.kekId }).from(vaultSecrets);
      expect(new Set(rows.map((r) => r.kekId))).toEqual(new Set([await keys.activeKeyId()]));
    } finally {
      await database.close();
    }
  }, 120_000);
});

forEachVaultDatabase((env) => {
  it('rows (and on PostgreSQL a pg_dump) hold only ciphertext', async () => {
    const vault = new VaultService(env().db, new ManagedKeyProvider(memoryKeyStore()));
    for (const [i, secret] of SECRETS.entries()) {
      await vault.put({ orgId: 'org-b', connectorId: 'leak', option: `o${i}` }, secret);
    }
    const rows = await env().db.select().from(vaultSecrets);
    expect(rows.length).toBeGreaterThanOrEqual(SECRETS.length);
    expectNoSecretIn(Buffer.from(JSON.stringify(rows)), 'the vault_secrets rows');
    const pg = env().postgres;
    if (pg === undefined) return;
    const dump = pgDump(pg);
    expect(dump.toString()).toContain('vault_secrets');
    expect(dump.toString()).toContain(rows[0]?.ciphertext);
    expectNoSecretIn(dump, 'pg_dump');
  });

  it('organisation connectors through the API leave no secret in responses, logs, rows or a pg_dump', async () => {
    await env()
      .db.insert(users)
      .values({
        id: 'usr-leaks',
        email: 'ada@leaks.example',
        name: 'Ada',
        passwordHash: await hashPassword('correct horse battery'),
        createdAt: new Date(),
      });
    await env()
      .db.insert(memberships)
      .values({ orgId: 'org-a', userId: 'usr-leaks', role: 'admin', joinedAt: new Date() });
    const logs = captureLogs();
    const app = await buildApp({
      db: env().db,
      vault: new ManagedKeyProvider(memoryKeyStore()),
      logger: { level: 'trace', stream: logs.stream },
    });
    let bodies: string[];
    try {
      const login = await app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'ada@leaks.example', password: 'correct horse battery' },
      });
      bodies = await connectorsThroughApi(app, 'org-a', login.json().token);
    } finally {
      await app.close();
    }
    for (const [i, body] of bodies.entries()) expectNoSecretIn(Buffer.from(body), `response ${i}: ${body}`);
    expectNoSecretIn(Buffer.from(logs.lines.join('')), 'the logs');
    const rows = await env().db.select().from(vaultSecrets);
    expect(rows.filter((r) => r.orgId === 'org-a').length).toBeGreaterThanOrEqual(3);
    expectNoSecretIn(Buffer.from(JSON.stringify(rows)), 'the vault_secrets rows');
    const pg = env().postgres;
    if (pg === undefined) return;
    const dump = pgDump(pg);
    expect(dump.toString()).toContain('Leaky SFTP');
    expectNoSecretIn(dump, 'pg_dump');
  });
});
