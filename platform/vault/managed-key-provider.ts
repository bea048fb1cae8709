// A provider that holds its own key versions and can add and retire them: over a key file, or in memory.
import { randomBytes } from 'node:crypto';
import { KeyRing, keyVersion } from './key-ring';
import type { KeyProvider, KeyRotation, UnwrapResult } from './key-provider';

/** Where a managed provider keeps its versions: read each time (cheap, so other processes' rotations are seen). */
export interface KeyStore {
  readonly description: string;
  /** The current ring, creating a first version when the store is empty. */
  load(): KeyRing;
  /** Replaces the stored ring (atomically for a file). */
  save(ring: KeyRing): void;
}

/** A key store in this process's memory only (in-memory platforms and tests): keys die with the process. */
export function memoryKeyStore(): KeyStore {
  let ring: KeyRing | undefined;
  return {
    description: 'memory (keys are lost when the platform stops)',
    load: () => (ring ??= new KeyRing([keyVersion(1, randomBytes(32))], 1)),
    save: (next) => void (ring = next),
  };
}

/** Key versions kept by Ferry itself; `vault rotate` adds one and retires those no secret uses. */
export class ManagedKeyProvider implements KeyProvider {
  readonly rotation: KeyRotation = {
    kind: 'managed',
    addVersion: async () => {
      const ring = this.store.load();
      const version = Math.max(...ring.versions.map((v) => v.version)) + 1;
      const added = keyVersion(version, randomBytes(32));
      this.store.save(new KeyRing([...ring.versions, added], version));
      return added.id;
    },
    retire: async (ids, supersededBefore) => {
      const ring = this.store.load();
      const superseded = (old: (typeof ring.versions)[number]) =>
        ring.versions.some((v) => v.version > old.version && v.createdAt.getTime() <= supersededBefore.getTime());
      const gone = ring.versions.filter((v) => ids.includes(v.id) && v.id !== ring.active.id && superseded(v));
      if (gone.length > 0) {
        this.store.save(
          new KeyRing(
            ring.versions.filter((v) => !gone.includes(v)),
            ring.active.version,
          ),
        );
      }
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
