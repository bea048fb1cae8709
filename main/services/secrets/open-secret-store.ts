import { KeychainSecretStore, KeychainUnavailableError } from './keychain-secret-store';
import type { SecretStore } from './secret-store';
import { SessionSecretStore } from './session-secret-store';

/** The secret store to use, and why the keychain is not used when it is not (shown to the user, never hidden). */
export interface OpenedSecretStore {
  readonly store: SecretStore;
  readonly keychainProblem?: string;
}

/** Opens the OS keychain; when it is unavailable, falls back to session memory and says why. */
export async function openSecretStore(service: string): Promise<OpenedSecretStore> {
  try {
    return { store: await KeychainSecretStore.open(service) };
  } catch (error) {
    if (!(error instanceof KeychainUnavailableError)) throw error;
    return { store: new SessionSecretStore(), keychainProblem: error.message };
  }
}
