// An import whose job is retried after a crash (PGlite, local-folder connector): the retry goes on where the first
// attempt stopped (files it added stay recorded as added, none added twice), and a second attempt while one runs
// does nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../platform/auth/secret-token';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { offerImports } from '../../../platform/db/schema';
import { runImport } from '../../../platform/imports/import-run';
import { addOfferFile } from '../../../platform/offers/offer-file-ledger';
import { filesOf, importsOf, makeOffer, startImportsPlatform, type ImportsPlatform } from './imports-kit';

let database: OpenDatabase | undefined;
let p: ImportsPlatform;
const root = mkdtempSync(path.join(tmpdir(), 'ferry-import-retry-'));

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  p = await startImportsPlatform(database.db);
}, 60_000);

afterAll(async () => {
  await p?.close();
  await database?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('an import retried after a crash', () => {
  it('continues where the first attempt stopped; an attempt beside a running one does nothing', async () => {
    mkdirSync(path.join(root, 'batch'));
    for (const name of ['1.csv', '2.csv', '3.csv']) writeFileSync(path.join(root, 'batch', name), `file ${name}`);
    const created = await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors`, {
      name: 'Batch folder',
      kind: 'local',
      options: { root },
    });
    const connectorId = created.json().id;
    const offerId = await makeOffer(p, { title: 'Batch', kind: 'one-shot', status: 'draft' });
    // The first attempt claimed the import, added 1.csv (recorded in the same transaction), then the process died.
    const importId = newId('imp');
    await p.db.transaction(async (tx) => {
      const fileId = await addOfferFile(tx, p.ctx, {
        offerId,
        orgId: p.org.orgId,
        path: 'batch/1.csv',
        size: 10,
        sha256: 'a'.repeat(64),
        storageKey: `offers/${offerId}/earlier`,
        origin: 'import',
        originRef: `${connectorId}:batch/1.csv`,
        pending: false,
      });
      await tx.insert(offerImports).values({
        id: importId,
        offerId,
        orgId: p.org.orgId,
        kind: 'import',
        trigger: 'manual',
        status: 'running',
        request: { connectorId, paths: ['batch'], targetFolder: '' },
        added: [{ path: 'batch/1.csv', fileId }],
        createdAt: new Date(),
        startedAt: new Date(),
      });
    });
    const job = { orgId: p.org.orgId, offerId, importId };

    // Not a retry: another attempt while this one runs leaves it alone.
    await runImport(p.ctx, job, false);
    expect((await filesOf(p, offerId)).length).toBe(1);

    await runImport(p.ctx, job, true);
    const [row] = await p.db.select().from(offerImports).where(eq(offerImports.id, importId));
    expect(row).toMatchObject({ status: 'succeeded', skipped: [], error: null });
    expect(row!.added.map((a) => a.path).sort()).toEqual(['batch/1.csv', 'batch/2.csv', 'batch/3.csv']);
    expect((await filesOf(p, offerId)).map((f) => f.path).sort()).toEqual([
      'batch/1.csv',
      'batch/2.csv',
      'batch/3.csv',
    ]);

    // Finished: a late duplicate of the job finds nothing to do.
    await runImport(p.ctx, job, true);
    expect((await filesOf(p, offerId)).length).toBe(3);
    expect((await importsOf(p, offerId)).map((r) => r.status)).toEqual(['succeeded']);
  });

  it('two imports of the same files running at once add each file once', async () => {
    mkdirSync(path.join(root, 'twice'));
    for (const name of ['a.csv', 'b.csv']) writeFileSync(path.join(root, 'twice', name), `both want ${name}`);
    const created = await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors`, {
      name: 'Twice folder',
      kind: 'local',
      options: { root },
    });
    const connectorId = created.json().id;
    const offerId = await makeOffer(p, { title: 'Twice', kind: 'one-shot', status: 'draft' });
    const queued = async () => {
      const importId = newId('imp');
      await p.db.insert(offerImports).values({
        id: importId,
        offerId,
        orgId: p.org.orgId,
        kind: 'import',
        trigger: 'manual',
        status: 'queued',
        request: { connectorId, paths: ['twice'], targetFolder: '' },
        createdAt: new Date(),
      });
      return { orgId: p.org.orgId, offerId, importId };
    };
    const jobs = [await queued(), await queued()];
    await Promise.all(jobs.map((job) => runImport(p.ctx, job, false)));
    expect((await filesOf(p, offerId)).map((f) => f.path).sort()).toEqual(['twice/a.csv', 'twice/b.csv']);
    const runs = await importsOf(p, offerId);
    expect(runs.flatMap((r) => r.added).length).toBe(2);
    expect(runs.flatMap((r) => r.skipped).map((s) => s.reason)).toEqual(
      Array(2).fill('already in the offer (same path, size and SHA-256)'),
    );
    // The duplicates' copies were removed from the offer storage: only the two added files remain there.
    const stored = (await import('node:fs')).readdirSync(path.join(p.storageFolder, 'offers', offerId));
    expect(stored.filter((name) => !name.startsWith('.')).length).toBe(2);
  });
});
