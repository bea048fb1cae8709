// Key-encryption keys from an environment variable (servers): FERRY_VAULT_KEY, base64 keys, the first one active.
import { KeyRing, keyVersion } from './key-ring';
import type { KeyProvider, KeyRotation, UnwrapResult } from './key-provider';

/** The variable servers set. */
export const VAULT_KEY_ENV = 'FERRY_VAULT_KEY';

const FORMAT =
  `${VAULT_KEY_ENV} must be the base64 of 32 random bytes (44 characters, e.g. the output of ` +
  '`openssl rand -base64 32`), or several such keys separated by commas, the active one first';

/** Parses the variable's value into a key ring; errors say the expected format and never echo the value. */
export function parseVaultKeyEnv(value: string): KeyRing {
  const parts = value.split(',').map((part) => part.trim());
  const versions = parts.map((part, index) => {
    const position = parts.length > 1 ? ` (key ${index + 1} of ${parts.length})` : '';
    if (!/^[A-Za-z0-9+/]{43}=$/.test(part)) {
      throw new Error(`${VAULT_KEY_ENV} is malformed${position}: ${FORMAT}`);
    }
    // Oldest last: the active (first) key gets the highest version number.
    return keyVersion(parts.length - index, Buffer.from(part, 'base64'));
  });
  if (new Set(versions.map((v) => v.id)).size !== versions.length) {
    throw new Error(`${VAULT_KEY_ENV} lists the same key twice: ${FORMAT}`);
  }
  return new KeyRing(versions, parts.length);
}

/** A provider over a fixed key ring read from the environment; rotation is done by editing the variable. */
export class EnvKeyProvider implements KeyProvider {
  readonly description = `the ${VAULT_KEY_ENV} environment variable`;
  readonly rotation: KeyRotation = {
    kind: 'external',
    howTo:
      `put a new key first in ${VAULT_KEY_ENV} (keep the old ones after it, comma-separated), restart the ` +
      'platform, then run `vault rotate` again to re-wrap; remove an old key once `vault rotate` says no secret uses it',
  };

  private constructor(private readonly ring: KeyRing) {}

  /** Reads the variable from `env`; throws with the expected format when it is malformed. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): EnvKeyProvider {
    const value = env[VAULT_KEY_ENV];
    if (value === undefined || value.trim() === '') throw new Error(`${VAULT_KEY_ENV} is not set: ${FORMAT}`);
    return new EnvKeyProvider(parseVaultKeyEnv(value));
  }

  /** The active version's ID. */
  async activeKeyId(): Promise<string> {
    return this.ring.active.id;
  }

  /** Every key version in the variable. */
  async heldKeyIds(): Promise<ReadonlySet<string>> {
    return new Set(this.ring.versions.map((v) => v.id));
  }

  /** Wraps under the first key. */
  async wrap(dataKey: Uint8Array, aad: Uint8Array): Promise<{ readonly kekId: string; readonly wrapped: Buffer }> {
    return this.ring.wrap(dataKey, aad);
  }

  /** Unwraps with the version named. */
  async unwrap(kekId: string, wrapped: Uint8Array, aad: Uint8Array): Promise<UnwrapResult> {
    return this.ring.unwrap(kekId, wrapped, aad);
  }
}
