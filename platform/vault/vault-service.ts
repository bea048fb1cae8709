// The vault: secrets of organisation connectors, each under its own data key wrapped by a key outside the database.
import { randomBytes } from 'node:crypto';
import { and, asc, eq, notInArray } from 'drizzle-orm';
import type { Executor } from '../db/database';
import { vaultSecrets } from '../db/schema';
import { openBytes, sealBytes } from './aes-gcm';
import type { KeyProvider } from './key-provider';
import { secretAad, type SecretRef } from './secret-ref';

/** What reading a secret gives. */
export type VaultRead =
  | { readonly kind: 'found'; readonly value: string }
  | { readonly kind: 'absent' }
  /** Stored but cannot be opened: its key version is not held (`key-missing`) or its bytes were altered (`refused`). */
  | { readonly kind: 'unreadable'; readonly reason: 'key-missing' | 'refused' };

/** A secret that must be entered again (its key-encryption key is gone, e.g. a restore without the key file). */
export interface UnreadableSecret {
  readonly connectorId: string;
  readonly option: string;
}

const where = (ref: SecretRef) =>
  and(
    eq(vaultSecrets.orgId, ref.orgId),
    eq(vaultSecrets.connectorId, ref.connectorId),
    eq(vaultSecrets.option, ref.option),
  );

/** Encrypts `value` for `ref`: a fresh data key seals it, the provider's active key wraps the data key. */
export async function sealSecret(
  keys: KeyProvider,
  ref: SecretRef,
  value: string,
): Promise<{ readonly kekId: string; readonly wrappedKey: string; readonly ciphertext: string }> {
  const dataKey = randomBytes(32);
  try {
    const ciphertext = sealBytes(dataKey, Buffer.from(value, 'utf8'), secretAad(ref, 'secret'));
    const { kekId, wrapped } = await keys.wrap(dataKey, secretAad(ref, 'data-key'));
    return { kekId, wrappedKey: wrapped.toString('base64'), ciphertext: ciphertext.toString('base64') };
  } finally {
    dataKey.fill(0);
  }
}

/**
 * Secrets per (organisation, connector, option). Values go in and come out only here; nothing of them is logged or
 * put in an error message. Every method takes an optional transaction so callers store a secret with its row.
 */
export class VaultService {
  /** Works on `db` with keys from `keys`. */
  constructor(
    private readonly db: Executor,
    private readonly keys: KeyProvider,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Stores or replaces the secret at `ref`. */
  async put(ref: SecretRef, value: string, tx: Executor = this.db): Promise<void> {
    const sealed = await sealSecret(this.keys, ref, value);
    const at = this.now();
    await tx
      .insert(vaultSecrets)
      .values({ ...ref, ...sealed, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [vaultSecrets.orgId, vaultSecrets.connectorId, vaultSecrets.option],
        set: { ...sealed, updatedAt: at },
      });
  }

  /** The secret at `ref`, its absence, or why it cannot be read. */
  async get(ref: SecretRef, tx: Executor = this.db): Promise<VaultRead> {
    const [row] = await tx.select().from(vaultSecrets).where(where(ref));
    if (row === undefined) return { kind: 'absent' };
    const unwrapped = await this.keys.unwrap(
      row.kekId,
      Buffer.from(row.wrappedKey, 'base64'),
      secretAad(ref, 'data-key'),
    );
    switch (unwrapped.kind) {
      case 'missing':
        return { kind: 'unreadable', reason: 'key-missing' };
      case 'refused':
        return { kind: 'unreadable', reason: 'refused' };
      case 'ok': {
        const plain = openBytes(unwrapped.dataKey, Buffer.from(row.ciphertext, 'base64'), secretAad(ref, 'secret'));
        unwrapped.dataKey.fill(0);
        return plain === null ? { kind: 'unreadable', reason: 'refused' } : { kind: 'found', value: plain.toString() };
      }
    }
  }

  /** Deletes the secret at `ref`; whether there was one. */
  async remove(ref: SecretRef, tx: Executor = this.db): Promise<boolean> {
    const gone = await tx.delete(vaultSecrets).where(where(ref)).returning({ option: vaultSecrets.option });
    return gone.length > 0;
  }

  /** Deletes every secret of a connector (when the connector is deleted); how many. */
  async removeConnector(orgId: string, connectorId: string, tx: Executor = this.db): Promise<number> {
    const gone = await tx
      .delete(vaultSecrets)
      .where(and(eq(vaultSecrets.orgId, orgId), eq(vaultSecrets.connectorId, connectorId)))
      .returning({ option: vaultSecrets.option });
    return gone.length;
  }

  /** The option names a connector has secrets for, sorted (names only: enough to show "set" in a form). */
  async listNames(orgId: string, connectorId: string, tx: Executor = this.db): Promise<readonly string[]> {
    const rows = await tx
      .select({ option: vaultSecrets.option })
      .from(vaultSecrets)
      .where(and(eq(vaultSecrets.orgId, orgId), eq(vaultSecrets.connectorId, connectorId)))
      .orderBy(asc(vaultSecrets.option));
    return rows.map((r) => r.option);
  }

  /**
   * The organisation's secrets whose key-encryption key is not held: "secrets need to be entered again" (after a
   * restore without the key). Everything else of the organisation is intact.
   */
  async unreadable(orgId: string, tx: Executor = this.db): Promise<readonly UnreadableSecret[]> {
    const held = [...(await this.keys.heldKeyIds())];
    return tx
      .select({ connectorId: vaultSecrets.connectorId, option: vaultSecrets.option })
      .from(vaultSecrets)
      .where(and(eq(vaultSecrets.orgId, orgId), held.length > 0 ? notInArray(vaultSecrets.kekId, held) : undefined))
      .orderBy(asc(vaultSecrets.connectorId), asc(vaultSecrets.option));
  }
}
