import type * as KeyringModule from '@napi-rs/keyring';
import type { AsyncEntry } from '@napi-rs/keyring';
import type { SecretStore } from './secret-store';

type Keyring = typeof KeyringModule;

/** Why the OS keychain cannot be used, in words a user can act on. */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
}

/**
 * Secrets in the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux) through
 * @napi-rs/keyring. On Linux the store is pinned to Secret Service: the library would otherwise fall back silently to
 * the kernel keyring, which forgets everything at logout.
 */
export class KeychainSecretStore implements SecretStore {
  readonly backend = 'keychain' as const;

  private constructor(
    private readonly keyring: Keyring,
    private readonly service: string,
  ) {}

  /** Opens the keychain under a service name, proving it works with a read; throws KeychainUnavailableError. */
  static async open(service: string): Promise<KeychainSecretStore> {
    let keyring: Keyring;
    try {
      keyring = await import('@napi-rs/keyring');
    } catch (error) {
      throw new KeychainUnavailableError(`The keychain library cannot load on this system (${String(error)}).`);
    }
    const store = new KeychainSecretStore(keyring, service);
    try {
      await store.entry('ferry-keychain-probe').getPassword();
    } catch (error) {
      throw new KeychainUnavailableError(
        process.platform === 'linux'
          ? `No Secret Service keychain answered (GNOME Keyring or KWallet, unlocked): ${messageOf(error)}`
          : `The OS keychain refused access: ${messageOf(error)}`,
      );
    }
    return store;
  }

  private entry(name: string): AsyncEntry {
    return new this.keyring.AsyncEntry(this.service, name, { linux: { store: 'secret-service' } });
  }

  async get(name: string): Promise<string | undefined> {
    return (await this.entry(name).getPassword()) ?? undefined;
  }

  async set(name: string, value: string): Promise<void> {
    await this.entry(name).setPassword(value);
  }

  async delete(name: string): Promise<void> {
    await this.entry(name).deleteCredential();
  }

  async has(name: string): Promise<boolean> {
    return (await this.get(name)) !== undefined;
  }
}

const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
