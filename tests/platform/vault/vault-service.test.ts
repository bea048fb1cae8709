// The vault on PGlite and PostgreSQL: round trip, AAD binding, tampering, rotation and retirement, missing keys.
import { eq, and } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { vaultSecrets } from '../../../platform/db/schema';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import type { SecretRef } from '../../../platform/vault/secret-ref';
import { VaultService } from '../../../platform/vault/vault-service';
import { retireUnusedKeys, rewrapBatch, rotateVault } from '../../../platform/vault/vault-rotation';
import { forEachVaultDatabase, type VaultEnv } from './vault-harness';
import type { Database } from '../../../platform/db/database';

let counter = 0;
/** A fresh connector ID per test, so tests on one database do not see each other's rows. */
const connector = (): string => `conn-${++counter}`;

async function rowOf(db: Database, ref: SecretRef) {
  const [row] = await db
    .select()
    .from(vaultSecrets)
    .where(
      and(
        eq(vaultSecrets.orgId, ref.orgId),
        eq(vaultSecrets.connectorId, ref.connectorId),
        eq(vaultSecrets.option, ref.option),
      ),
    );
  if (row === undefined) throw new Error('no row');
  return row;
}

// Writes `from`'s stored ciphertext and wrapped key at `to`, as someone with database access only could.
async function copyRow(db: Database, from: SecretRef, to: SecretRef): Promise<void> {
  const row = await rowOf(db, from);
  await db.insert(vaultSecrets).values({ ...row, ...to });
}

