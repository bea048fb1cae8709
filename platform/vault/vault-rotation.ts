// Key rotation: re-wrap data keys under the active key version in batches, then retire versions nothing uses.
import { and, asc, eq, gt, inArray, ne, or } from 'drizzle-orm';
import type { Database } from '../db/database';
import { vaultSecrets } from '../db/schema';
import type { KeyProvider } from './key-provider';
import { secretAad, type SecretRef } from './secret-ref';
import { TokenSealer } from '../auth/token-sealer';
import { resealInvitationTokens, sealedKeyIdsInUse } from './sealed-key-use';

/** Where a re-wrap pass stopped: the last row handled (primary key order). */
export type RewrapCursor = SecretRef;

/** One batch's outcome; `next` is null when the pass is done. */
export interface RewrapStep {
  readonly rewrapped: number;
  /** Rows whose wrapped key did not open (altered): left as they are, and reported by reads as unreadable. */
  readonly refused: number;
  readonly next: RewrapCursor | null;
}

/** A whole rotation's outcome. */
export interface RotationReport {
  /** The version added, when the provider manages its own versions. */
  readonly added: string | null;
  readonly active: string;
  readonly rewrapped: number;
  readonly refused: number;
  /** Pending invitations' sealed tokens moved to the active version. */
  readonly resealed: number;
  /** Versions removed from the provider because no secret uses them any more. */
  readonly retired: readonly string[];
  /** Versions no secret uses that only the operator can remove (keys in an environment variable). */
  readonly removable: readonly string[];
}

/** How long a superseded key version is kept at least, when other processes may use the same keys. */
export const DEFAULT_RETIRE_GRACE_MS = 10 * 60_000;

const after = (cursor: RewrapCursor) =>
  or(
    gt(vaultSecrets.orgId, cursor.orgId),
    and(eq(vaultSecrets.orgId, cursor.orgId), gt(vaultSecrets.connectorId, cursor.connectorId)),
    and(
      eq(vaultSecrets.orgId, cursor.orgId),
      eq(vaultSecrets.connectorId, cursor.connectorId),
      gt(vaultSecrets.option, cursor.option),
    ),
  );

/**
 * Re-wraps up to `batchSize` data keys held under an older (but held) version with the active one, after `cursor`.
 * The secrets themselves are not decrypted. A row changed meanwhile (a new value was put) is left to its writer. The
 * jobs runtime calls this repeatedly with the returned cursor until `next` is null.
 */
export async function rewrapBatch(
  db: Database,
  keys: KeyProvider,
  cursor: RewrapCursor | null = null,
  batchSize = 200,
): Promise<RewrapStep> {
  const active = await keys.activeKeyId();
  const older = [...(await keys.heldKeyIds())].filter((id) => id !== active);
  if (older.length === 0) return { rewrapped: 0, refused: 0, next: null };
  const rows = await db
    .select()
    .from(vaultSecrets)
    .where(and(inArray(vaultSecrets.kekId, older), cursor === null ? undefined : after(cursor)))
    .orderBy(asc(vaultSecrets.orgId), asc(vaultSecrets.connectorId), asc(vaultSecrets.option))
    .limit(batchSize);
  let rewrapped = 0;
  let refused = 0;
  for (const row of rows) {
    const ref: SecretRef = { orgId: row.orgId, connectorId: row.connectorId, option: row.option };
    const aad = secretAad(ref, 'data-key');
    const opened = await keys.unwrap(row.kekId, Buffer.from(row.wrappedKey, 'base64'), aad);
    if (opened.kind !== 'ok') {
      refused++;
      continue;
    }
    const { kekId, wrapped } = await keys.wrap(opened.dataKey, aad);
    opened.dataKey.fill(0);
    const updated = await db
      .update(vaultSecrets)
      .set({ kekId, wrappedKey: wrapped.toString('base64') })
      .where(
        and(
          eq(vaultSecrets.orgId, ref.orgId),
          eq(vaultSecrets.connectorId, ref.connectorId),
          eq(vaultSecrets.option, ref.option),
          eq(vaultSecrets.kekId, row.kekId),
          eq(vaultSecrets.wrappedKey, row.wrappedKey),
        ),
      )
      .returning({ option: vaultSecrets.option });
    rewrapped += updated.length;
  }
  const last = rows.at(-1);
  return {
    rewrapped,
    refused,
    next:
      rows.length < batchSize || last === undefined
        ? null
        : { orgId: last.orgId, connectorId: last.connectorId, option: last.option },
  };
}

