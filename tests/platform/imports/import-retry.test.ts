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
});
