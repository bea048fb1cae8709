// Automatic delivery into a Google Drive folder (the Drive v3 FAKE, see its README) through a buyer's organisation
// connector, its service-account key in the vault, on PGlite and PostgreSQL: files added together are delivered by
// concurrent jobs into new folders, which Drive then holds once each, every file byte for byte with its receipt.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { startDriveFakeConnector, type DriveFakeConnector } from '../../kit/drive-fake-connector';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { readAll } from '../../kit/test-streams';
import { forEachDatabase, setUp, type TestEnv } from '../platform-harness';
import { addFile, eventually, insertAcquisition, insertOffer, senderJobs, sha256 } from './delivery-fixtures';

const storages: string[] = [];
let guard: LoopbackGuard;
let drive: DriveFakeConnector;

beforeAll(async () => {
  guard = installLoopbackOnly();
  drive = await startDriveFakeConnector();
});

afterAll(async () => {
  await drive?.stop();
  for (const folder of storages) rmSync(folder, { recursive: true, force: true });
  guard.uninstall();
  expect(guard.blocked).toEqual([]);
});

forEachDatabase(
  (env: () => TestEnv) => {
    let buyer: string;
    let token: string;
    let offer: { id: string; orgId: string };
    let acq: string;
    let jobs: JobsRuntime;
    let targetId: string;
    const storage = () => storages[storages.length - 1]!;
    const call = (method: string, url: string, body?: unknown) => env().call(method, url, { token, body });
    const base = () => `/v1/orgs/${buyer}/acquisitions/${acq}`;

    afterAll(async () => {
      await jobs?.stop();
    });

    it('a buyer admin sets up a Drive connector (key in the vault) as an acquisition delivery target', async () => {
      const admin = await setUp(env(), 'Buyer Co');
      buyer = admin.orgId;
      token = admin.adminToken;
      const provider = (await call('POST', '/v1/orgs', { name: 'Provider Co' })).json().id as string;
      offer = { id: await insertOffer(env().db, provider, `Market data ${env().kind}`), orgId: provider };
      acq = await insertAcquisition(env().db, offer.id, provider, buyer, admin.adminId);
      jobs = await senderJobs(env().db);
      const connector = await call('POST', `/v1/orgs/${buyer}/connectors`, {
        name: 'Buyer Drive',
        kind: 'drive',
        ...drive.apiBody,
      });
      expect(connector.statusCode, connector.body).toBe(201);
      const target = await call('POST', `${base()}/targets`, {
        type: 'connector',
        connectorId: connector.json().id,
        folder: 'feeds',
        namingPattern: '{offer}/{yyyy}/{name}',
      });
      expect(target.statusCode, target.body).toBe(201);
      targetId = target.json().id;
    });

    it('delivers files added together into new folders made once, byte for byte with their receipts', async () => {
      const files = Array.from({ length: 6 }, (_, i) => [`eod/day-${i}.bin`, randomBytes(50_000 + i)] as const);
      // One after the other (as uploads and scans do, under the offer row's lock); the deliveries then run at once.
      const ids: string[] = [];
      for (const [filePath, bytes] of files) ids.push(await addFile(env().db, jobs, storage(), offer, filePath, bytes));
      const rows = await eventually(
        async () => {
          const res = await call('GET', `${base()}/deliveries?targetId=${targetId}&limit=100`);
          const items = res.json().items as Array<{ file: { id: string }; status: string; path: string }>;
          const done = items.filter((d) => d.status === 'delivered');
          return done.length === files.length ? done : undefined;
        },
        60_000,
        'every delivery',
      );
      const year = new Date().getUTCFullYear();
      const reader = new DriveDriver(drive.options);
      try {
        // One folder of each name: the concurrent deliveries converged on one (the others' twins trashed).
        expect(drive.fake.filesNamed(`Market data ${env().kind}`)).toHaveLength(1);
        const offerFolder = await reader.list(`feeds/Market data ${env().kind}`);
        expect([offerFolder.rejected, offerFolder.entries.map((e) => e.name)]).toEqual([[], [String(year)]]);
        for (const [i, [, bytes]] of files.entries()) {
          const row = rows.find((r) => r.file.id === ids[i])!;
          expect(row.path).toBe(`feeds/Market data ${env().kind}/${year}/day-${i}.bin`);
          expect((await readAll(await reader.read(row.path))).equals(bytes)).toBe(true);
          const receipt = JSON.parse((await readAll(await reader.read(`${row.path}.ferry-receipt.json`))).toString());
          expect(receipt).toMatchObject({ sha256: sha256(bytes), size: bytes.length });
        }
        const listed = await reader.list(`feeds/Market data ${env().kind}/${year}`);
        expect(listed.rejected).toEqual([]);
        expect(listed.entries.filter((e) => !e.name.endsWith('.json')).map((e) => e.name)).toEqual(
          files.map((_, i) => `day-${i}.bin`),
        );
      } finally {
        await reader.close();
      }
    });
  },
  () => {
    storages.push(mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-')));
    return {
      offerStorage: { kind: 'local', folder: storages[storages.length - 1]! },
      jobs: { pollingIntervalSeconds: 0.5 },
      deliveries: { retryDelaySeconds: 1, retryLimit: 5, pauseAfter: 3, concurrency: 4 },
    };
  },
);
