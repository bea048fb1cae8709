import type { SecretBackend, SecretStore } from '../../main/services/secrets/secret-store';

/** An in-memory SecretStore that says it is a keychain (or a session store), to test callers without D-Bus. */
export class MemorySecretStore implements SecretStore {
  readonly values = new Map<string, string>();

  constructor(readonly backend: SecretBackend = 'keychain') {}

  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.values.delete(name);
  }

  async has(name: string): Promise<boolean> {
    return this.values.has(name);
  }
}
