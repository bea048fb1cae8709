// Subscription scans of an organisation's Google Drive connector (the Drive v3 fake) with its change feed, on PGlite:
// the first scan walks the folder, the next ones ask changes.list from the saved page token and list no folder; the
// waiting files are looked at again; an expired token walks again; nothing is added twice.
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { sourceChangeCursors } from '../../../platform/db/schema';
import { runScan } from '../../../platform/imports/scan-run';
import { installLoopbackOnly } from '../../kit/loopback-only';
import { startDriveFake, type DriveFake } from '../../servers/drive-fake/drive-fake-server';
import { createServiceAccount } from '../../servers/gcs-fake/service-account';
import { filesOf, importsOf, makeOffer, sha256, startImportsPlatform, type ImportsPlatform } from './imports-kit';

const FOLDER = 'application/vnd.google-apps.folder';
const guard = installLoopbackOnly();
const account = createServiceAccount('ferry-scan-changes');
let fake: DriveFake;
let driveId: string;
let database: OpenDatabase | undefined;
let p: ImportsPlatform;
let connectorId: string;

beforeAll(async () => {
  fake = await startDriveFake([account]);
  driveId = fake.createSharedDrive('Partner exchange');
  database = await openDatabase({ kind: 'pglite' });
  p = await startImportsPlatform(database.db);
  const created = await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors`, {
    name: 'Partner Drive',
    kind: 'drive',
    options: { auth: 'serviceAccount', driveId, apiEndpoint: fake.endpoint, googleDocs: 'skip' },
    secrets: { serviceAccountJson: account.json },
  });
  expect(created.statusCode, created.body).toBe(201);
  connectorId = created.json().id as string;
}, 120_000);

afterAll(async () => {
  await p?.close();
  await database?.close();
  await fake?.stop();
  guard.uninstall();
  expect(guard.blocked).toEqual([]);
});

/** Listings of a folder's children (a walk's calls), not the lookups of one name. */
const folderListings = (from: number): string[] =>
  fake.requests.slice(from).filter((r) => {
    if (!r.startsWith('GET /drive/v3/files?')) return false;
    const q = new URL(r.slice(4), 'http://x').searchParams.get('q') ?? '';
    return q.includes('in parents') && !q.includes('name =');
  });
const changeListings = (from: number): string[] =>
  fake.requests.slice(from).filter((r) => r.startsWith('GET /drive/v3/changes?'));

describe('scans of a Drive source with its change feed', () => {
  it('walks once, then only changes: waiting files taken, a new file found without listing a folder; expired: walks again; no change is not an empty source', async () => {
    const feed = fake.put(driveId, 'feed', FOLDER);
    const day = fake.put(feed, '2026', FOLDER);
    const one = randomBytes(1000);
    const two = randomBytes(2000);
    fake.put(feed, 'one.csv', 'text/csv', one);
    fake.put(day, 'two.csv', 'text/csv', two);
    const offerId = await makeOffer(p, {
      title: 'Drive feed',
      sourceType: 'connector',
      sourceConnectorId: connectorId,
      sourceFolder: 'feed',
    });
    const scan = () => runScan(p.ctx, { orgId: p.org.orgId, offerId });
    const paths = async () => (await filesOf(p, offerId)).map((f) => [f.path, f.sha256]).sort();

    // 1: the walk records first looks, and the cursor taken before it.
    let mark = fake.requests.length;
    expect(await scan()).toBe('scanned');
    expect(folderListings(mark).length).toBeGreaterThan(0);
    expect(await paths()).toEqual([]);
    const [saved] = await p.db.select().from(sourceChangeCursors).where(eq(sourceChangeCursors.offerId, offerId));
    expect(saved?.cursor).toMatch(/~\d+$/);

    // 2: no change: the waiting files are looked at again and taken; no folder listed, not an empty source.
    mark = fake.requests.length;
    expect(await scan()).toBe('scanned');
    expect(changeListings(mark).length).toBeGreaterThan(0);
    expect(folderListings(mark)).toEqual([]);
    expect(await paths()).toEqual([
      ['2026/two.csv', sha256(two)],
      ['one.csv', sha256(one)],
    ]);

    // 3 and 4: a new file, from the feed only: a first look, then taken.
    const three = randomBytes(3000);
    fake.put(day, 'three.csv', 'text/csv', three);
    mark = fake.requests.length;
    expect(await scan()).toBe('scanned');
    expect(await scan()).toBe('scanned');
    expect(folderListings(mark)).toEqual([]);
    expect((await paths()).map(([path]) => path)).toEqual(['2026/three.csv', '2026/two.csv', 'one.csv']);

    // 5 and 6: the token expired: a walk (nothing taken twice), then the new cursor serves again.
    fake.expireChangeTokens();
    const four = randomBytes(400);
    fake.put(feed, 'four.csv', 'text/csv', four);
    mark = fake.requests.length;
    expect(await scan()).toBe('scanned');
    expect(folderListings(mark).length).toBeGreaterThan(0);
    mark = fake.requests.length;
    expect(await scan()).toBe('scanned');
    expect(folderListings(mark)).toEqual([]);
    expect((await paths()).map(([path]) => path)).toEqual(['2026/three.csv', '2026/two.csv', 'four.csv', 'one.csv']);
    // 7: nothing changed and nothing waits: no change is not an emptied source.
    expect(await scan()).toBe('scanned');
    const scans = await importsOf(p, offerId);
    expect(scans.map((s) => [s.status, s.added.length])).toEqual([
      ['succeeded', 0],
      ['succeeded', 2],
      ['succeeded', 0],
      ['succeeded', 1],
      ['succeeded', 0],
      ['succeeded', 1],
      ['succeeded', 0],
    ]);
  });
});
