// The vault-rewrap job: after a rotation every data key and pending invitation token moves to the new key version,
// the old version retires; with two instances on one PostgreSQL each row is re-wrapped once between them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { invitations, organisations, vaultSecrets } from '../../../platform/db/schema';
import { TokenSealer } from '../../../platform/auth/token-sealer';
import { keyFileStore } from '../../../platform/vault/key-file-store';
import type { KeyProvider } from '../../../platform/vault/key-provider';
import { ManagedKeyProvider } from '../../../platform/vault/managed-key-provider';
import { VaultService } from '../../../platform/vault/vault-service';
import { registerVaultRewrap } from '../../../platform/vault/vault-rewrap-job';
import { retireUnusedKeys } from '../../../platform/vault/vault-rotation';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { forEachJobsDatabase, onPostgres, recordingLog, until, type JobsEnv } from '../jobs/jobs-harness';

const SECRETS = 7;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-vault-rewrap-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A provider on a key file of the suite: instances given the same file share the keys, like several machines. */
const providerOn = (file: string): ManagedKeyProvider => new ManagedKeyProvider(keyFileStore(path.join(dir, file)));

async function seed(env: JobsEnv, keys: KeyProvider, orgId: string) {
  const now = new Date();
  await env.db.insert(organisations).values({ id: orgId, name: orgId, createdAt: now });
  const vault = new VaultService(env.db, keys);
  for (let i = 0; i < SECRETS; i++) await vault.put({ orgId, connectorId: `con_${i}`, option: 'password' }, `pw-${i}`);
  const sealer = new TokenSealer(keys);
  const row = (id: string, token: string) => ({
    id,
    orgId,
    email: `${id}@example.org`,
    role: 'viewer' as const,
    language: 'en' as const,
    tokenHash: `hash-${id}`,
    senderId: null,
    emailStatus: 'outbox' as const,
    emailError: null,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 86_400_000),
    sealedToken: token,
  });
  await env.db
    .insert(invitations)
    .values(row(`${orgId}-inv`, await sealer.seal('ferry_inv_pending', 'invitation-token')));
}

/** Registers the re-wrap on a runtime of `env` (no daily pass during the test, no retirement grace), starts it. */
async function instance(env: JobsEnv, keys: KeyProvider): Promise<{ runtime: JobsRuntime; lines: string[] }> {
  const runtime = await env.runtime();
  const log = recordingLog();
  const rewrap = registerVaultRewrap(runtime, env.db, keys, log, { batchSize: 3, retireGraceMs: 0, cron: '0 0 1 1 *' });
  await runtime.start();
  await rewrap.queueAtStart();
  return { runtime, lines: log.lines };
}

const rewrappedIn = (lines: readonly string[]) =>
  lines
    .filter((line) => line.includes('vault re-wrap pass') && line.startsWith('info'))
    .map((line) => /"rewrapped":(\d+)/.exec(line)?.[1])
    .reduce((sum, n) => sum + Number(n ?? 0), 0);

async function expectAllUnder(env: JobsEnv, keys: KeyProvider, orgId: string) {
  const active = await keys.activeKeyId();
  const rows = await env.db.select().from(vaultSecrets).where(eq(vaultSecrets.orgId, orgId));
  expect(rows).toHaveLength(SECRETS);
  expect(rows.every((row) => row.kekId === active)).toBe(true);
  const [inv] = await env.db
    .select()
    .from(invitations)
    .where(eq(invitations.id, `${orgId}-inv`));
  expect(inv?.sealedToken.startsWith(`v2.${active}.`)).toBe(true);
  expect(await new TokenSealer(keys).open(inv?.sealedToken as string, 'invitation-token')).toBe('ferry_inv_pending');
  const vault = new VaultService(env.db, keys);
  expect(await vault.get({ orgId, connectorId: 'con_4', option: 'password' })).toEqual({
    kind: 'found',
    value: 'pw-4',
  });
}

forEachJobsDatabase((env) => {
  it('re-wraps every data key and invitation token under the new version, then retires the old one', async () => {
    const keys = providerOn(`one-${env().kind}.json`);
    const orgId = `org-one-${env().kind}`;
    await seed(env(), keys, orgId);
    const old = await keys.activeKeyId();
    if (keys.rotation.kind !== 'managed') throw new Error('managed keys expected');
    // Rotated "on another machine": the job finds rows under the old version at its start pass.
    await keys.rotation.addVersion();
    const { lines } = await instance(env(), keys);
    await until('the old key version retired', async () => !(await keys.heldKeyIds()).has(old));
    await expectAllUnder(env(), keys, orgId);
    expect(rewrappedIn(lines)).toBe(SECRETS);
    expect(lines.join('\n')).toContain('"resealed":1');
  }, 60_000);

  it('keeps a version that a pending invitation token uses; retires it once that invitation is accepted', async () => {
    const keys = providerOn(`guard-${env().kind}.json`);
    const orgId = `org-guard-${env().kind}`;
    await env().db.insert(organisations).values({ id: orgId, name: orgId, createdAt: new Date() });
    const sealer = new TokenSealer(keys);
    const old = await keys.activeKeyId();
    const now = new Date();
    await env()
      .db.insert(invitations)
      .values({
        id: `${orgId}-inv`,
        orgId,
        email: 'guard@example.org',
        role: 'viewer',
        language: 'en',
        tokenHash: `hash-${orgId}`,
        sealedToken: await sealer.seal('ferry_inv_guard', 'invitation-token'),
        senderId: null,
        emailStatus: 'outbox',
        emailError: null,
        createdAt: now,
        expiresAt: new Date(now.getTime() + 86_400_000),
      });
    if (keys.rotation.kind !== 'managed') throw new Error('managed keys expected');
    await keys.rotation.addVersion();
    expect((await retireUnusedKeys(env().db, keys, 0)).retired).toEqual([]);
    const [pending] = await env().db.select().from(invitations).where(eq(invitations.orgId, orgId));
    // Still opens: its link can be copied.
    expect(await sealer.open(pending?.sealedToken ?? '', 'invitation-token')).toBe('ferry_inv_guard');
    await env().db.update(invitations).set({ acceptedAt: new Date() }).where(eq(invitations.orgId, orgId));
    expect((await retireUnusedKeys(env().db, keys, 0)).retired).toEqual([old]);
  });
});

onPostgres((env) => {
  it('two instances: each data key is re-wrapped once between them', async () => {
    const orgId = 'org-two';
    const seeding = providerOn('two.json');
    await seed(env(), seeding, orgId);
    const old = await seeding.activeKeyId();
    if (seeding.rotation.kind !== 'managed') throw new Error('managed keys expected');
    await seeding.rotation.addVersion();
    // Two instances reading the same key file, each queueing its start pass.
    const a = await instance(env(), providerOn('two.json'));
    const b = await instance(env(), providerOn('two.json'));
    await until('the old key version retired', async () => !(await seeding.heldKeyIds()).has(old));
    // Both start passes ran (one at a time: singleton policy); the second found nothing left to re-wrap.
    await until('both start passes completed', async () => {
      const jobs = await a.runtime.jobsOf('vault-rewrap');
      return jobs.filter((job) => job.state === 'completed').length === 2;
    });
    await expectAllUnder(env(), seeding, orgId);
    expect(rewrappedIn(a.lines) + rewrappedIn(b.lines)).toBe(SECRETS);
  }, 60_000);
});
