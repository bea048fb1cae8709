// Where the vault's key-encryption keys live. Local providers hold the keys (key file, env var); a KMS would only
// wrap and unwrap data keys for the vault, which is why the interface is at that level.

/** The outcome of unwrapping a data key. */
export type UnwrapResult =
  | { readonly kind: 'ok'; readonly dataKey: Buffer }
  /** The key-encryption key that wrapped it is not held (restored without the key, or retired too early). */
  | { readonly kind: 'missing' }
  /** The wrapped key or its binding was altered. */
  | { readonly kind: 'refused' };

/** How new key versions come: added by the provider itself, or by the operator outside Ferry. */
export type KeyRotation =
  | {
      readonly kind: 'managed';
      /** Adds a key version, makes it active and returns its ID. */
      addVersion(): Promise<string>;
      /**
       * Removes these versions if a newer one was made at or before `supersededBefore` (so every process has had
       * time to see the newer one); returns the IDs actually removed (never the active one).
       */
      retire(ids: readonly string[], supersededBefore: Date): Promise<readonly string[]>;
    }
  | {
      readonly kind: 'external';
      /** What the operator does to add or remove a version (said when `vault rotate` cannot do it). */
      readonly howTo: string;
    };

/** A source of versioned key-encryption keys, one of them active. */
export interface KeyProvider {
  /** Where the keys are, for messages (a path or a variable name, never a key). */
  readonly description: string;
  readonly rotation: KeyRotation;
  /** The ID of the version that wraps new data keys. */
  activeKeyId(): Promise<string>;
  /** Every key version this provider can unwrap with, by ID. */
  heldKeyIds(): Promise<ReadonlySet<string>>;
  /** Wraps a data key under the active version, bound to `aad`. */
  wrap(dataKey: Uint8Array, aad: Uint8Array): Promise<{ readonly kekId: string; readonly wrapped: Buffer }>;
  /** Unwraps a data key wrapped under version `kekId` with the same `aad`. */
  unwrap(kekId: string, wrapped: Uint8Array, aad: Uint8Array): Promise<UnwrapResult>;
}
