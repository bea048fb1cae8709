/** Where a secret is kept: the OS keychain, or this session's memory when no keychain is available. */
export type SecretBackend = 'keychain' | 'session';

/**
 * Secrets by name (e.g. 'connector:<id>:password', 'session:<accountId>'). Values never leave main: the renderer only
 * learns whether one is set. Implementations: KeychainSecretStore (OS keychain), SessionSecretStore (memory).
 */
export interface SecretStore {
  readonly backend: SecretBackend;
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  has(name: string): Promise<boolean>;
}