forEachVaultDatabase((env: () => VaultEnv) => {
  const vault = () => {
    const keys = new ManagedKeyProvider(memoryKeyStore());
    return { keys, service: new VaultService(env().db, keys) };
  };

  it('stores, reads, replaces, lists and removes secrets by organisation, connector and option', async () => {
    const { service } = vault();
    const c = connector();
    const password: SecretRef = { orgId: 'org-a', connectorId: c, option: 'password' };
    const privateKey: SecretRef = { ...password, option: 'privateKey' };
    expect(await service.get(password)).toEqual({ kind: 'absent' });
    await service.put(password, 'hunter2 é ✓');
    await service.put(privateKey, '-----BEGIN KEY-----\nabc\n');
    expect(await service.get(password)).toEqual({ kind: 'found', value: 'hunter2 é ✓' });
    expect(await service.get(privateKey)).toEqual({ kind: 'found', value: '-----BEGIN KEY-----\nabc\n' });
    const first = await rowOf(env().db, password);
    await service.put(password, 'changed');
    const second = await rowOf(env().db, password);
    expect(second.wrappedKey).not.toBe(first.wrappedKey); // a new data key each time
    expect(second.createdAt).toEqual(first.createdAt);
    expect(await service.get(password)).toEqual({ kind: 'found', value: 'changed' });
    expect(await service.listNames('org-a', c)).toEqual(['password', 'privateKey']);
    expect(await service.listNames('org-b', c)).toEqual([]);
    expect(await service.remove(password)).toBe(true);
    expect(await service.remove(password)).toBe(false);
    expect(await service.get(password)).toEqual({ kind: 'absent' });
    expect(await service.removeConnector('org-a', c)).toBe(1);
    expect(await service.listNames('org-a', c)).toEqual([]);
  });

  it('a ciphertext copied to another option, connector or organisation does not decrypt', async () => {
    const { service } = vault();
    const c = connector();
    const source: SecretRef = { orgId: 'org-a', connectorId: c, option: 'password' };
    await service.put(source, 'only-here');
    const targets: SecretRef[] = [
      { ...source, option: 'secretKey' },
      { ...source, connectorId: connector() },
      { ...source, orgId: 'org-b' },
    ];
    for (const target of targets) {
      await copyRow(env().db, source, target);
      expect(await service.get(target)).toEqual({ kind: 'unreadable', reason: 'refused' });
    }
    // Swapping the columns of two secrets of one connector does not help either.
    const other: SecretRef = { ...source, option: 'token' };
    await service.put(other, 'other-value');
    const a = await rowOf(env().db, source);
    await env()
      .db.update(vaultSecrets)
      .set({ ciphertext: a.ciphertext })
      .where(and(eq(vaultSecrets.connectorId, c), eq(vaultSecrets.option, 'token')));
    expect(await service.get(other)).toEqual({ kind: 'unreadable', reason: 'refused' });
    expect(await service.get(source)).toEqual({ kind: 'found', value: 'only-here' });
  });

  it('an altered ciphertext or wrapped key is refused, and so is a wrapped key pasted as the ciphertext', async () => {
    const { service } = vault();
    const ref: SecretRef = { orgId: 'org-a', connectorId: connector(), option: 'password' };
    await service.put(ref, 'untouched');
    const row = await rowOf(env().db, ref);
    const flip = (base64: string, at: number) => {
      const bytes = Buffer.from(base64, 'base64');
      bytes[at] = (bytes[at] as number) ^ 0x80;
      return bytes.toString('base64');
    };
    const set = (values: Partial<typeof row>) =>
      env()
        .db.update(vaultSecrets)
        .set(values)
        .where(and(eq(vaultSecrets.connectorId, ref.connectorId), eq(vaultSecrets.option, ref.option)));
    for (const change of [
      { ciphertext: flip(row.ciphertext, 0) },
      { ciphertext: flip(row.ciphertext, 14) },
      { ciphertext: flip(row.ciphertext, Buffer.from(row.ciphertext, 'base64').length - 1) },
      { wrappedKey: flip(row.wrappedKey, 20) },
      { ciphertext: row.wrappedKey },
      { ciphertext: row.ciphertext.slice(0, 8) },
    ]) {
      await set(change);
      expect(await service.get(ref)).toEqual({ kind: 'unreadable', reason: 'refused' });
      await set({ ciphertext: row.ciphertext, wrappedKey: row.wrappedKey });
    }
    expect(await service.get(ref)).toEqual({ kind: 'found', value: 'untouched' });
  });

  it('rotation adds a key version, re-wraps every data key in batches and retires the old version', async () => {
    const { keys, service } = vault();
    const c = connector();
    const refs = Array.from({ length: 7 }, (_, i): SecretRef => ({
      orgId: i % 2 ? 'org-b' : 'org-a',
      connectorId: c,
      option: `o${i}`,
    }));
    for (const [i, ref] of refs.entries()) await service.put(ref, `value-${i}`);
    const before = await keys.activeKeyId();
    const ciphertexts = await Promise.all(refs.map(async (ref) => (await rowOf(env().db, ref)).ciphertext));

    const report = await rotateVault(env().db, keys, { batchSize: 3, retireGraceMs: 0 });
    expect(report.added).not.toBeNull();
    expect(report.active).toBe(report.added);
    expect(report.rewrapped).toBeGreaterThanOrEqual(7);
    expect(report.refused).toBe(0);
    expect(report.retired).toContain(before);
    expect([...(await keys.heldKeyIds())]).toEqual([report.active]);
    for (const [i, ref] of refs.entries()) {
      const row = await rowOf(env().db, ref);
      expect(row.kekId).toBe(report.active);
      expect(row.ciphertext).toBe(ciphertexts[i]); // the secret itself is not re-encrypted, only its key
      expect(await service.get(ref)).toEqual({ kind: 'found', value: `value-${i}` });
    }
  });

  it('by default a just-replaced version is kept for the grace period, then retired', async () => {
    const { keys, service } = vault();
    await service.put({ orgId: 'org-a', connectorId: connector(), option: 'password' }, 'value');
    const old = await keys.activeKeyId();
    const report = await rotateVault(env().db, keys);
    expect(report.rewrapped).toBeGreaterThanOrEqual(1);
    expect(report.retired).toEqual([]);
    expect(await keys.heldKeyIds()).toContain(old);
    expect(await retireUnusedKeys(env().db, keys, 0)).toEqual({ retired: [old], removable: [] });
  });

  it('a version still in use is not retired; batches walk with a cursor until done', async () => {
    const { keys, service } = vault();
    const c = connector();
    for (let i = 0; i < 5; i++) await service.put({ orgId: 'org-a', connectorId: c, option: `o${i}` }, `v${i}`);
    const old = await keys.activeKeyId();
    if (keys.rotation.kind !== 'managed') throw new Error('expected a managed provider');
    await keys.rotation.addVersion();
    const step = await rewrapBatch(env().db, keys, null, 2);
    expect(step.rewrapped).toBe(2);
    expect(step.next).not.toBeNull();
    // Rows of the old version remain: it is not retired yet.
    expect(await retireUnusedKeys(env().db, keys, 0)).toEqual({ retired: [], removable: [] });
    expect(await keys.heldKeyIds()).toContain(old);
    const report = await rotateVault(env().db, keys, { batchSize: 2, retireGraceMs: 0 });
    expect(report.retired).toContain(old);
    for (let i = 0; i < 5; i++) {
      expect(await service.get({ orgId: 'org-a', connectorId: c, option: `o${i}` })).toEqual({
        kind: 'found',
        value: `v${i}`,
      });
    }
  });

  it('restored without the key: the secrets of the missing version are listed as to enter again, nothing else lost', async () => {
    const { service: before } = vault();
    const lost = connector();
    await before.put({ orgId: 'org-a', connectorId: lost, option: 'password' }, 'gone-1');
    await before.put({ orgId: 'org-a', connectorId: lost, option: 'token' }, 'gone-2');
    await before.put({ orgId: 'org-b', connectorId: lost, option: 'password' }, 'gone-3');
    // A fresh key store: as after restoring the database on a machine without the key file.
    const { keys, service } = vault();
    const kept = connector();
    await service.put({ orgId: 'org-a', connectorId: kept, option: 'password' }, 'still-here');
    const unreadableA = (await service.unreadable('org-a')).filter(
      (s) => s.connectorId === lost || s.connectorId === kept,
    );
    expect(unreadableA).toEqual([
      { connectorId: lost, option: 'password' },
      { connectorId: lost, option: 'token' },
    ]);
    expect((await service.unreadable('org-b')).filter((s) => s.connectorId === lost)).toEqual([
      { connectorId: lost, option: 'password' },
    ]);
    expect(await service.get({ orgId: 'org-a', connectorId: lost, option: 'password' })).toEqual({
      kind: 'unreadable',
      reason: 'key-missing',
    });
    expect(await service.get({ orgId: 'org-a', connectorId: kept, option: 'password' })).toEqual({
      kind: 'found',
      value: 'still-here',
    });
    // Rotation skips them (they stay listed) and entering them again fixes them.
    const report = await rotateVault(env().db, keys);
    expect(report.refused).toBe(0);
    await service.put({ orgId: 'org-a', connectorId: lost, option: 'password' }, 'entered-again');
    expect(await service.get({ orgId: 'org-a', connectorId: lost, option: 'password' })).toEqual({
      kind: 'found',
      value: 'entered-again',
    });
    expect((await service.unreadable('org-a')).filter((s) => s.connectorId === lost)).toEqual([
      { connectorId: lost, option: 'token' },
    ]);
  });

  it('errors never carry the secret: a refused write names no value', async () => {
    const { service } = vault();
    // No such organisation: the foreign key refuses the row.
    const error = await service
      .put({ orgId: 'no-org', connectorId: connector(), option: 'password' }, 'PLAINTEXT-IN-ERROR')
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).not.toBeNull();
    const text = JSON.stringify(error, Object.getOwnPropertyNames(error as object)) + String(error);
    expect(text).not.toContain('PLAINTEXT-IN-ERROR');
  });
});
