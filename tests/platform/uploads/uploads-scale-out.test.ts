import { request as httpRequest } from 'node:http';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { eq } from 'drizzle-orm';
import { ERRORS } from '@tus/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { offerFiles } from '../../../platform/db/schema';
import { AdvisoryLocker, lockSessionOf } from '../../../platform/uploads/advisory-locker';
import type { S3Options } from '../../../shared/connectors/s3-descriptor';
import { swiftS3Options } from '../../kit/server-options';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { startSwift, swiftAvailability, type SwiftServer } from '../../servers/swift-server';
import { addMember, setUp, type SetUpOrg } from '../platform-harness';
import {
  insertOffer,
  listeningPlatform,
  MiB,
  runTus,
  sha256Of,
  someBytes,
  tusCall,
  tusMetadata,
  type ListeningPlatform,
} from './upload-kit';

const postgres = postgresAvailability();
const swift = swiftAvailability();

/** Sends a PATCH whose body arrives in part only, then stalls (a client on a dying connection). */
function stalledPatch(url: string, token: string, offset: number, sent: Buffer, declared: number) {
  const target = new URL(url);
  const req = httpRequest({
    host: target.hostname,
    port: target.port,
    path: target.pathname,
    method: 'PATCH',
    headers: {
      'tus-resumable': '1.0.0',
      authorization: `Bearer ${token}`,
      'upload-offset': String(offset),
      'content-type': 'application/offset+octet-stream',
      'content-length': String(declared),
    },
  });
  const answered = new Promise<number>((resolve) => {
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(-1));
  });
  req.write(sent);
  return { answered, destroy: () => req.destroy() };
}

