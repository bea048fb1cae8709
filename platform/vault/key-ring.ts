// Versions of 32-byte key-encryption keys held in this process (from a key file or an env var), one of them active.
import { createHmac } from 'node:crypto';
import { openBytes, sealBytes } from './aes-gcm';

/** One key-encryption key: its version number (ordering), its ID (stored in rows), the key bytes, when made. */
export interface KeyVersion {
  readonly version: number;
  readonly id: string;
  readonly key: Buffer;
  readonly createdAt: Date;
}

/**
 * A key's ID: a keyed hash of the key, never the key. Derived rather than numbered so a new key file made after the
 * old one was lost never reuses an ID: rows sealed under the lost key read as "key missing", not as damaged.
 */
export function keyId(key: Uint8Array): string {
  return 'k' + createHmac('sha256', key).update('ferry vault key id').digest('hex').slice(0, 16);
}

/** Builds a key version from its number and bytes (exactly 32). */
export function keyVersion(version: number, key: Uint8Array, createdAt: Date = new Date()): KeyVersion {
  if (key.length !== 32) throw new Error(`vault key version ${version} is ${key.length} bytes, not 32`);
  return { version, id: keyId(key), key: Buffer.from(key), createdAt };
}

/** The key versions a provider holds and which one wraps new data keys. */
export class KeyRing {
  private readonly byId: ReadonlyMap<string, KeyVersion>;

  /** `versions` must contain `activeVersion`. */
  constructor(
    readonly versions: readonly KeyVersion[],
    activeVersion: number,
  ) {
    const active = versions.find((v) => v.version === activeVersion);
    if (active === undefined) throw new Error(`the active vault key version ${activeVersion} is not in the key ring`);
    this.active = active;
    this.byId = new Map(versions.map((v) => [v.id, v]));
  }

  /** The version new data keys are wrapped with. */
  readonly active: KeyVersion;

  /** Whether the key with this ID is held. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Wraps a data key under the active version, bound to `aad`. */
  wrap(dataKey: Uint8Array, aad: Uint8Array): { readonly kekId: string; readonly wrapped: Buffer } {
    return { kekId: this.active.id, wrapped: sealBytes(this.active.key, dataKey, aad) };
  }

  /** The data key; `missing` when the key version is not held, `refused` when the bytes or the AAD do not match. */
  unwrap(
    kekId: string,
    wrapped: Uint8Array,
    aad: Uint8Array,
  ): { readonly kind: 'ok'; readonly dataKey: Buffer } | { readonly kind: 'missing' } | { readonly kind: 'refused' } {
    const kek = this.byId.get(kekId);
    if (kek === undefined) return { kind: 'missing' };
    const dataKey = openBytes(kek.key, wrapped, aad);
    return dataKey === null ? { kind: 'refused' } : { kind: 'ok', dataKey };
  }
}
