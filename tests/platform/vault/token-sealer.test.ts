// The token sealer on the vault's keys: v2 values name their key version and open with any held version, bound to
// their purpose; v1 values (the former sealing.key) still open when that key is given, and are never made again.
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TokenSealer, sealedKeyId } from '../../../platform/auth/token-sealer';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';

const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-sealer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** What the former sealer wrote: `v1.<iv>.<ciphertext+tag>` under the sealing key, without AAD. */
function sealV1(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return `v1.${iv.toString('base64url')}.${data.toString('base64url')}`;
}

describe('TokenSealer', () => {
  it('seals under the active key version, opens after a rotation, and binds the purpose', async () => {
    const keys = new ManagedKeyProvider(memoryKeyStore());
    const sealer = new TokenSealer(keys);
    const sealed = await sealer.seal('ferry_inv_abc', 'invitation-token');
    expect(sealedKeyId(sealed)).toBe(await keys.activeKeyId());
    expect(sealed).not.toContain('ferry_inv_abc');
    if (keys.rotation.kind !== 'managed') throw new Error('managed keys expected');
    await keys.rotation.addVersion();
    expect(await sealer.open(sealed, 'invitation-token')).toBe('ferry_inv_abc');
    expect(sealedKeyId(await sealer.seal('x', 'mail'))).toBe(await keys.activeKeyId());
    // A sealed e-mail pasted as an invitation token (or the reverse) does not open.
    expect(await sealer.open(sealed, 'mail')).toBeNull();
    const [v, kek, wrapped, data] = sealed.split('.');
    const bytes = Buffer.from(data ?? '', 'base64url');
    bytes[14] = (bytes[14] ?? 0) ^ 1; // one bit of the ciphertext
    const flipped = `${v}.${kek}.${wrapped}.${bytes.toString('base64url')}`;
    expect(await sealer.open(flipped, 'invitation-token')).toBeNull();
    // Another deployment's keys: not held.
    expect(await TokenSealer.ephemeral().open(sealed, 'invitation-token')).toBeNull();
  });

  it('opens v1 values with the former sealing.key when it exists; never creates that file', async () => {
    const file = path.join(dir, 'sealing.key');
    expect(TokenSealer.readLegacyKey(file)).toBeNull();
    const legacy = randomBytes(32);
    writeFileSync(file, legacy.toString('base64') + '\n', { mode: 0o644 });
    const key = TokenSealer.readLegacyKey(file);
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const old = sealV1(legacy, 'ferry_inv_old');
    const sealer = new TokenSealer(new ManagedKeyProvider(memoryKeyStore()), key);
    expect(await sealer.open(old, 'invitation-token')).toBe('ferry_inv_old');
    expect(await new TokenSealer(new ManagedKeyProvider(memoryKeyStore())).open(old, 'invitation-token')).toBeNull();
    expect(await sealer.seal('new', 'invitation-token')).toMatch(/^v2\./);
  });
});
