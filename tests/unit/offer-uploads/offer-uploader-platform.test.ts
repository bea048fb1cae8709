// The desktop uploader against the real platform (buildApp on PGlite, listening): offers made through the offers
// routes, uploads through its tus endpoint, resumed after a restart, refusals mapped to clear errors.
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfferUploader, type OfferUploadTarget } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { sha256 } from '../../kit/test-streams';
import { addMember, setUp, type SetUpOrg } from '../../platform/platform-harness';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { abortAfter, LocalFolder, type ReadRecord, recordReads } from './offer-upload-kit';

const MiB = 1024 * 1024;

describe('offer uploads from the desktop to the real platform (PGlite)', () => {
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let storage: string;
  let folder: LocalFolder;
  let org: SetUpOrg;
  let editor: string;
  let viewer: string;

  beforeAll(async () => {
    storage = mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-'));
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder: storage } });
    org = await setUp(env);
    editor = (await addMember(env, org.orgId, org.adminToken, 'editor')).token;
    viewer = (await addMember(env, org.orgId, org.adminToken, 'viewer')).token;
    folder = new LocalFolder();
  });
  afterAll(async () => {
    await env?.app.close();
    await database?.close();
    await folder?.dispose();
    rmSync(storage, { recursive: true, force: true });
  });

  /** A draft offer made through POST /offers by the editor. */
  async function createOffer(maxFileSize = 64 * MiB): Promise<string> {
    const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers`, {
      token: editor,
      body: { title: `Prices ${randomBytes(3).toString('hex')}`, kind: 'one-shot', maxFileSize },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function filesOf(offerId: string): Promise<{ id: string; path: string; size: number; sha256: string }[]> {
    const res = await env.call('GET', `/v1/orgs/${org.orgId}/offers/${offerId}/files`, { token: editor });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as { id: string; path: string; size: number; sha256: string }[];
  }

  const targetOf = (offerId: string, token = editor): OfferUploadTarget => ({
    platformUrl: env.base,
    orgId: org.orgId,
    offerId,
    token,
  });

  it('30 MiB cancelled mid-way, resumed by a new uploader on a new store handle: one offer file, verified', async () => {
    const offerId = await createOffer();
    const data = randomBytes(30 * MiB);
    await writeFile(folder.file('december.csv'), data);
    const storeFile = folder.file('app-data/offer-uploads.sqlite');
    const first = new UploadUrlStore(storeFile);
    const stop = abortAfter(9 * MiB);
    await expect(
      new OfferUploader({ store: first, progressIntervalMs: 20 }).upload(targetOf(offerId), {
        driver: folder.driver,
        path: 'december.csv',
        pathInOffer: 'prices/2026/december.csv',
        signal: stop.controller.signal,
        onProgress: stop.onProgress,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    const [remembered] = await first.findAllUploads();
    first.close();
    expect(remembered?.uploadUrl).toMatch(new RegExp(`/v1/orgs/${org.orgId}/offers/${offerId}/uploads/upl_`));
    expect(await filesOf(offerId)).toEqual([]);

    const reads: ReadRecord[] = [];
    const second = new UploadUrlStore(storeFile);
    try {
      const result = await new OfferUploader({ store: second }).upload(targetOf(offerId), {
        driver: recordReads(folder.driver, reads),
        path: 'december.csv',
        pathInOffer: 'prices/2026/december.csv',
      });
      expect(result.uploadUrl).toBe(remembered!.uploadUrl);
      expect(result.resumedFrom).toBeGreaterThan(0);
      // The hash pass, then ranged reads from the platform's offset only.
      expect(reads[0]).toEqual({ path: 'december.csv', offset: 0 });
      expect(reads[1]).toMatchObject({ offset: result.resumedFrom });
      const files = await filesOf(offerId);
      expect(files).toEqual([
        expect.objectContaining({
          id: result.fileId,
          path: 'prices/2026/december.csv',
          size: data.length,
          sha256: sha256(data),
        }),
      ]);
      expect(await second.findAllUploads()).toEqual([]);
    } finally {
      second.close();
    }
  });

  it('maps the platform refusals: expired sign-in, viewer, file over the offer limit, archived offer, changed file', async () => {
    const offerId = await createOffer(4 * MiB);
    await writeFile(folder.file('small.bin'), randomBytes(2 * MiB));
    await writeFile(folder.file('large.bin'), randomBytes(5 * MiB));
    const store = new UploadUrlStore(':memory:');
    const uploader = new OfferUploader({ store, retryDelays: [0, 100] });
    const upload = (name: string, target: OfferUploadTarget): Promise<unknown> =>
      uploader.upload(target, { driver: folder.driver, path: name }).catch((error: unknown) => error);
    try {
      expect(await upload('small.bin', targetOf(offerId, 'not-a-token'))).toMatchObject({
        code: 'sign_in_required',
        status: 401,
      });
      expect(await upload('small.bin', targetOf(offerId, viewer))).toMatchObject({ code: 'forbidden', status: 403 });
      expect(await upload('large.bin', targetOf(offerId))).toMatchObject({ code: 'too_large', status: 413 });
      expect(await upload('small.bin', targetOf('off_unknown0000000000000000'))).toMatchObject({ code: 'not_found' });

      // Changed after hashing: the platform's SHA-256 check refuses it (460) and deletes the upload.
      await writeFile(folder.file('moving.bin'), randomBytes(3 * MiB));
      let touched = false;
      const changed = await new OfferUploader({ store, chunkSize: MiB })
        .upload(targetOf(offerId), {
          driver: folder.driver,
          path: 'moving.bin',
          onProgress: (p) => {
            if (touched || p.phase !== 'uploading') return;
            touched = true;
            const fd = openSync(folder.file('moving.bin'), 'r+');
            writeSync(fd, Buffer.alloc(8, 9), 0, 8, 3 * MiB - 8);
            closeSync(fd);
          },
        })
        .catch((error: unknown) => error);
      expect(changed).toMatchObject({ code: 'file_changed', status: 460, resumable: false });

      const done = await uploader.upload(targetOf(offerId), { driver: folder.driver, path: 'small.bin' });
      expect(done.fileId).toBeDefined();
      expect((await filesOf(offerId)).map((f) => f.path)).toEqual(['small.bin']);
      for (const step of ['publish', 'archive']) {
        const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers/${offerId}/${step}`, { token: editor });
        expect(res.statusCode, res.body).toBe(200);
      }
      const archived = await upload('moving.bin', targetOf(offerId));
      expect(archived).toMatchObject({ code: 'refused', status: 409, resumable: false });
      expect((archived as Error).message).toContain('archived');
      expect(await store.findAllUploads()).toEqual([]);
    } finally {
      store.close();
    }
  });

  it('an empty file becomes an offer file too', async () => {
    const offerId = await createOffer();
    await writeFile(folder.file('empty.csv'), '');
    const store = new UploadUrlStore(':memory:');
    try {
      const result = await new OfferUploader({ store }).upload(targetOf(offerId), {
        driver: folder.driver,
        path: 'empty.csv',
      });
      expect(await filesOf(offerId)).toEqual([
        expect.objectContaining({ id: result.fileId, path: 'empty.csv', size: 0, sha256: sha256('') }),
      ]);
    } finally {
      store.close();
    }
  });
});
