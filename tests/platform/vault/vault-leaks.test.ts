// No plaintext secret anywhere at rest: the PGlite data folder, the key file, a pg_dump, the rows; and the
// `vault rotate` CLI on a data folder (re-wraps, retires, prints no secret).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../platform/db/open-database';
import { organisations, vaultSecrets } from '../../../platform/db/schema';
import { VaultService } from '../../../platform/vault/vault-service';
import { defaultVaultKeyFile, vaultKeyProvider } from '../../../platform/vault/vault-key-provider';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import { forEachVaultDatabase } from './vault-harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

// Not secret: found on disk, which shows the search does read the database's pages.
const CONNECTOR = 'visible-connector-id-93d1';
const SECRETS = ['Vault-Plaintext-4f1c9e', 'ssh-rsa-PRIVATE-7a2b', 'p@ss w0rd with spaces ✓'];

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
  for (const secret of SECRETS) {
    for (const needle of needles(secret)) expect(haystack.includes(needle), `${secret} found in ${where}`).toBe(false);
  }
}

function filesUnder(root: string): string[] {
  return readdirSync(root, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

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
    const url = new URL(pg.url);
    const dump = spawnSync(
      'runuser',
      ['-u', 'postgres', '--', path.join(pg.bin, 'pg_dump'), '-h', '127.0.0.1', '-p', url.port, '-U', 'postgres'],
      { env: { ...process.env, PGDATABASE: url.pathname.slice(1) }, maxBuffer: 64 * 1024 * 1024 },
    );
    expect(dump.status, dump.stderr.toString()).toBe(0);
    expect(dump.stdout.toString()).toContain('vault_secrets');
    expect(dump.stdout.toString()).toContain(rows[0]?.ciphertext);
    expectNoSecretIn(dump.stdout, 'pg_dump');
  });
});
