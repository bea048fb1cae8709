// The vault's key providers: the key file (0600, versions, rotation, retirement, re-read), FERRY_VAULT_KEY's format.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openBytes, sealBytes } from '../../../platform/vault/aes-gcm';
import { EnvKeyProvider, parseVaultKeyEnv } from '../../../platform/vault/env-key-provider';
import { keyFileStore } from '../../../platform/vault/key-file-store';
import { keyId } from '../../../platform/vault/key-ring';
import { ManagedKeyProvider } from '../../../platform/vault/managed-key-provider';
import { defaultVaultKeyFile, vaultKeyProvider } from '../../../platform/vault/vault-key-provider';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-vault-keys-'));
  dirs.push(dir);
  return dir;
}

const aad = Buffer.from('place');
const key = () => randomBytes(32).toString('base64');

describe('AES-256-GCM', () => {
  it('opens what it sealed and refuses another AAD, another key or any altered byte', () => {
    const k = randomBytes(32);
    const sealed = sealBytes(k, Buffer.from('s3cret'), aad);
    expect(openBytes(k, sealed, aad)?.toString()).toBe('s3cret');
    expect(openBytes(k, sealed, Buffer.from('elsewhere'))).toBeNull();
    expect(openBytes(randomBytes(32), sealed, aad)).toBeNull();
    for (let i = 0; i < sealed.length; i++) {
      const altered = Buffer.from(sealed);
      altered[i] = (altered[i] as number) ^ 1;
      expect(openBytes(k, altered, aad)).toBeNull();
    }
    expect(openBytes(k, sealed.subarray(0, 27), aad)).toBeNull();
  });
});