/** The held key versions other than the active one. */
export async function olderKeyIds(keys: KeyProvider): Promise<readonly string[]> {
  const active = await keys.activeKeyId();
  return [...(await keys.heldKeyIds())].filter((id) => id !== active);
}

/**
 * Key versions held but neither active nor used by any secret, any pending invitation's sealed token or any e-mail
 * waiting in the `mail` queue.
 */
export async function unusedKeyIds(db: Database, keys: KeyProvider): Promise<readonly string[]> {
  const active = await keys.activeKeyId();
  const candidates = [...(await keys.heldKeyIds())].filter((id) => id !== active);
  if (candidates.length === 0) return [];
  const used = await db
    .selectDistinct({ kekId: vaultSecrets.kekId })
    .from(vaultSecrets)
    .where(and(inArray(vaultSecrets.kekId, candidates), ne(vaultSecrets.kekId, active)));
  const inUse = new Set([...used.map((r) => r.kekId), ...(await sealedKeyIdsInUse(db))]);
  return candidates.filter((id) => !inUse.has(id));
}

/**
 * Removes the versions no secret uses from a managed provider, once superseded for `graceMs` (a server that read the
 * key file just before the rotation may still wrap one secret with the old active version within that time; 0 when
 * no other process uses the keys); for an external provider, names them only.
 */
export async function retireUnusedKeys(
  db: Database,
  keys: KeyProvider,
  graceMs = DEFAULT_RETIRE_GRACE_MS,
): Promise<{ readonly retired: readonly string[]; readonly removable: readonly string[] }> {
  const unused = await unusedKeyIds(db, keys);
  switch (keys.rotation.kind) {
    case 'managed': {
      const before = new Date(Date.now() - graceMs);
      return { retired: unused.length > 0 ? await keys.rotation.retire(unused, before) : [], removable: [] };
    }
    case 'external':
      return { retired: [], removable: unused };
  }
}

/** Re-wraps every data key under the active version, batch after batch. */
export async function rewrapAll(
  db: Database,
  keys: KeyProvider,
  batchSize = 200,
): Promise<{ readonly rewrapped: number; readonly refused: number }> {
  let rewrapped = 0;
  let refused = 0;
  let cursor: RewrapCursor | null = null;
  do {
    const step: RewrapStep = await rewrapBatch(db, keys, cursor, batchSize);
    rewrapped += step.rewrapped;
    refused += step.refused;
    cursor = step.next;
  } while (cursor !== null);
  return { rewrapped, refused };
}

/**
 * `vault rotate`: adds a key version (when the provider manages versions; else uses the active one the operator
 * set), re-wraps every data key now, then retires the versions nothing uses.
 */
export async function rotateVault(
  db: Database,
  keys: KeyProvider,
  options: { readonly batchSize?: number; readonly retireGraceMs?: number } = {},
): Promise<RotationReport> {
  const added = keys.rotation.kind === 'managed' ? await keys.rotation.addVersion() : null;
  const { rewrapped, refused } = await rewrapAll(db, keys, options.batchSize);
  const { resealed } = await resealInvitationTokens(db, new TokenSealer(keys), await olderKeyIds(keys));
  const { retired, removable } = await retireUnusedKeys(db, keys, options.retireGraceMs);
  return { added, active: await keys.activeKeyId(), rewrapped, refused, resealed, retired, removable };
}
