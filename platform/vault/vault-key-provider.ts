// Chooses the vault's key provider from the environment and where the data lives.
import path from 'node:path';
import { EnvKeyProvider, VAULT_KEY_ENV } from './env-key-provider';
import { keyFileStore } from './key-file-store';
import type { KeyProvider } from './key-provider';
import { ManagedKeyProvider, memoryKeyStore } from './managed-key-provider';

/** The variable naming the key file. */
export const VAULT_KEY_FILE_ENV = 'FERRY_VAULT_KEY_FILE';

/** Where the platform's data is, as far as the vault cares. */
export type VaultDataLocation =
  | { readonly kind: 'data-folder'; readonly dataDir: string }
  | { readonly kind: 'postgres' }
  | { readonly kind: 'memory' };

/**
 * The default key file: beside the data folder, not in it, so a copy of the data folder (a backup) does not carry
 * the key that opens its secrets.
 */
export function defaultVaultKeyFile(dataDir: string): string {
  const resolved = path.resolve(dataDir);
  return path.join(path.dirname(resolved), `${path.basename(resolved)}.vault-keys.json`);
}

/**
 * FERRY_VAULT_KEY (servers) wins, then an explicit key file (`keyFile`, else FERRY_VAULT_KEY_FILE), then the default
 * file beside the data folder; an in-memory platform gets keys in memory. PostgreSQL without either is refused: a
 * key the operator does not know about would be lost with the machine.
 */
export function vaultKeyProvider(
  location: VaultDataLocation,
  options: { readonly keyFile?: string; readonly env?: NodeJS.ProcessEnv } = {},
): KeyProvider {
  const env = options.env ?? process.env;
  if ((env[VAULT_KEY_ENV] ?? '') !== '') return EnvKeyProvider.fromEnv(env);
  const keyFile = options.keyFile ?? (env[VAULT_KEY_FILE_ENV] || undefined);
  if (keyFile !== undefined) return new ManagedKeyProvider(keyFileStore(path.resolve(keyFile)));
  switch (location.kind) {
    case 'data-folder':
      return new ManagedKeyProvider(keyFileStore(defaultVaultKeyFile(location.dataDir)));
    case 'memory':
      return new ManagedKeyProvider(memoryKeyStore());
    case 'postgres':
      throw new Error(
        `the vault needs its key outside the database: set ${VAULT_KEY_ENV} (base64 of 32 bytes) or ` +
          `${VAULT_KEY_FILE_ENV} (a file Ferry creates 0600 if missing)`,
      );
  }
}
