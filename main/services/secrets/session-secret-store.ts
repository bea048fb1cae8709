import type { SecretStore } from './secret-store';

/** Secrets kept in this process's memory only: the explicit, visible fallback when no OS keychain is available. */
export class SessionSecretStore implements SecretStore {
  readonly backend = 'session' as const;
  private readonly secrets = new Map<string, string>();

  async get(name: string): Promise<string | undefined> {
    return this.secrets.get(name);
  }

  async set(name: string, value: string): Promise<void> {
    this.secrets.set(name, value);
  }

  async delete(name: string): Promise<void> {
    this.secrets.delete(name);
  }

  async has(name: string): Promise<boolean> {
    return this.secrets.has(name);
  }
}
