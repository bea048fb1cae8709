// A provider that holds its own key versions and can add and retire them: over a key file, or in memory.
import { randomBytes } from 'node:crypto';
import { KeyRing, keyVersion, type KeyVersion } from './key-ring';
import type { KeyProvider, KeyRotation, UnwrapResult } from './key-provider';

/** Where a managed provider keeps its versions: read each time (cheap, so other processes' rotations are seen). */
export interface KeyStore {
  readonly description: string;
  /** The current ring, creating a first version when the store is empty. */
  load(): KeyRing;
  /**
   * Reads the latest ring, applies `change` and stores its result (atomically, under a lock for a file, so two
   * processes rotating or retiring at once never lose a version); returns what was stored.
   */
  update(change: (ring: KeyRing) => KeyRing): KeyRing;
}

/** A key store in this process's memory only (in-memory platforms and tests): keys die with the process. */
export function memoryKeyStore(): KeyStore {
  let ring: KeyRing | undefined;
  return {
    description: 'memory (keys are lost when the platform stops)',
    load: () => (ring ??= new KeyRing([keyVersion(1, randomBytes(32))], 1)),
    update: (change) => (ring = change(ring ?? new KeyRing([keyVersion(1, randomBytes(32))], 1))),
  };
}

/** Key versions kept by Ferry itself; `vault rotate` adds one and retires those no secret uses. */
export class ManagedKeyProvider implements KeyProvider {
  readonly rotation: KeyRotation = {
    kind: 'managed',
    addVersion: async () =>
      this.store.update((ring) => {
        const version = Math.max(...ring.versions.map((v) => v.version)) + 1;
        return new KeyRing([...ring.versions, keyVersion(version, randomBytes(32))], version);
      }).active.id,
    retire: async (ids, supersededBefore) => {
      let gone: readonly KeyVersion[] = [];
      this.store.update((ring) => {
        const superseded = (old: KeyVersion) =>
          ring.versions.some((v) => v.version > old.version && v.createdAt.getTime() <= supersededBefore.getTime());
        gone = ring.versions.filter((v) => ids.includes(v.id) && v.id !== ring.active.id && superseded(v));
        return gone.length === 0
          ? ring
          : new KeyRing(
              ring.versions.filter((v) => !gone.includes(v)),
              ring.active.version,
            );
      });
      return gone.map((v) => v.id);
    },
  };

  /** Manages the versions held by `store`. */
  constructor(private readonly store: KeyStore) {}

  /** Where the versions are kept. */
  get description(): string {
    return this.store.description;
  }

  /** The active version's ID. */
  async activeKeyId(): Promise<string> {
    return this.store.load().active.id;
  }

  /** Every version in the store. */
  async heldKeyIds(): Promise<ReadonlySet<string>> {
    return new Set(this.store.load().versions.map((v) => v.id));
  }

  /** Wraps under the active version. */
  async wrap(dataKey: Uint8Array, aad: Uint8Array): Promise<{ readonly kekId: string; readonly wrapped: Buffer }> {
    return this.store.load().wrap(dataKey, aad);
  }

  /** Unwraps with the version named. */
  async unwrap(kekId: string, wrapped: Uint8Array, aad: Uint8Array): Promise<UnwrapResult> {
    return this.store.load().unwrap(kekId, wrapped, aad);
  }
}
