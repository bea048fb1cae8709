import { randomBytes } from 'node:crypto';
import { closeSync, openSync, writeSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OfferUploadError } from '../../../main/services/offer-uploads/offer-upload-error';
import {
  OfferUploader,
  type OfferUploadProgress,
  type OfferUploadTarget,
} from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { sha256 } from '../../kit/test-streams';
import { abortAfter, LocalFolder, type ReadRecord, recordReads, settled } from './offer-upload-kit';
import { sha256Of, startTusTestServer, type TusTestServer } from './tus-test-server';

const MiB = 1024 * 1024;

describe('offer uploads over tus from a local folder', () => {
  let server: TusTestServer;
  let folder: LocalFolder;
  let storeFile: string;
  let target: OfferUploadTarget;
  const stores: UploadUrlStore[] = [];

  beforeEach(async () => {
    server = await startTusTestServer();
    folder = new LocalFolder();
    storeFile = folder.file('data/offer-uploads.sqlite');
    target = { platformUrl: server.platformUrl, orgId: server.orgId, offerId: server.offerId, token: 'editor-token' };
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) store.close();
    await server.close();
    await folder.dispose();
  });

  /** A new store handle on the same file and an uploader over it: what the app has after a restart. */
  function restart(retryDelays: readonly number[] = [0, 200, 500]): { store: UploadUrlStore; uploader: OfferUploader } {
    const store = new UploadUrlStore(storeFile);
    stores.push(store);
    return { store, uploader: new OfferUploader({ store, retryDelays, progressIntervalMs: 20 }) };
  }

  it('uploads a 30 MiB file byte for byte in 8 MiB ranged reads, with filename, path and SHA-256 metadata', async () => {
    const data = randomBytes(30 * MiB + 5);
    await writeFile(folder.file('dataset.bin'), data);
    const reads: ReadRecord[] = [];
    const { store, uploader } = restart();
    const progress: OfferUploadProgress[] = [];

    const result = await uploader.upload(target, {
      driver: recordReads(folder.driver, reads),
      path: 'dataset.bin',
      pathInOffer: '2026/dataset.bin',
      onProgress: (p) => progress.push(p),
    });

    expect(result).toMatchObject({ size: data.length, sha256: sha256(data), resumedFrom: 0 });
    expect(result.response.status).toBe(204);
    expect(server.finished).toEqual([
      {
        id: expect.any(String) as string,
        size: data.length,
        sha256: sha256(data),
        metadata: { filename: 'dataset.bin', path: '2026/dataset.bin', sha256: sha256(data) },
      },
    ]);
    expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
    expect(server.received).toBe(data.length);
    // The hash pass reads the whole file once, then each PATCH reads exactly its range.
    expect(reads).toEqual([
      { path: 'dataset.bin', offset: 0 },
      { path: 'dataset.bin', offset: 0, length: 8 * MiB },
      { path: 'dataset.bin', offset: 8 * MiB, length: 8 * MiB },
      { path: 'dataset.bin', offset: 16 * MiB, length: 8 * MiB },
      { path: 'dataset.bin', offset: 24 * MiB, length: 6 * MiB + 5 },
    ]);
    expect(progress[0]?.phase).toBe('hashing');
    expect(progress.at(-1)).toMatchObject({ phase: 'uploading', bytes: data.length, total: data.length });
    expect(progress.filter((p) => p.phase === 'hashing').at(-1)).toMatchObject({ bytes: data.length });
    // A finished upload is forgotten: nothing to resume.
    expect(await store.findAllUploads()).toEqual([]);
  });

  it('after a cancel, a new uploader on a new store handle resumes from the server offset and sends only the rest', async () => {
    const data = randomBytes(30 * MiB);
    await writeFile(folder.file('dataset.bin'), data);
    server.behaviour.bytesPerSecond = 40 * MiB;
    const first = restart();
    const stop = abortAfter(10 * MiB);
    const cancelled = await first.uploader
      .upload(target, {
        driver: folder.driver,
        path: 'dataset.bin',
        signal: stop.controller.signal,
        onProgress: stop.onProgress,
      })
      .catch((error: unknown) => error);
    expect(cancelled).toBeInstanceOf(OfferUploadError);
    expect(cancelled).toMatchObject({ code: 'cancelled', resumable: true });
    const [remembered] = await first.store.findAllUploads();
    expect(remembered?.uploadUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\/orgs\/org-1\/offers\/offer-1\/uploads\//);
    first.store.close();
    const offset = await settled(() => server.offsetOf(remembered!.uploadUrl!));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(data.length);

    server.behaviour.bytesPerSecond = null;
    server.resetCounters();
    const reads: ReadRecord[] = [];
    const second = restart();
    const progress: OfferUploadProgress[] = [];
    const result = await second.uploader.upload(target, {
      driver: recordReads(folder.driver, reads),
      path: 'dataset.bin',
      onProgress: (p) => progress.push(p),
    });

    expect(result.uploadUrl).toBe(remembered!.uploadUrl);
    expect(result.resumedFrom).toBe(offset);
    expect(server.created).toBe(0);
    expect(server.received).toBe(data.length - offset);
    expect(reads.map((r) => r.offset)).toEqual(
      [0, offset, ...[8, 16, 24].map((m) => m * MiB + offset)].filter((o) => o < data.length),
    );
    expect(progress.find((p) => p.phase === 'uploading')?.bytes).toBe(offset);
    expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
    expect(server.finished).toHaveLength(1);
    expect(await second.store.findAllUploads()).toEqual([]);
  });

  it('a file changed between attempts starts a new upload instead of resuming into the old one', async () => {
    const data = randomBytes(20 * MiB);
    await writeFile(folder.file('dataset.bin'), data);
    server.behaviour.bytesPerSecond = 40 * MiB;
    const first = restart();
    const stop = abortAfter(6 * MiB);
    await expect(
      first.uploader.upload(target, {
        driver: folder.driver,
        path: 'dataset.bin',
        signal: stop.controller.signal,
        onProgress: stop.onProgress,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    const [old] = await first.store.findAllUploads();
    first.store.close();
    const oldOffset = await settled(() => server.offsetOf(old!.uploadUrl!));
    expect(oldOffset).toBeGreaterThan(0);

    // Same name, same size, other bytes.
    const changed = Buffer.from(data);
    changed.fill(7, 0, MiB);
    await writeFile(folder.file('dataset.bin'), changed);
    server.behaviour.bytesPerSecond = null;
    server.resetCounters();
    const second = restart();
    const result = await second.uploader.upload(target, { driver: folder.driver, path: 'dataset.bin' });

    expect(result.uploadUrl).not.toBe(old!.uploadUrl);
    expect(result.resumedFrom).toBe(0);
    expect(server.created).toBe(1);
    expect(server.received).toBe(changed.length);
    expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(changed));
    expect(server.finished.map((f) => f.sha256)).toEqual([sha256(changed)]);
    // The old upload was left alone, not completed with new bytes.
    expect(await server.offsetOf(old!.uploadUrl!)).toBe(oldOffset);
  });

  it('a file changed while uploading fails the SHA-256 check: file_changed, and the upload is forgotten', async () => {
    const data = randomBytes(12 * MiB);
    await writeFile(folder.file('dataset.bin'), data);
    const { store, uploader } = restart();
    let touched = false;
    const failure = await uploader
      .upload(target, {
        driver: folder.driver,
        path: 'dataset.bin',
        onProgress: (p) => {
          if (touched || p.phase !== 'uploading') return;
          touched = true;
          // The second chunk is read later: its bytes are no longer the hashed ones.
          const fd = openSync(folder.file('dataset.bin'), 'r+');
          writeSync(fd, Buffer.alloc(16, 1), 0, 16, data.length - 16);
          closeSync(fd);
        },
      })
      .catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'file_changed', resumable: false, status: 460 });
    expect((failure as Error).message).toContain('changed while it was uploading');
    expect(server.mismatched).toHaveLength(1);
    expect(server.finished).toEqual([]);
    expect(await store.findAllUploads()).toEqual([]);
  });

  it('maps refusals: a wrong token asks to sign in again, a viewer has no permission, a too large file says so', async () => {
    await writeFile(folder.file('small.bin'), randomBytes(3 * MiB));
    const { store, uploader } = restart();
    const upload = (changes: Partial<OfferUploadTarget>): Promise<unknown> =>
      uploader.upload({ ...target, ...changes }, { driver: folder.driver, path: 'small.bin' }).catch((e: unknown) => e);

    const signIn = await upload({ token: 'revoked' });
    expect(signIn).toMatchObject({ code: 'sign_in_required', status: 401, resumable: true });
    expect((signIn as Error).message).toMatch(/sign in again/);
    expect(await upload({ token: 'viewer-token' })).toMatchObject({ code: 'forbidden', status: 403 });
    server.behaviour.maxSize = 2 * MiB;
    const tooLarge = await upload({});
    expect(tooLarge).toMatchObject({ code: 'too_large', status: 413, resumable: false });
    expect((tooLarge as Error).message).toBe('small.bin is too large for this offer.');
    expect(server.created).toBe(0);
    expect(await store.findAllUploads()).toEqual([]);

    // A token given as a function is asked again for every request (a renewed token is used).
    server.behaviour.maxSize = 1024 * MiB;
    let asked = 0;
    const done = await uploader.upload(
      {
        ...target,
        token: () => {
          asked += 1;
          return Promise.resolve('editor-token');
        },
      },
      { driver: folder.driver, path: 'small.bin' },
    );
    expect(done.size).toBe(3 * MiB);
    expect(asked).toBeGreaterThanOrEqual(2);
  });

  it('offline after retries says it will resume, keeps the upload, and continues once the platform is back', async () => {
    const data = randomBytes(16 * MiB);
    await writeFile(folder.file('dataset.bin'), data);
    server.behaviour.bytesPerSecond = 20 * MiB;
    const first = restart([50, 50]);
    let stopping: Promise<void> | undefined;
    const failure = await first.uploader
      .upload(target, {
        driver: folder.driver,
        path: 'dataset.bin',
        onProgress: (p) => {
          if (p.phase === 'uploading' && p.bytes > 4 * MiB) stopping ??= server.stop();
        },
      })
      .catch((error: unknown) => error);
    await stopping;
    expect(failure).toMatchObject({ code: 'offline', resumable: true });
    expect((failure as Error).message).toMatch(/will resume/);
    const [kept] = await first.store.findAllUploads();
    expect(kept?.uploadUrl).toBeTruthy();
    const offset = await settled(() => server.offsetOf(kept!.uploadUrl!));

    await server.start();
    server.behaviour.bytesPerSecond = null;
    server.resetCounters();
    const result = await first.uploader.upload(target, { driver: folder.driver, path: 'dataset.bin' });
    expect(result.resumedFrom).toBe(offset);
    expect(server.received).toBe(data.length - offset);
    expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
  });

  it('reports speed and time left while uploading, and a cancel before the start uploads nothing', async () => {
    await writeFile(folder.file('dataset.bin'), randomBytes(24 * MiB));
    server.behaviour.bytesPerSecond = 24 * MiB;
    const { uploader } = restart();
    const progress: OfferUploadProgress[] = [];
    await uploader.upload(target, { driver: folder.driver, path: 'dataset.bin', onProgress: (p) => progress.push(p) });
    // Past the first 8 MiB request the rate is known; the last report is the end.
    const middle = progress.filter((p) => p.phase === 'uploading' && p.bytes >= 8 * MiB && p.bytes < 24 * MiB);
    expect(middle.length).toBeGreaterThan(0);
    expect(middle.every((p) => p.bytesPerSecond > 0 && p.etaSeconds !== undefined)).toBe(true);

    server.resetCounters();
    const aborted = new AbortController();
    aborted.abort();
    await expect(
      uploader.upload(target, { driver: folder.driver, path: 'dataset.bin', signal: aborted.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    expect(server.created).toBe(0);
    expect(path.basename(storeFile)).toBe('offer-uploads.sqlite');
  });

  it('a connector without ranged reads still resumes: it reads from the start and skips to the server offset', async () => {
    const data = randomBytes(20 * MiB + 9);
    await writeFile(folder.file('dataset.bin'), data);
    const reads: ReadRecord[] = [];
    const recorded = recordReads(folder.driver, reads);
    const unranged = new Proxy(recorded, {
      get(target, property) {
        if (property === 'capabilities') return { ...target.capabilities, rangedRead: false };
        return Reflect.get(target, property, target) as unknown;
      },
    });
    server.behaviour.bytesPerSecond = 40 * MiB;
    const first = restart();
    const stop = abortAfter(10 * MiB);
    await expect(
      first.uploader.upload(target, {
        driver: unranged,
        path: 'dataset.bin',
        signal: stop.controller.signal,
        onProgress: stop.onProgress,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    const [remembered] = await first.store.findAllUploads();
    const offset = await settled(() => server.offsetOf(remembered!.uploadUrl!));
    server.behaviour.bytesPerSecond = null;
    server.resetCounters();
    const result = await restart().uploader.upload(target, { driver: unranged, path: 'dataset.bin' });
    expect(result.resumedFrom).toBe(offset);
    expect(server.received).toBe(data.length - offset);
    expect(reads.every((r) => r.offset === 0 && r.length === undefined)).toBe(true);
    expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
  });

  it('an upload the platform no longer has (expired or terminated) starts again instead of failing', async () => {
    const data = randomBytes(12 * MiB);
    await writeFile(folder.file('dataset.bin'), data);
    server.behaviour.bytesPerSecond = 40 * MiB;
    const first = restart();
    const stop = abortAfter(4 * MiB);
    await expect(
      first.uploader.upload(target, {
        driver: folder.driver,
        path: 'dataset.bin',
        signal: stop.controller.signal,
        onProgress: stop.onProgress,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    const [gone] = await first.store.findAllUploads();
    await settled(() => server.offsetOf(gone!.uploadUrl!));
    const terminated = await fetch(gone!.uploadUrl!, {
      method: 'DELETE',
      headers: { 'Tus-Resumable': '1.0.0', Authorization: 'Bearer editor-token' },
    });
    expect(terminated.status).toBe(204);

    server.behaviour.bytesPerSecond = null;
    server.resetCounters();
    const result = await first.uploader.upload(target, { driver: folder.driver, path: 'dataset.bin' });
    expect(result.uploadUrl).not.toBe(gone!.uploadUrl);
    expect(result.resumedFrom).toBe(0);
    expect(server.created).toBe(1);
    expect(server.received).toBe(data.length);
    expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
    expect(await first.store.findAllUploads()).toEqual([]);
  });

  it('an empty file uploads (created complete, checked, forgotten)', async () => {
    await writeFile(folder.file('empty.csv'), '');
    const { store, uploader } = restart();
    const result = await uploader.upload(target, { driver: folder.driver, path: 'empty.csv' });
    expect(result).toMatchObject({ size: 0, sha256: sha256(''), resumedFrom: 0 });
    expect(server.finished.map((f) => [f.size, f.sha256])).toEqual([[0, sha256('')]]);
    expect(await store.findAllUploads()).toEqual([]);
  });

  it('a platform that accepts connections but never answers times out and is reported offline, not waited on forever', async () => {
    await writeFile(folder.file('small.bin'), randomBytes(MiB));
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const store = new UploadUrlStore(':memory:');
    stores.push(store);
    try {
      const started = Date.now();
      const failure = await new OfferUploader({ store, retryDelays: [50], idleTimeoutMs: 300 })
        .upload(
          { ...target, platformUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}` },
          { driver: folder.driver, path: 'small.bin' },
        )
        .catch((error: unknown) => error);
      expect(failure).toMatchObject({ code: 'offline', resumable: true });
      // Two attempts of 300 ms and a 50 ms wait.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
