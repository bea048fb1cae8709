// Imports and scans on a real PostgreSQL with a local-folder connector: an import byte for byte, a scan taking a
// file once stable, two scans of one offer at once adding it once (row locks of a real server), scan now via the API.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { runScan } from '../../../platform/imports/scan-run';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import {
  fileAt,
  filesOf,
  finished,
  makeOffer,
  observationsOf,
  sha256,
  startImportsPlatform,
  storedBytes,
  type ImportsPlatform,
} from './imports-kit';

const postgres = postgresAvailability();
let server: PostgresServer | undefined;
let database: OpenDatabase | undefined;
let p: ImportsPlatform;
const root = mkdtempSync(path.join(tmpdir(), 'ferry-imports-pg-'));

beforeAll(async () => {
  if (!postgres.available) {
    if (process.env.CI === 'true') throw new Error(postgres.reason);
    return;
  }
  server = await startPostgres(postgres.bin);
  database = await openDatabase({ kind: 'postgres', url: await server.createDatabase() });
  p = await startImportsPlatform(database.db);
}, 120_000);

afterAll(async () => {
  await p?.close();
  await database?.close();
  await server?.stop();
  rmSync(root, { recursive: true, force: true });
});

describe.skipIf(!postgres.available)('imports and scans on PostgreSQL (local-folder connector)', () => {
  it('imports byte for byte, scans once stable, and two scans at once add a file once', async () => {
    const bytes = randomBytes(500_000);
    mkdirSync(path.join(root, 'feed'));
    writeFileSync(path.join(root, 'feed', 'a.bin'), bytes);
    const created = await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors`, {
      name: 'Drop',
      kind: 'local',
      options: { root },
    });
    expect(created.statusCode, created.body).toBe(201);
    const connectorId = created.json().id;
    const offerId = await makeOffer(p, {
      title: 'Feed',
      sourceType: 'connector',
      sourceConnectorId: connectorId,
      sourceFolder: 'feed',
    });

    const res = await p.call('POST', `/v1/orgs/${p.org.orgId}/offers/${offerId}/imports`, {
      connectorId,
      paths: ['feed/a.bin'],
      targetFolder: 'imported',
    });
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(p, offerId, res.json().id);
    expect(done.added.map((a) => a.path)).toEqual(['imported/a.bin']);
    const imported = (await fileAt(p, offerId, 'imported/a.bin'))!;
    expect(sha256(storedBytes(p, imported.storageKey))).toBe(sha256(bytes));
    expect(imported).toMatchObject({ sha256: sha256(bytes), originRef: `${connectorId}:feed/a.bin`, seq: 1 });

    const scan = () => runScan(p.ctx, { orgId: p.org.orgId, offerId });
    expect(await scan()).toBe('scanned');
    expect((await observationsOf(p, offerId)).get('a.bin')).toMatchObject({ outcome: 'waiting' });
    expect((await Promise.all([scan(), scan()])).sort()).toEqual(['busy', 'scanned']);
    expect((await filesOf(p, offerId)).filter((f) => f.path === 'a.bin')).toHaveLength(1);
    expect((await fileAt(p, offerId, 'a.bin'))!.seq).toBe(2);

    writeFileSync(path.join(root, 'feed', 'b.txt'), 'bee');
    const first = await p.call('POST', `/v1/orgs/${p.org.orgId}/offers/${offerId}/scan`);
    expect((await finished(p, offerId, first.json().id)).status).toBe('succeeded');
    const second = await p.call('POST', `/v1/orgs/${p.org.orgId}/offers/${offerId}/scan`);
    expect((await finished(p, offerId, second.json().id)).added.map((a) => a.path)).toEqual(['b.txt']);
    expect((await filesOf(p, offerId)).map((f) => f.path)).toEqual(['imported/a.bin', 'a.bin', 'b.txt']);
  });
});
