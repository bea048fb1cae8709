import { ServerIdentityError, serverOfIdentityKey } from '../../../connectors/server-identity';
import type { TrustStore } from '../../../connectors/driver';
import type { KeyValueStore } from '../key-value-store';

const KEY = 'knownServerIdentities';

/**
 * Host keys the user confirmed, keyed by "kind:host:port". Unlike a plain trust-on-first-use store, it never
 * trusts on its own: when a driver offers to remember a new key (`set`), it refuses with ServerIdentityError
 * 'unknown', so the app can show the fingerprint and the user confirms it with `confirm`.
 */
export class ConfirmedIdentities implements TrustStore {
  constructor(private readonly store: KeyValueStore) {}

  private all(): Record<string, string> {
    const stored = this.store.get(KEY);
    if (stored === null || typeof stored !== 'object' || Array.isArray(stored)) return {};
    return Object.fromEntries(
      Object.entries(stored as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }

  async get(key: string): Promise<string | undefined> {
    return this.all()[key];
  }

  async set(key: string, fingerprint: string): Promise<void> {
    throw new ServerIdentityError(
      serverOfIdentityKey(key).kind === 'sftp' ? 'host key' : 'certificate',
      'unknown',
      fingerprint,
    );
  }

  /** The confirmed fingerprint for a key, synchronously (for the service's own checks). */
  confirmed(key: string): string | undefined {
    return this.all()[key];
  }

  /** Records the user's confirmation of a fingerprint. */
  confirm(key: string, fingerprint: string): void {
    this.store.set(KEY, { ...this.all(), [key]: fingerprint });
  }

  /** Forgets the confirmed fingerprint for a key: the next connection to that server asks again. */
  forget(key: string): void {
    const { [key]: _forgotten, ...rest } = this.all();
    this.store.set(KEY, rest);
  }
}
