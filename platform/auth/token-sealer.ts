import { createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { openBytes, sealBytes } from '../vault/aes-gcm';
import type { KeyProvider } from '../vault/key-provider';
import { ManagedKeyProvider, memoryKeyStore } from '../vault/managed-key-provider';

/** What a sealed value is for: bound into its AAD, so a sealed mail job never opens as an invitation token. */
export type SealPurpose = 'invitation-token' | 'mail' | 'download-link';

const aad = (purpose: SealPurpose, part: 'data-key' | 'value') =>
  Buffer.from(JSON.stringify(['ferry-sealer/2', purpose, part]), 'utf8');

/** The key-encryption key version a `v2.` sealed value uses, or null for an older format (v1) or garbage. */
export function sealedKeyId(sealed: string): string | null {
  const [version, kekId] = sealed.split('.');
  return version === 'v2' && kekId ? kekId : null;
}

/**
 * Seals short secrets (invitation tokens, queued e-mails) under the vault's key-encryption keys, kept outside the
 * database, so an admin can copy an invitation link again while a database reader alone cannot use it. Format
 * `v2.<kekId>.<wrapped data key>.<iv+ciphertext+tag>` (base64url): a fresh data key per value, wrapped by the
 * provider's active version (so a KMS never hands out keys). Values sealed by older versions (`v1.`, under the
 * former `sealing.key`) still open when that key is given, so existing invitation links stay copyable; new values
 * never use it.
 */
export class TokenSealer {
  /** Seals with `keys`; opens `v1.` values with `legacyKey` when given. */
  constructor(
    readonly keys: KeyProvider,
    private readonly legacyKey: Buffer | null = null,
  ) {
    if (legacyKey !== null && legacyKey.length !== 32) throw new Error('the legacy sealing key must be 32 bytes');
  }

  /** A sealer with keys that live as long as the process (links cannot be shown after a restart). */
  static ephemeral(): TokenSealer {
    return new TokenSealer(new ManagedKeyProvider(memoryKeyStore()));
  }

  /**
   * The former sealing key (`<dataDir>/sealing.key`, base64 of 32 bytes) if the file exists, to open `v1.` values;
   * never created any more. Tightened to 0600 like before.
   */
  static readLegacyKey(file: string): Buffer | null {
    if (!existsSync(file)) return null;
    if (process.platform !== 'win32') chmodSync(file, 0o600);
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${file} does not hold a 32-byte base64 key`);
    return key;
  }

  /** Seals `plain` for `purpose` under the provider's active key version. */
  async seal(plain: string, purpose: SealPurpose): Promise<string> {
    const dataKey = randomBytes(32);
    try {
      const sealed = sealBytes(dataKey, Buffer.from(plain, 'utf8'), aad(purpose, 'value'));
      const { kekId, wrapped } = await this.keys.wrap(dataKey, aad(purpose, 'data-key'));
      return `v2.${kekId}.${wrapped.toString('base64url')}.${sealed.toString('base64url')}`;
    } finally {
      dataKey.fill(0);
    }
  }

  /** The plain text, or null when its key version is not held, it was sealed for another purpose, or altered. */
  async open(sealed: string, purpose: SealPurpose): Promise<string | null> {
    const parts = sealed.split('.');
    if (parts[0] === 'v1') return this.openV1(parts);
    const [version, kekId, wrapped, data] = parts;
    if (version !== 'v2' || !kekId || !wrapped || !data || parts.length !== 4) return null;
    const unwrapped = await this.keys.unwrap(kekId, Buffer.from(wrapped, 'base64url'), aad(purpose, 'data-key'));
    if (unwrapped.kind !== 'ok') return null;
    try {
      return (
        openBytes(unwrapped.dataKey, Buffer.from(data, 'base64url'), aad(purpose, 'value'))?.toString('utf8') ?? null
      );
    } finally {
      unwrapped.dataKey.fill(0);
    }
  }

  // The former format: `v1.<iv>.<ciphertext+tag>` under the sealing key file, without AAD.
  private openV1(parts: readonly string[]): string | null {
    const [, iv, data] = parts;
    if (this.legacyKey === null || !iv || !data || parts.length !== 3) return null;
    const bytes = Buffer.from(data, 'base64url');
    if (bytes.length < 16) return null;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.legacyKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      return Buffer.concat([decipher.update(bytes.subarray(0, bytes.length - 16)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }
}
