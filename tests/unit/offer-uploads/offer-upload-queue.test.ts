// The Offers screen's upload queue against the real platform (buildApp on PGlite, listening): files and folders of a
// local folder sent to an offer with progress, a cancelled upload continued by a retry, a viewer refused.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { guardDriver } from '../../../connectors/guarded-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import type { DriverProvider } from '../../../main/services/connectors/driver-provider';
import { OfferUploadQueue } from '../../../main/services/offer-uploads/offer-upload-queue';
import { OfferUploader } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import type { OfferUpload } from '../../../shared/ipc/offer-uploads-ipc';
import { addMember, setUp, type SetUpOrg } from '../../platform/platform-harness';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { sha256 } from '../../kit/test-streams';

const MiB = 1024 * 1024;

describe('the offer upload queue against the real platform (PGlite)', () => {
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let storage: string;
  let root: string;
  let org: SetUpOrg;
  let editor: string;
  let viewer: string;
  let queue: OfferUploadQueue | undefined;
  let store: UploadUrlStore | undefined;

  // The picked files live in a real folder, opened as a connector the way the app opens the local disk.
  const drivers: DriverProvider = {
    open: async () => guardDriver(new LocalDriver({ root })),
    localLocation: (absolute) => ({ connectorId: 'local-disk', path: path.relative(root, absolute) }),
  };

  beforeAll(async () => {
    storage = mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-'));
    root = mkdtempSync(path.join(tmpdir(), 'ferry-offer-queue-'));
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder: storage } });
    org = await setUp(env);
    editor = (await addMember(env, org.orgId, org.adminToken, 'editor')).token;
    viewer = (await addMember(env, org.orgId, org.adminToken, 'viewer')).token;
  });
  afterEach(async () => {
    await queue?.close();
    store?.close();
  });
  afterAll(async () => {
    await env?.app.close();
    await database?.close();
    rmSync(storage, { recursive: true, force: true });
    rmSync(root, { recursive: true, force: true });
  });

  function queueAs(token: string): { queue: OfferUploadQueue; updates: OfferUpload[] } {
    store = new UploadUrlStore(':memory:');
    queue = new OfferUploadQueue({
      uploader: new OfferUploader({ store, progressIntervalMs: 10, chunkSize: 1 * MiB }),
      drivers,
      session: async () => ({ platformUrl: env.base, orgId: org.orgId, token }),
    });
    const updates: OfferUpload[] = [];
    queue.onUpdate((u) => updates.push(u));
    return { queue, updates };
  }

  async function createOffer(): Promise<string> {
    const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers`, {
      token: editor,
      body: { title: `Prices ${randomBytes(3).toString('hex')}`, kind: 'one-shot' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function filesOf(offerId: string): Promise<{ path: string; size: number; sha256: string }[]> {
    const res = await env.call('GET', `/v1/orgs/${org.orgId}/offers/${offerId}/files?sort=path&order=asc`, {
      token: editor,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { path: string; size: number; sha256: string }[];
  }

  async function ended(q: OfferUploadQueue, count: number): Promise<OfferUpload[]> {
    for (let i = 0; i < 600; i++) {
      const all = q.list();
      if (all.length >= count && all.every((u) => ['done', 'failed', 'cancelled'].includes(u.state))) return all;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`Uploads did not end: ${JSON.stringify(q.list())}`);
  }

  it('sends a file and a folder (its files under its name) with progress; the offer holds them, verified', async () => {
    const offerId = await createOffer();
    const big = randomBytes(6 * MiB);
    await writeFile(path.join(root, 'december.csv'), big);
    mkdirSync(path.join(root, 'reports/q4'), { recursive: true });
    await writeFile(path.join(root, 'reports/summary.txt'), 'summary');
    await writeFile(path.join(root, 'reports/q4/notes.txt'), 'notes');
    const { queue: q, updates } = queueAs(editor);

    const started = await q.start({ offerId, connectorId: 'local-disk', paths: ['december.csv', 'reports'] });
    expect(started.map((u) => u.pathInOffer)).toEqual(['december.csv', 'reports/q4/notes.txt', 'reports/summary.txt']);
    const all = await ended(q, 3);

    expect(all.map((u) => u.state)).toEqual(['done', 'done', 'done']);
    expect(all.every((u) => u.fileId !== null)).toBe(true);
    const progress = updates.filter((u) => u.path === 'december.csv' && u.state === 'uploading');
    expect(progress.some((u) => u.bytes > 0 && u.bytes < big.length)).toBe(true);
    expect(progress.some((u) => u.bytesPerSecond > 0)).toBe(true);
    expect(await filesOf(offerId)).toMatchObject([
      { path: 'december.csv', size: big.length, sha256: sha256(big) },
      { path: 'reports/q4/notes.txt', size: 5 },
      { path: 'reports/summary.txt', size: 7 },
    ]);
  });

  it('a cancelled upload keeps what the platform received; retry continues from there to one offer file', async () => {
    const offerId = await createOffer();
    const data = randomBytes(12 * MiB);
    await writeFile(path.join(root, 'big.bin'), data);
    const { queue: q, updates } = queueAs(editor);
    const cancelled = new Promise<void>((resolve) => {
      const stop = q.onUpdate((u) => {
        if (u.state === 'uploading' && u.bytes >= 3 * MiB) {
          stop();
          q.cancel(u.id);
          resolve();
        }
      });
    });
    const [upload] = await q.start({ offerId, connectorId: 'local-disk', paths: ['big.bin'], folder: 'raw' });
    await cancelled;
    expect(q.list()[0]?.state).toBe('cancelled');
    expect(() => q.cancel(upload!.id)).toThrow(/already ended/);
    // Let the server finish writing the aborted chunk before the retry asks where it stands.
    await new Promise((resolve) => setTimeout(resolve, 500));
    updates.length = 0;

    q.retry(upload!.id);
    const [done] = await ended(q, 1);

    expect(done).toMatchObject({ state: 'done', pathInOffer: 'raw/big.bin', total: data.length });
    expect(done!.resumedFrom).toBeGreaterThan(0);
    expect(await filesOf(offerId)).toMatchObject([{ path: 'raw/big.bin', size: data.length, sha256: sha256(data) }]);
  });

  it("a viewer's upload fails as forbidden and nothing reaches the offer", async () => {
    const offerId = await createOffer();
    await writeFile(path.join(root, 'small.txt'), 'small');
    const { queue: q } = queueAs(viewer);
    await q.start({ offerId, connectorId: 'local-disk', paths: ['small.txt'] });
    const [failed] = await ended(q, 1);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'forbidden' } });
    expect(await filesOf(offerId)).toEqual([]);
  });
});