describe.skipIf(!postgres.available || !swift.available)(
  'offer uploads scaled out: two instances, one PostgreSQL, one Swift S3 bucket',
  () => {
    let pg: PostgresServer;
    let server: SwiftServer;
    let options: S3Options;
    const databases: OpenDatabase[] = [];
    let one: ListeningPlatform;
    let two: ListeningPlatform;
    let org: SetUpOrg;
    let editor: string;

    beforeAll(async () => {
      if (!postgres.available) return;
      [pg, server] = await Promise.all([startPostgres(postgres.bin), startSwift()]);
      options = swiftS3Options(server, 'offers', { prefix: 'ferry' });
      const admin = new S3Driver(options);
      await admin.client.send(new CreateBucketCommand({ Bucket: 'offers' }));
      await admin.close();
      const url = await pg.createDatabase();
      for (let i = 0; i < 2; i++) databases.push(await openDatabase({ kind: 'postgres', url }));
      const settings = {
        offerStorage: { kind: 's3' as const, options },
        uploads: { lock: { acquireTimeoutMs: 10_000 } },
      };
      one = await listeningPlatform(databases[0]!.db, 'postgres', settings);
      two = await listeningPlatform(databases[1]!.db, 'postgres', settings);
      org = await setUp(one);
      editor = (await addMember(one, org.orgId, org.adminToken, 'editor')).token;
    }, 180_000);

    afterAll(async () => {
      // The servers stop even when an app cannot close (a connection a failed test left open).
      const closing = Promise.allSettled([one?.app.close(), two?.app.close()]);
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 20_000))]);
      for (const database of databases) await database.close().catch(() => undefined);
      await server?.stop();
      await pg?.stop();
    }, 60_000);

    it('an upload started on instance 1 finishes on instance 2: one file, its bytes exact in the bucket', async () => {
      const offerId = await insertOffer(one.db, org.orgId);
      const { bytes, sha256 } = someBytes(12 * MiB + 12345);
      const metadata = { path: 'scaled/out.bin', sha256 };
      const path = `/v1/orgs/${org.orgId}/offers/${offerId}/uploads`;
      const first = await runTus(bytes, { endpoint: one.base + path, token: editor, metadata, abortAfter: 6 * MiB });
      expect(first.error).toBeNull();
      const uploadPath = new URL(first.url!).pathname;
      const head = await tusCall(two.base + uploadPath, 'HEAD', editor);
      expect(head.status).toBe(200);
      const offset = Number(head.headers.get('upload-offset'));
      expect(offset).toBeGreaterThanOrEqual(6 * MiB);

      const started = Date.now();
      const second = await runTus(bytes, { uploadUrl: two.base + uploadPath, token: editor, metadata });
      console.info(
        `instance 2 took ${(bytes.length - offset) / MiB} MiB from offset ${offset} in ${Date.now() - started} ms`,
      );
      expect(second.error).toBeNull();
      expect(second.patchOffsets[0]).toBe(offset);

      const files = await one.db.select().from(offerFiles).where(eq(offerFiles.offerId, offerId));
      expect(files).toHaveLength(1);
      expect(files[0]).toMatchObject({ id: second.fileId, size: bytes.length, sha256, status: 'available' });
      // Both instances complete it again (HEAD): still one file.
      await Promise.all([
        tusCall(one.base + uploadPath, 'HEAD', editor),
        tusCall(two.base + uploadPath, 'HEAD', editor),
      ]);
      expect(await one.db.select().from(offerFiles).where(eq(offerFiles.offerId, offerId))).toHaveLength(1);

      // The bytes in the bucket under the prefix, read by instance 1 and directly.
      const content = `${one.base}/v1/orgs/${org.orgId}/offers/${offerId}/files/${second.fileId}/content`;
      const download = await fetch(content, { headers: { authorization: `Bearer ${editor}` } });
      expect(download.headers.get('x-ferry-sha256')).toBe(sha256);
      expect(sha256Of(Buffer.from(await download.arrayBuffer()))).toBe(sha256);
      const direct = new S3Driver({ ...options, prefix: '' });
      const stat = await direct.stat(`ferry/${files[0]!.storageKey}`);
      expect(stat.size).toBe(bytes.length);
      await direct.close();
    }, 180_000);

    it('adds an empty file on S3 too (the store never completes an empty multipart upload)', async () => {
      const offerId = await insertOffer(one.db, org.orgId);
      const empty = someBytes(0);
      const res = await tusCall(`${two.base}/v1/orgs/${org.orgId}/offers/${offerId}/uploads`, 'POST', editor, {
        'upload-length': '0',
        'upload-metadata': tusMetadata({ path: 'empty.txt', sha256: empty.sha256 }),
      });
      expect(res.status, await res.text()).toBe(201);
      const fileId = res.headers.get('x-ferry-file-id')!;
      const content = await fetch(`${one.base}/v1/orgs/${org.orgId}/offers/${offerId}/files/${fileId}/content`, {
        headers: { authorization: `Bearer ${editor}` },
      });
      expect(content.status).toBe(200);
      expect((await content.arrayBuffer()).byteLength).toBe(0);
    });

    it('the advisory locker keeps one holder across instances: the other waits, asks for release, times out', async () => {
      const a = new AdvisoryLocker(lockSessionOf(databases[0]!.db), { acquireTimeoutMs: 700 });
      const b = new AdvisoryLocker(lockSessionOf(databases[1]!.db), { acquireTimeoutMs: 700 });
      try {
        const id = 'upl_0000000000000000000001';
        let asked = 0;
        const held = a.newLock(id);
        await held.lock(new AbortController().signal, () => void (asked += 1));
        const waiting = b.newLock(id);
        const started = Date.now();
        await expect(waiting.lock(new AbortController().signal, () => undefined)).rejects.toBe(ERRORS.ERR_LOCK_TIMEOUT);
        expect(Date.now() - started).toBeGreaterThanOrEqual(650);
        // The holder on the other instance was asked (NOTIFY) to let go.
        expect(asked).toBeGreaterThanOrEqual(1);
        await held.unlock();
        await waiting.lock(new AbortController().signal, () => undefined);
        expect(b.holds(id)).toBe(true);
        // And now instance 1 is the one kept out.
        await expect(a.newLock(id).lock(new AbortController().signal, () => undefined)).rejects.toBe(
          ERRORS.ERR_LOCK_TIMEOUT,
        );
        await waiting.unlock();
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('refuses a second PATCH of the same upload on instance 2 while instance 1 is writing it, then completes exact', async () => {
      const offerId = await insertOffer(one.db, org.orgId);
      const { bytes, sha256 } = someBytes(2 * MiB);
      const metadata = { path: 'contended.bin', sha256 };
      const path = `/v1/orgs/${org.orgId}/offers/${offerId}/uploads`;
      const created = await runTus(bytes, { endpoint: one.base + path, token: editor, metadata, abortAfter: 1 });
      const uploadPath = new URL(created.url!).pathname;
      const offset = Number((await tusCall(one.base + uploadPath, 'HEAD', editor)).headers.get('upload-offset'));
      // Instance 1 receives part of a chunk and waits for the rest; instance 2 gets the same chunk meanwhile.
      const stalled = stalledPatch(
        one.base + uploadPath,
        editor,
        offset,
        bytes.subarray(offset, offset + 256 * 1024),
        MiB,
      );
      // Destroyed whatever happens: a connection left open would keep the app from closing.
      try {
        await new Promise((resolve) => setTimeout(resolve, 500));
        const concurrent = await tusCall(
          two.base + uploadPath,
          'PATCH',
          editor,
          { 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
          bytes.subarray(offset, offset + MiB),
        );
        // Instance 2 waited for the lock (and asked instance 1 to let go); by then the offset had moved: 409.
        expect(concurrent.status).toBe(409);
      } finally {
        stalled.destroy();
      }
      await stalled.answered;
      const resumed = await runTus(bytes, { uploadUrl: two.base + uploadPath, token: editor, metadata });
      expect(resumed.error).toBeNull();
      const files = await one.db.select().from(offerFiles).where(eq(offerFiles.offerId, offerId));
      expect(files).toHaveLength(1);
      expect(files[0]!.sha256).toBe(sha256);
    }, 120_000);
  },
);
