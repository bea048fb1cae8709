import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { offerFiles } from '../../../platform/db/schema';
import { sweepExpiredUploads } from '../../../platform/uploads/upload-expiry';
import { createUploadStore } from '../../../platform/uploads/upload-store';
import { addApiKey, addMember, auditOf, setUp, type SetUpOrg } from '../platform-harness';
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

describe('offer uploads (tus) on PGlite, offer storage in a local folder', () => {
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let folder: string;
  let org: SetUpOrg;
  let editor: string;
  let viewer: string;
  let offerId: string;
  const uploadsUrl = (offer: string, orgId = org.orgId): string =>
    `${env.base}/v1/orgs/${orgId}/offers/${offer}/uploads`;
  const filesOf = (offer: string) => env.db.select().from(offerFiles).where(eq(offerFiles.offerId, offer));

  beforeAll(async () => {
    folder = mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-'));
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder } });
    org = await setUp(env);
    editor = (await addMember(env, org.orgId, org.adminToken, 'editor')).token;
    viewer = (await addMember(env, org.orgId, org.adminToken, 'viewer')).token;
    offerId = await insertOffer(env.db, org.orgId, { maxFileSize: 32 * MiB });
  });

  afterAll(async () => {
    await env?.app.close();
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('takes 20 MiB in 1 MiB chunks, interrupted and resumed from the server offset; the file appears once, verified', async () => {
    const { bytes, sha256 } = someBytes(20 * MiB);
    const metadata = { path: 'prices/2026/december.csv', sha256 };
    const first = await runTus(bytes, { endpoint: uploadsUrl(offerId), token: editor, metadata, abortAfter: 5 * MiB });
    expect(first.error).toBeNull();
    expect(first.url).toMatch(/\/uploads\/upl_[0-9A-Za-z]{22}$/);
    const head = await tusCall(first.url!, 'HEAD', editor);
    expect(head.status).toBe(200);
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThanOrEqual(5 * MiB);
    expect(offset).toBeLessThan(20 * MiB);
    expect(head.headers.get('upload-length')).toBe(String(20 * MiB));
    expect(await filesOf(offerId)).toHaveLength(0);

    const started = Date.now();
    const resumed = await runTus(bytes, { uploadUrl: first.url!, token: editor, metadata });
    const ms = Date.now() - started;
    expect(resumed.error).toBeNull();
    // The client asked the server where to go on: its first PATCH starts at the server's offset, not at 0.
    expect(resumed.patchOffsets[0]).toBe(offset);
    expect(resumed.patchOffsets).toHaveLength(Math.ceil((20 * MiB - offset) / MiB));
    console.info(`resumed ${(20 * MiB - offset) / MiB} MiB in ${ms} ms`);

    const files = await filesOf(offerId);
    expect(files).toHaveLength(1);
    const file = files[0]!;
    const uploadId = first.url!.split('/').pop()!;
    expect(file).toMatchObject({
      id: resumed.fileId,
      path: 'prices/2026/december.csv',
      name: 'december.csv',
      size: 20 * MiB,
      sha256,
      origin: 'upload',
      originRef: uploadId,
      status: 'available',
      storageKey: `uploads/${uploadId}`,
    });
    expect(file.seq).toBe(1);
    const audit = await auditOf(env, org.orgId, org.adminToken, { action: 'offers.files.upload' });
    expect(audit.filter((e) => e.outcome === 'success').map((e) => e.targetId)).toEqual([file.id]);

    // Completion again (HEADs of clients that missed the answer, at once): still one file.
    const heads = await Promise.all([1, 2, 3].map(() => tusCall(first.url!, 'HEAD', editor)));
    expect(heads.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(await filesOf(offerId)).toHaveLength(1);
    // A finished upload is a file now: it cannot be terminated.
    expect((await tusCall(first.url!, 'DELETE', editor)).status).toBe(400);
    expect(existsSync(path.join(folder, 'uploads', uploadId))).toBe(true);

    // The provider's download: whole, first bytes, suffix, unsatisfiable; byte for byte, the hash in headers.
    const content = `${env.base}/v1/orgs/${org.orgId}/offers/${offerId}/files/${file.id}/content`;
    const auth = { authorization: `Bearer ${viewer}` };
    const whole = await fetch(content, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('x-ferry-sha256')).toBe(sha256);
    expect(whole.headers.get('repr-digest')).toBe(`sha-256=:${Buffer.from(sha256, 'hex').toString('base64')}:`);
    expect(whole.headers.get('content-disposition')).toContain("filename*=UTF-8''december.csv");
    expect(sha256Of(Buffer.from(await whole.arrayBuffer()))).toBe(sha256);
    const firstBytes = await fetch(content, { headers: { ...auth, range: 'bytes=0-1048575' } });
    expect(firstBytes.status).toBe(206);
    expect(firstBytes.headers.get('content-range')).toBe(`bytes 0-1048575/${20 * MiB}`);
    expect(Buffer.from(await firstBytes.arrayBuffer()).equals(bytes.subarray(0, MiB))).toBe(true);
    const suffix = await fetch(content, { headers: { ...auth, range: 'bytes=-1000' } });
    expect(suffix.status).toBe(206);
    expect(Buffer.from(await suffix.arrayBuffer()).equals(bytes.subarray(bytes.length - 1000))).toBe(true);
    const past = await fetch(content, { headers: { ...auth, range: `bytes=${20 * MiB}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${20 * MiB}`);
    const head2 = await fetch(content, { method: 'HEAD', headers: auth });
    expect(head2.headers.get('content-length')).toBe(String(20 * MiB));
    // Not the caller's: another offer's path, no token.
    const otherOffer = await insertOffer(env.db, org.orgId);
    const wrongOffer = await fetch(content.replace(offerId, otherOffer), { headers: auth });
    expect(wrongOffer.status).toBe(404);
    expect((await fetch(content)).status).toBe(401);
  });

  it('refuses a file whose bytes do not have the announced SHA-256: 460, the upload deleted, nothing added', async () => {
    const offer = await insertOffer(env.db, org.orgId);
    const { bytes } = someBytes(3 * MiB + 17);
    const wrong = someBytes(16).sha256;
    const run = await runTus(bytes, {
      endpoint: uploadsUrl(offer),
      token: editor,
      metadata: { path: 'a.bin', sha256: wrong },
    });
    expect(run.error).not.toBeNull();
    const status = (run.error as { originalResponse?: { getStatus(): number; getBody(): string } }).originalResponse;
    expect(status?.getStatus()).toBe(460);
    expect(status?.getBody()).toContain('Checksum Mismatch');
    expect(await filesOf(offer)).toHaveLength(0);
    expect((await tusCall(run.url!, 'HEAD', editor)).status).toBe(404);
    const uploadId = run.url!.split('/').pop()!;
    expect(existsSync(path.join(folder, 'uploads', uploadId))).toBe(false);
    const denied = await auditOf(env, org.orgId, org.adminToken, { action: 'offers.files.upload', outcome: 'denied' });
    expect(denied.some((e) => e.reason === 'checksum_mismatch')).toBe(true);
  });

  it('refuses hostile paths and a missing or malformed sha256 with 400 and a clear message', async () => {
    const offer = await insertOffer(env.db, org.orgId);
    const sha256 = someBytes(1).sha256;
    const cases: Array<[Record<string, string>, string]> = [
      [{ path: '../../etc/passwd', sha256 }, "'..'"],
      [{ path: '/etc/passwd', sha256 }, 'absolute'],
      [{ path: 'a/./b', sha256 }, "'.'"],
      [{ path: 'a\\b.csv', sha256 }, '\\'],
      [{ path: 'a//b', sha256 }, 'empty segment'],
      [{ filename: 'x\u0000y', sha256 }, 'control character'],
      [{ path: 'C:/windows', sha256 }, 'absolute'],
      [{ sha256 }, '"path"'],
      [{ path: 'ok.csv' }, 'sha256'],
      [{ path: 'ok.csv', sha256: 'abc' }, '64 hexadecimal'],
    ];
    for (const [metadata, message] of cases) {
      const res = await tusCall(uploadsUrl(offer), 'POST', editor, {
        'upload-length': '10',
        'upload-metadata': tusMetadata(metadata),
      });
      expect(res.status, JSON.stringify(metadata)).toBe(400);
      expect(await res.text()).toContain(message);
    }
    expect(await filesOf(offer)).toHaveLength(0);
    const denied = await auditOf(env, org.orgId, org.adminToken, { action: 'offers.files.upload', outcome: 'denied' });
    expect(denied.filter((e) => e.reason === 'invalid_upload').length).toBeGreaterThanOrEqual(cases.length);
    expect(readdirSync(path.join(folder, 'uploads')).filter((n) => n.endsWith('.json'))).toHaveLength(
      readdirSync(path.join(folder, 'uploads')).filter((n) => !n.endsWith('.json')).length,
    );
  });

  it('refuses viewers, other organisations, no token, archived offers and uploads of another offer', async () => {
    const sha256 = someBytes(1).sha256;
    const headers = { 'upload-length': '10', 'upload-metadata': tusMetadata({ path: 'a.csv', sha256 }) };
    expect((await tusCall(uploadsUrl(offerId), 'POST', viewer, headers)).status).toBe(403);
    expect((await tusCall(uploadsUrl(offerId), 'POST', null, headers)).status).toBe(401);
    const created = await env.call('POST', '/v1/orgs', { token: org.adminToken, body: { name: 'Other' } });
    expect(created.statusCode, created.body).toBe(201);
    const otherOrg = (created.json() as { id: string }).id;
    const otherKey = await addApiKey(env, otherOrg, org.adminToken, 'editor');
    const foreign = await tusCall(uploadsUrl(offerId), 'POST', otherKey.secret, headers);
    expect(foreign.status).toBe(404);
    // The other organisation's own URL with this organisation's offer: not found either.
    expect((await tusCall(uploadsUrl(offerId, otherOrg), 'POST', otherKey.secret, headers)).status).toBe(404);
    const archived = await insertOffer(env.db, org.orgId, { status: 'archived' });
    const refused = await tusCall(uploadsUrl(archived), 'POST', editor, headers);
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { code: string }).code).toBe('invalid_state');

    // An upload of one offer cannot be continued or read through another offer's URL.
    const ok = await tusCall(uploadsUrl(offerId), 'POST', editor, headers);
    expect(ok.status).toBe(201);
    const location = ok.headers.get('location')!;
    const uploadId = location.split('/').pop()!;
    const other = await insertOffer(env.db, org.orgId);
    expect((await tusCall(`${uploadsUrl(other)}/${uploadId}`, 'HEAD', editor)).status).toBe(404);
    const patch = await tusCall(
      `${uploadsUrl(other)}/${uploadId}`,
      'PATCH',
      editor,
      { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
      Buffer.alloc(10),
    );
    expect(patch.status).toBe(404);
    expect((await tusCall(`${env.base}${location}`, 'HEAD', viewer)).status).toBe(403);
    // A body of another type is not parsed (nor handed to tus): 415.
    const json = await tusCall(
      `${env.base}${location}`,
      'PATCH',
      editor,
      { 'upload-offset': '0', 'content-type': 'application/json' },
      Buffer.from('{"a":1}'),
    );
    expect(json.status).toBe(415);
    // An unfinished upload can be abandoned by an editor: gone from the storage.
    expect((await tusCall(`${env.base}${location}`, 'DELETE', editor)).status).toBe(204);
    expect((await tusCall(`${env.base}${location}`, 'HEAD', editor)).status).toBe(404);
    expect(existsSync(path.join(folder, 'uploads', uploadId))).toBe(false);
    const denied = await auditOf(env, org.orgId, org.adminToken, { action: 'offers.files.upload', outcome: 'denied' });
    expect(denied.some((e) => e.reason === 'role_too_low')).toBe(true);
  });

  it("enforces the offer's maxFileSize: a longer upload is refused at creation (413)", async () => {
    const small = await insertOffer(env.db, org.orgId, { maxFileSize: MiB });
    const sha256 = someBytes(1).sha256;
    const res = await tusCall(uploadsUrl(small), 'POST', editor, {
      'upload-length': String(MiB + 1),
      'upload-metadata': tusMetadata({ path: 'big.bin', sha256 }),
    });
    expect(res.status).toBe(413);
    const exact = someBytes(MiB);
    const run = await runTus(exact.bytes, {
      endpoint: uploadsUrl(small),
      token: editor,
      metadata: { path: 'fits.bin', sha256: exact.sha256 },
      chunkSize: 256 * 1024,
    });
    expect(run.error).toBeNull();
    expect(await filesOf(small)).toHaveLength(1);
  });

  it('adds an upload to an offer with staging as pending (no feed position yet)', async () => {
    const staged = await insertOffer(env.db, org.orgId, { staging: true, kind: 'subscription' });
    // One 5 MiB PATCH: far above Fastify's JSON body limit, which must not apply to tus bodies.
    const { bytes, sha256 } = someBytes(5 * MiB);
    const run = await runTus(bytes, {
      endpoint: uploadsUrl(staged),
      token: editor,
      metadata: { filename: 'x.csv', sha256 },
      chunkSize: 5 * MiB,
    });
    expect(run.patchOffsets).toEqual([0]);
    expect(run.error).toBeNull();
    const [file] = await env.db
      .select()
      .from(offerFiles)
      .where(and(eq(offerFiles.offerId, staged), eq(offerFiles.id, run.fileId!)));
    expect(file).toMatchObject({ status: 'pending', seq: null, path: 'x.csv' });
  });

  it('adds an empty file at creation (Upload-Length 0): the answer names the file', async () => {
    const offer = await insertOffer(env.db, org.orgId);
    const empty = someBytes(0);
    const res = await tusCall(uploadsUrl(offer), 'POST', editor, {
      'upload-length': '0',
      'upload-metadata': tusMetadata({ path: 'empty.txt', sha256: empty.sha256 }),
    });
    expect(res.status).toBe(201);
    const fileId = res.headers.get('x-ferry-file-id');
    expect(await filesOf(offer)).toMatchObject([{ id: fileId, size: 0, sha256: empty.sha256 }]);
  });

  it('removes abandoned uploads after their expiry, never the bytes of offer files', async () => {
    const offer = await insertOffer(env.db, org.orgId);
    const { bytes, sha256 } = someBytes(3 * MiB);
    const abandoned = await runTus(bytes, {
      endpoint: uploadsUrl(offer),
      token: editor,
      metadata: { path: 'abandoned.bin', sha256 },
      abortAfter: MiB,
    });
    const abandonedId = abandoned.url!.split('/').pop()!;
    const done = someBytes(1000);
    const finished = await runTus(done.bytes, {
      endpoint: uploadsUrl(offer),
      token: editor,
      metadata: { path: 'kept.bin', sha256: done.sha256 },
    });
    expect(finished.error).toBeNull();
    const finishedId = finished.url!.split('/').pop()!;
    const ctx = { db: env.db, offerStorage: { driver: await localDriver(folder) } };
    const store = createUploadStore({ kind: 'local', folder }, 7 * 86_400_000);
    const inSixDays = new Date(Date.now() + 6 * 86_400_000);
    expect(await sweepExpiredUploads(ctx as never, store, 7 * 86_400_000, inSixDays)).toBe(0);
    const inEightDays = new Date(Date.now() + 8 * 86_400_000);
    expect(await sweepExpiredUploads(ctx as never, store, 7 * 86_400_000, inEightDays)).toBeGreaterThanOrEqual(1);
    expect(existsSync(path.join(folder, 'uploads', abandonedId))).toBe(false);
    expect(existsSync(path.join(folder, 'uploads', `${abandonedId}.json`))).toBe(false);
    expect(existsSync(path.join(folder, 'uploads', finishedId))).toBe(true);
    // An offer file deleted by its key (the offer deleted): its tus metadata goes too, once old enough.
    await env.db.delete(offerFiles).where(eq(offerFiles.originRef, finishedId));
    rmSync(path.join(folder, 'uploads', finishedId));
    expect(await sweepExpiredUploads(ctx as never, store, 7 * 86_400_000, inEightDays)).toBe(1);
    expect(existsSync(path.join(folder, 'uploads', `${finishedId}.json`))).toBe(false);
    await ctx.offerStorage.driver.close();
  });

  it('documents the upload and content routes in the OpenAPI document', async () => {
    const doc = (await env.call('GET', '/v1/openapi.json')).json();
    const paths = Object.keys(doc.paths);
    expect(paths).toContain('/v1/orgs/{orgId}/offers/{offerId}/uploads');
    expect(paths).toContain('/v1/orgs/{orgId}/offers/{offerId}/uploads/{uploadId}');
    expect(paths).toContain('/v1/orgs/{orgId}/offers/{offerId}/files/{fileId}/content');
    expect(Object.keys(doc.paths['/v1/orgs/{orgId}/offers/{offerId}/uploads/{uploadId}'])).toEqual(
      expect.arrayContaining(['head', 'patch', 'delete']),
    );
  });
});

async function localDriver(root: string) {
  const { createDefaultRegistry } = await import('../../../connectors/default-registry');
  return createDefaultRegistry().create({ kind: 'local', options: { root } });
}

describe('stopping a platform while an upload is mid-chunk', () => {
  it('does not wait for the stalled client; the bytes that arrived are kept and the upload resumes after a restart', async () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-'));
    const database = await openDatabase({ kind: 'pglite' });
    try {
      let env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder } });
      const org = await setUp(env);
      const offer = await insertOffer(env.db, org.orgId);
      const { bytes, sha256 } = someBytes(2 * MiB);
      const metadata = { path: 'restart.bin', sha256 };
      const created = await tusCall(
        `${env.base}/v1/orgs/${org.orgId}/offers/${offer}/uploads`,
        'POST',
        org.adminToken,
        {
          'upload-length': String(bytes.length),
          'upload-metadata': tusMetadata(metadata),
        },
      );
      const location = created.headers.get('location')!;
      // A PATCH announcing 2 MiB that sends 512 KiB and stalls.
      const target = new URL(env.base + location);
      const stalled = httpRequest({
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'PATCH',
        headers: {
          'tus-resumable': '1.0.0',
          authorization: `Bearer ${org.adminToken}`,
          'upload-offset': '0',
          'content-type': 'application/offset+octet-stream',
          'content-length': String(bytes.length),
        },
      });
      stalled.on('error', () => undefined);
      stalled.write(bytes.subarray(0, 512 * 1024));
      await new Promise((resolve) => setTimeout(resolve, 500));
      const started = Date.now();
      await env.app.close();
      const closeMs = Date.now() - started;
      console.info(`closed with a stalled upload in ${closeMs} ms`);
      expect(closeMs).toBeLessThan(8000);
      stalled.destroy();

      env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder } });
      try {
        const head = await tusCall(env.base + location, 'HEAD', org.adminToken);
        expect(head.status).toBe(200);
        const offset = Number(head.headers.get('upload-offset'));
        expect(offset).toBe(512 * 1024);
        const resumed = await runTus(bytes, { uploadUrl: env.base + location, token: org.adminToken, metadata });
        expect(resumed.error).toBeNull();
        expect(resumed.patchOffsets[0]).toBe(offset);
        const files = await env.db.select().from(offerFiles).where(eq(offerFiles.offerId, offer));
        expect(files).toMatchObject([{ sha256, size: bytes.length }]);
      } finally {
        await env.app.close();
      }
    } finally {
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
