// A subscription offer fed by a Google Drive organisation connector (the Drive v3 FAKE, see its README), on PGlite
// and PostgreSQL: the files of the Drive folder become offer files once stable, byte for byte with their SHA-256;
// a scan after a file is added takes only that one; a Google Doc (no bytes) is skipped with its reason.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { runScan } from '../../../platform/imports/scan-run';
import { startDriveFakeConnector, type DriveFakeConnector } from '../../kit/drive-fake-connector';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import {
  filesOf,
  importsOf,
  makeOffer,
  observationsOf,
  sha256,
  startImportsPlatform,
  storedBytes,
  type ImportsPlatform,
} from './imports-kit';

const postgres = postgresAvailability();
let guard: LoopbackGuard;
let drive: DriveFakeConnector;

beforeAll(async () => {
  guard = installLoopbackOnly();
  drive = await startDriveFakeConnector();
});

afterAll(async () => {
  await drive?.stop();
  guard.uninstall();
  expect(guard.blocked).toEqual([]);
});

for (const kind of ['pglite', 'postgres'] as const) {
  describe.skipIf(kind === 'postgres' && !postgres.available)(`a Drive folder feeding an offer, on ${kind}`, () => {
    let server: PostgresServer | undefined;
    let database: OpenDatabase | undefined;
    let p: ImportsPlatform;
    let connectorId: string;
    let offerId: string;
    const feed = `feed-${kind}`;
    const scan = () => runScan(p.ctx, { orgId: p.org.orgId, offerId });
    const bytes = { prices: Buffer.from('isin,price\nX1,10.5\n'), blob: randomBytes(1_500_000) };

    beforeAll(async () => {
      if (kind === 'postgres' && postgres.available) {
        server = await startPostgres(postgres.bin);
        database = await openDatabase({ kind: 'postgres', url: await server.createDatabase() });
      } else database = await openDatabase({ kind: 'pglite' });
      p = await startImportsPlatform(database.db);
    }, 120_000);

    afterAll(async () => {
      await p?.close();
      await database?.close();
      await server?.stop();
    });

    it('an admin sets up the Drive connector (its key in the vault) and an offer whose source it is', async () => {
      const created = await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors`, {
        name: 'Partner Drive',
        kind: 'drive',
        ...drive.apiBody,
      });
      expect(created.statusCode, created.body).toBe(201);
      connectorId = created.json().id;
      expect((await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors/${connectorId}/test`)).json().report.ok).toBe(
        true,
      );
      offerId = await makeOffer(p, {
        title: `Drive feed ${kind}`,
        sourceType: 'connector',
        sourceConnectorId: connectorId,
        sourceFolder: feed,
        staging: false,
      });
    });

    it('takes the files of the folder once stable, byte for byte with their SHA-256; a Google Doc is skipped', async () => {
      drive.put(`${feed}/prices.csv`, bytes.prices);
      drive.put(`${feed}/2026/12/blob.bin`, bytes.blob);
      drive.fake.put(drive.folderId(feed), 'Minutes', 'application/vnd.google-apps.document');
      expect(await scan()).toBe('scanned');
      expect(await filesOf(p, offerId)).toEqual([]);
      expect(await scan()).toBe('scanned');
      const files = await filesOf(p, offerId);
      expect(files.map((f) => f.path).sort()).toEqual(['2026/12/blob.bin', 'prices.csv']);
      for (const [name, path] of [
        ['prices', 'prices.csv'],
        ['blob', '2026/12/blob.bin'],
      ] as const) {
        const file = files.find((f) => f.path === path)!;
        expect(file).toMatchObject({
          origin: 'import',
          status: 'available',
          size: bytes[name].length,
          sha256: sha256(bytes[name]),
        });
        expect(storedBytes(p, file.storageKey).equals(bytes[name])).toBe(true);
      }
      const looks = await observationsOf(p, offerId);
      expect(looks.get('prices.csv')).toMatchObject({ outcome: 'imported' });
      // The Doc is reported once, by its displayed (quoted) name, and never taken.
      expect((await importsOf(p, offerId)).map((r) => r.skipped)).toEqual([
        [{ path: '"Minutes"', reason: expect.stringContaining('a Google document file holds no bytes to copy') }],
        [],
      ]);
      expect(looks.get('"Minutes"')).toMatchObject({ outcome: 'skipped', fileId: null });
    });

    it('a scan after a file is added imports only the new one; later scans add nothing', async () => {
      const added = Buffer.from('isin,price\nX2,11.0\n');
      drive.put(`${feed}/prices-2.csv`, added);
      await scan(); // first look
      await scan();
      const files = await filesOf(p, offerId);
      expect(files.map((f) => f.path).sort()).toEqual(['2026/12/blob.bin', 'prices-2.csv', 'prices.csv']);
      const newest = files.find((f) => f.path === 'prices-2.csv')!;
      expect(newest.sha256).toBe(sha256(added));
      expect(storedBytes(p, newest.storageKey).equals(added)).toBe(true);
      await scan();
      expect(await filesOf(p, offerId)).toHaveLength(3);
      const runs = await importsOf(p, offerId);
      expect(runs.map((r) => [r.kind, r.status, r.added.length])).toEqual([
        ['scan', 'succeeded', 0],
        ['scan', 'succeeded', 2],
        ['scan', 'succeeded', 0],
        ['scan', 'succeeded', 1],
        ['scan', 'succeeded', 0],
      ]);
    });
  });
}