describe('key file', () => {
  it('is created 0600 beside the data folder with one active version, and read back the same', async () => {
    const dataDir = path.join(tempDir(), 'platform');
    const file = defaultVaultKeyFile(dataDir);
    expect(path.dirname(file)).toBe(path.dirname(dataDir));
    expect(file.startsWith(dataDir + path.sep)).toBe(false);
    const provider = vaultKeyProvider({ kind: 'data-folder', dataDir }, { env: {} });
    const active = await provider.activeKeyId();
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const content = JSON.parse(readFileSync(file, 'utf8'));
    expect(content).toMatchObject({ format: 'ferry-vault-keys/1', active: 1, keys: [{ version: 1 }] });
    const again = new ManagedKeyProvider(keyFileStore(file));
    expect(await again.activeKeyId()).toBe(active);
    const { kekId, wrapped } = await provider.wrap(Buffer.alloc(32, 7), aad);
    expect(await again.unwrap(kekId, wrapped, aad)).toEqual({ kind: 'ok', dataKey: Buffer.alloc(32, 7) });
  });

  it('FERRY_VAULT_KEY_FILE and an explicit file choose the file; a wider mode is tightened to 0600', async () => {
    const dir = tempDir();
    const chosen = path.join(dir, 'chosen.json');
    await vaultKeyProvider({ kind: 'postgres' }, { env: { FERRY_VAULT_KEY_FILE: chosen } }).activeKeyId();
    expect(statSync(chosen).mode & 0o777).toBe(0o600);
    chmodSync(chosen, 0o644);
    const explicit = vaultKeyProvider({ kind: 'memory' }, { keyFile: chosen, env: {} });
    await explicit.heldKeyIds();
    expect(statSync(chosen).mode & 0o777).toBe(0o600);
  });

  it('adds versions (the new one active), keeps old ones until retired, never retires the active one', async () => {
    const file = path.join(tempDir(), 'keys.json');
    const provider = new ManagedKeyProvider(keyFileStore(file));
    const first = await provider.activeKeyId();
    const old = await provider.wrap(Buffer.alloc(32, 1), aad);
    if (provider.rotation.kind !== 'managed') throw new Error('expected a managed provider');
    const second = await provider.rotation.addVersion();
    expect(second).not.toBe(first);
    expect(await provider.activeKeyId()).toBe(second);
    expect([...(await provider.heldKeyIds())].sort()).toEqual([first, second].sort());
    expect((await provider.unwrap(old.kekId, old.wrapped, aad)).kind).toBe('ok');
    const content = JSON.parse(readFileSync(file, 'utf8'));
    expect(content.active).toBe(2);
    expect(content.keys.map((k: { version: number }) => k.version)).toEqual([1, 2]);
    // Not before the newer version is older than the grace the caller asks for.
    expect(await provider.rotation.retire([first], new Date(Date.now() - 60_000))).toEqual([]);
    expect(await provider.rotation.retire([first, second], new Date())).toEqual([first]);
    expect([...(await provider.heldKeyIds())]).toEqual([second]);
    expect(await provider.unwrap(old.kekId, old.wrapped, aad)).toEqual({ kind: 'missing' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("another process's rotation is seen without restarting", async () => {
    const file = path.join(tempDir(), 'keys.json');
    const server = new ManagedKeyProvider(keyFileStore(file));
    const cli = new ManagedKeyProvider(keyFileStore(file));
    await server.activeKeyId();
    if (cli.rotation.kind !== 'managed') throw new Error('expected a managed provider');
    const added = await cli.rotation.addVersion();
    expect(await server.activeKeyId()).toBe(added);
  });

  it('changes the file under a lock: released after each change, a stale one (crashed process) is broken', async () => {
    const file = path.join(tempDir(), 'keys.json');
    const provider = new ManagedKeyProvider(keyFileStore(file));
    if (provider.rotation.kind !== 'managed') throw new Error('expected a managed provider');
    await provider.rotation.addVersion();
    expect(existsSync(`${file}.lock`)).toBe(false);
    writeFileSync(`${file}.lock`, '');
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, minuteAgo, minuteAgo);
    await provider.rotation.addVersion();
    expect(existsSync(`${file}.lock`)).toBe(false);
    expect(JSON.parse(readFileSync(file, 'utf8')).active).toBe(3);
  });

  it('a damaged key file is refused with a message naming the file, never its content', () => {
    const file = path.join(tempDir(), 'keys.json');
    const secretish = key();
    writeFileSync(
      file,
      JSON.stringify({ format: 'ferry-vault-keys/1', active: 1, keys: [{ version: 1, key: secretish.slice(4) }] }),
    );
    const attempt = () => keyFileStore(file).load();
    expect(attempt).toThrow(file);
    expect(attempt).toThrow(/not 32 bytes/);
    try {
      attempt();
    } catch (error) {
      expect(String(error)).not.toContain(secretish.slice(4));
    }
    writeFileSync(file, 'not json ' + secretish);
    expect(attempt).toThrow(/not JSON/);
  });
});

describe('FERRY_VAULT_KEY', () => {
  it('takes one base64 key, or several with the first active', async () => {
    const [a, b] = [key(), key()];
    const one = EnvKeyProvider.fromEnv({ FERRY_VAULT_KEY: a });
    expect(await one.activeKeyId()).toBe(keyId(Buffer.from(a, 'base64')));
    const two = EnvKeyProvider.fromEnv({ FERRY_VAULT_KEY: `${b}, ${a}` });
    expect(await two.activeKeyId()).toBe(keyId(Buffer.from(b, 'base64')));
    expect((await two.heldKeyIds()).size).toBe(2);
    expect(two.rotation.kind).toBe('external');
    // It wins over a key file.
    const chosen = vaultKeyProvider({ kind: 'data-folder', dataDir: tempDir() }, { env: { FERRY_VAULT_KEY: a } });
    expect(await chosen.activeKeyId()).toBe(keyId(Buffer.from(a, 'base64')));
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(48).toString('base64')],
    ['hex', randomBytes(32).toString('hex')],
    ['base64url', randomBytes(32).toString('base64url')],
    ['an empty entry', `${randomBytes(32).toString('base64')},`],
  ])('refuses %s, saying the format and never echoing the value', (_case, value) => {
    let message = '';
    try {
      parseVaultKeyEnv(value);
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('FERRY_VAULT_KEY is malformed');
    expect(message).toContain('base64 of 32 random bytes (44 characters');
    expect(message).toContain('openssl rand -base64 32');
    for (const part of value.split(',').filter((p) => p !== '')) expect(message).not.toContain(part);
  });

  it('refuses the same key twice, and an unset variable for PostgreSQL without a key file', () => {
    const a = key();
    expect(() => parseVaultKeyEnv(`${a},${a}`)).toThrow(/same key twice/);
    expect(() => vaultKeyProvider({ kind: 'postgres' }, { env: {} })).toThrow(/FERRY_VAULT_KEY.*FERRY_VAULT_KEY_FILE/);
  });
});
