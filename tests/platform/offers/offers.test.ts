// Offers through the API on PGlite and PostgreSQL: create, list, read, change, publish, archive, delete, files
// (remove, approve, reject), roles, other organisations, ownership on member and key removal, connectors in use.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq, sql } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { acquisitions, offerFiles, offers, ownedResources, sourceObservations } from '../../../platform/db/schema';
import { bossDatabaseOf } from '../../../platform/jobs/boss-database';
import { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addOfferFile } from '../../../platform/offers/offer-file-ledger';
import { API } from '../../../shared/platform';
import { recordingLog } from '../jobs/jobs-harness';
import {
  addApiKey,
  addMember,
  auditOf,
  forEachDatabase,
  PASSWORD,
  setUp,
  type TestEnv,
  type TestMember,
} from '../platform-harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

// The offer storage folder of the suite running now (each database gets its own app and folder).
let storage = '';
let stored = 0;

forEachDatabase(
  (env) => {
    let orgId: string;
    let admin: string;
    let adminId: string;
    let editor: TestMember;
    let viewer: TestMember;
    let betaId: string;
    let olga: TestMember;
    let exchange: string;
    const o = () => `/v1/orgs/${orgId}/offers`;
    const call = (method: string, url: string, token: string, body?: unknown) =>
      env().call(method, url, { token, body });

    /**
     * Puts a file into an offer as the ledger's callers do: bytes stored first, then addOfferFile, pending so it waits
     * for the approve route (which hands out feed positions and tells deliveries through the app's own jobs).
     */
    async function addPendingFile(offerId: string, filePath: string, content: string, addedAt = new Date()) {
      const key = `uploads/test-${++stored}`;
      mkdirSync(path.join(storage, 'uploads'), { recursive: true });
      writeFileSync(path.join(storage, key), content);
      // Never started: a pending file does not send jobs.
      const jobs = new JobsRuntime(bossDatabaseOf(env().db), recordingLog());
      const id = await addOfferFile(
        env().db,
        { now: () => addedAt, jobs },
        {
          offerId,
          orgId,
          path: filePath,
          size: Buffer.byteLength(content),
          sha256: createHash('sha256').update(content).digest('hex'),
          storageKey: key,
          origin: 'upload',
          originRef: `test upload ${stored}`,
          pending: true,
        },
      );
      return { id, key, file: path.join(storage, key) };
    }

    async function createOffer(token: string, body: Record<string, unknown>): Promise<string> {
      const res = await call('POST', o(), token, body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    }

    /** A one-shot offer with one approved file, published. */
    async function publishedOneShot(token: string, title: string) {
      const id = await createOffer(token, { title, kind: 'one-shot' });
      const file = await addPendingFile(id, 'data.csv', 'a,b\n1,2\n');
      expect((await call('POST', `${o()}/${id}/files/approve`, token, { fileIds: [file.id] })).statusCode).toBe(200);
      const res = await call('POST', `${o()}/${id}/publish`, token);
      expect(res.statusCode, res.body).toBe(200);
      return { id, file };
    }

    async function acquire(offerId: string, status: 'active' | 'ended' = 'active') {
      const now = new Date();
      await env()
        .db.insert(acquisitions)
        .values({
          id: `acq_${offerId}_${status}`,
          offerId,
          providerOrgId: orgId,
          buyerOrgId: betaId,
          kind: 'one-shot',
          status,
          acquiredByType: 'user',
          acquiredById: olga.id,
          historyAfterSeq: 0,
          untilSeq: 1,
          periodStart: now,
          createdAt: now,
        });
    }

    it('creates a one-shot draft owned by its creator, with defaults and nothing counted yet', async () => {
      const acme = await setUp(env());
      orgId = acme.orgId;
      admin = acme.adminToken;
      adminId = acme.adminId;
      editor = await addMember(env(), orgId, admin, 'editor');
      viewer = await addMember(env(), orgId, admin, 'viewer');
      const beta = (await call('POST', '/v1/orgs', admin, { name: 'Beta' })).json();
      betaId = beta.id;
      olga = await addMember(env(), betaId, admin, 'admin', `olga.${env().kind}@beta.example`);
      expect((await call('DELETE', `/v1/orgs/${betaId}/members/${adminId}`, olga.token)).statusCode).toBe(204);
      admin = (
        await env().call('POST', '/v1/auth/login', { body: { email: acme.adminEmail, password: PASSWORD } })
      ).json().token;
      const folder = tempDir('ferry-offer-source-');
      mkdirSync(path.join(folder, 'incoming'));
      const connector = await call('POST', `/v1/orgs/${orgId}/connectors`, admin, {
        name: 'Exchange',
        kind: 'local',
        options: { root: folder },
      });
      expect(connector.statusCode, connector.body).toBe(201);
      exchange = connector.json().id;

      const res = await call('POST', o(), editor.token, {
        title: '  Daily prices  ',
        description: 'Closing prices',
        kind: 'one-shot',
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        title: 'Daily prices',
        description: 'Closing prices',
        kind: 'one-shot',
        status: 'draft',
        maxFileSize: 10 * 1024 ** 3,
        subscription: null,
        fileCount: 0,
        totalSize: 0,
        pendingFileCount: 0,
        subscriberCount: 0,
        lastScanAt: null,
        owner: { type: 'user', id: editor.id },
        creatorId: editor.id,
        publishedAt: null,
        archivedAt: null,
      });
      expect(res.json().id).toMatch(/^off_/);
      const audit = await auditOf(env(), orgId, admin, { action: 'offers.create' });
      expect(audit[0]).toMatchObject({ targetType: 'offer', targetId: res.json().id, outcome: 'success' });
    });

    it('creates a subscription through an editor API key: the key owns it, the folder is normalised', async () => {
      const key = await addApiKey(env(), orgId, admin, 'editor');
      const res = await call('POST', o(), key.secret, {
        title: 'Weather feed',
        kind: 'subscription',
        maxFileSize: 1024,
        subscription: {
          source: { type: 'connector', connectorId: exchange, folder: './incoming/' },
          staging: true,
          historyPolicy: { type: 'last', count: 3 },
          deliveryFrequency: 'daily',
          firstDeliveryAt: '2027-01-01T06:00:00.000Z',
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({
        kind: 'subscription',
        maxFileSize: 1024,
        owner: { type: 'api-key', id: key.id },
        creatorId: null,
        subscription: {
          source: { type: 'connector', connectorId: exchange, folder: 'incoming' },
          scanIntervalMinutes: 60,
          staging: true,
          historyPolicy: { type: 'last', count: 3 },
          deliveryFrequency: 'daily',
          firstDeliveryAt: '2027-01-01T06:00:00.000Z',
        },
      });
      // The key goes with its offer: it was never acquired.
      const gone = await call('DELETE', `/v1/orgs/${orgId}/api-keys/${key.id}?ownedResources=delete`, admin);
      expect(gone.statusCode, gone.body).toBe(204);
      expect((await call('GET', `${o()}/${res.json().id}`, admin)).statusCode).toBe(404);
    });

    it('refuses invalid settings and hostile folders with the field named; nothing is created', async () => {
      const before = (await call('GET', o(), admin)).json().total;
      const olgaConnector = await call('POST', `/v1/orgs/${betaId}/connectors`, olga.token, {
        name: 'Beta folder',
        kind: 'local',
        options: { root: tempDir('ferry-beta-') },
      });
      expect(olgaConnector.statusCode, olgaConnector.body).toBe(201);
      const sub = (subscription: unknown) => ({ title: 'x', kind: 'subscription', subscription });
      const viaConnector = (folder: string) => sub({ source: { type: 'connector', connectorId: exchange, folder } });
      const bad: Array<[unknown, string]> = [
        [{ title: '   ', kind: 'one-shot' }, 'body.title'],
        [{ title: 'x', kind: 'bundle' }, 'body.kind'],
        [{ title: 'x', kind: 'one-shot', maxFileSize: 1024 ** 4 + 1 }, 'body.maxFileSize'],
        [{ title: 'x', kind: 'one-shot', maxFileSize: 0 }, 'body.maxFileSize'],
        [{ title: 'x', kind: 'one-shot', subscription: { staging: true } }, 'body.subscription'],
        [sub({ scanIntervalMinutes: 4 }), 'body.subscription.scanIntervalMinutes'],
        [sub({ scanIntervalMinutes: 7 * 24 * 60 + 1 }), 'body.subscription.scanIntervalMinutes'],
        [sub({ historyPolicy: { type: 'last', count: 0 } }), 'body.subscription.historyPolicy.count'],
        [viaConnector('../x'), 'body.subscription.source.folder'],
        [viaConnector('incoming/../../x'), 'body.subscription.source.folder'],
        [viaConnector('/etc'), 'body.subscription.source.folder'],
        [viaConnector('in\u0001coming'), 'body.subscription.source.folder'],
        [viaConnector('a//b'), 'body.subscription.source.folder'],
        [
          sub({ source: { type: 'connector', connectorId: olgaConnector.json().id, folder: '' } }),
          'body.subscription.source.connectorId',
        ],
        [
          sub({ source: { type: 'connector', connectorId: 'con_nope', folder: '' } }),
          'body.subscription.source.connectorId',
        ],
      ];
      for (const [body, where] of bad) {
        const res = await call('POST', o(), admin, body);
        expect([JSON.stringify(body), res.statusCode, res.json().code]).toEqual([
          JSON.stringify(body),
          400,
          'validation_failed',
        ]);
        expect(res.json().issues?.[0]?.path).toBe(where);
      }
      const nul = await call('POST', o(), admin, viaConnector('in\u0000coming'));
      expect([nul.statusCode, nul.json().code]).toEqual([400, 'invalid_input']);
      expect((await call('GET', o(), admin)).json().total).toBe(before);
    });

    it('lists paged, filtered by status, kind and title; viewers read; other organisations get not_found', async () => {
      const sub = await createOffer(admin, { title: 'Rain 100% daily_', kind: 'subscription' });
      const all = await call('GET', `${o()}?sort=title`, viewer.token);
      expect(all.statusCode, all.body).toBe(200);
      expect(all.json().items.map((i: { title: string }) => i.title)).toEqual(['Daily prices', 'Rain 100% daily_']);
      const page = await call('GET', `${o()}?sort=title&order=desc&limit=1`, viewer.token);
      expect([page.json().total, page.json().items.map((i: { id: string }) => i.id)]).toEqual([2, [sub]]);
      const kind = await call('GET', `${o()}?kind=subscription`, viewer.token);
      expect(kind.json().items.map((i: { id: string }) => i.id)).toEqual([sub]);
      const search = await call('GET', `${o()}?q=${encodeURIComponent('100%')}`, viewer.token);
      expect(search.json().items.map((i: { id: string }) => i.id)).toEqual([sub]);
      const status = await call('GET', `${o()}?status=published`, viewer.token);
      expect(status.json()).toMatchObject({ total: 0, items: [] });
      const read = await call('GET', `${o()}/${sub}`, viewer.token);
      expect(read.json()).toMatchObject({
        id: sub,
        subscription: { source: { type: 'none' }, historyPolicy: { type: 'all' }, scanIntervalMinutes: 60 },
      });
      const viewerKey = await addApiKey(env(), orgId, admin, 'viewer');
      expect((await call('GET', `${o()}/${sub}`, viewerKey.secret)).json().id).toBe(sub);

      const outsider = await call('GET', `${o()}/${sub}`, olga.token);
      expect([outsider.statusCode, outsider.json().code]).toEqual([404, 'not_found']);
      // Through her own organisation's URL, Acme's offer does not exist either.
      for (const [method, suffix] of [
        ['GET', ''],
        ['PATCH', ''],
        ['DELETE', ''],
        ['POST', '/publish'],
        ['GET', '/files'],
      ] as const) {
        const res = await call(method, `/v1/orgs/${betaId}/offers/${sub}${suffix}`, olga.token, {
          ...(method === 'PATCH' ? { title: 'Stolen' } : {}),
        });
        expect([method, suffix, res.statusCode, res.json().code]).toEqual([method, suffix, 404, 'not_found']);
      }
      expect((await call('GET', `${o()}/${sub}`, admin)).json().title).toBe('Rain 100% daily_');
    });

    it('refuses viewers (members and keys) every change, audited; nothing changes', async () => {
      const id = await createOffer(editor.token, { title: 'Viewer target', kind: 'one-shot' });
      const file = await addPendingFile(id, 'v.csv', 'v');
      const viewerKey = await addApiKey(env(), orgId, admin, 'viewer');
      const changes: Array<[string, string, unknown]> = [
        ['POST', o(), { title: 'x', kind: 'one-shot' }],
        ['PATCH', `${o()}/${id}`, { title: 'Changed' }],
        ['DELETE', `${o()}/${id}`, undefined],
        ['POST', `${o()}/${id}/publish`, undefined],
        ['POST', `${o()}/${id}/archive`, undefined],
        ['DELETE', `${o()}/${id}/files/${file.id}`, undefined],
        ['POST', `${o()}/${id}/files/approve`, { fileIds: [file.id] }],
        ['POST', `${o()}/${id}/files/reject`, { fileIds: [file.id] }],
      ];
      for (const token of [viewer.token, viewerKey.secret]) {
        for (const [method, url, body] of changes) {
          const res = await call(method, url, token, body);
          expect([method, url, res.statusCode, res.json().code]).toEqual([method, url, 403, 'forbidden']);
        }
      }
      const after = (await call('GET', `${o()}/${id}`, admin)).json();
      expect(after).toMatchObject({ title: 'Viewer target', status: 'draft', pendingFileCount: 1 });
      expect(existsSync(file.file)).toBe(true);
      const denied = await auditOf(env(), orgId, admin, { action: 'offers.files.approve', outcome: 'denied' });
      expect(denied.map((e) => e.reason)).toEqual(['role_too_low', 'role_too_low']);
    });

    it('approves pending files in the order they were added: feed positions follow, deliveries are told', async () => {
      const id = await createOffer(editor.token, { title: 'Ordered', kind: 'one-shot' });
      const t0 = new Date('2026-01-01T00:00:00Z');
      const later = await addPendingFile(id, 'z-first.csv', 'first', t0);
      const earlier = await addPendingFile(id, 'a-second.csv', 'second!', new Date(t0.getTime() + 1000));
      const third = await addPendingFile(id, 'm-third.csv', 'third', new Date(t0.getTime() + 2000));
      const jobsBefore = await queued(env(), 'offer-files-available');
      const res = await call('POST', `${o()}/${id}/files/approve`, editor.token, {
        fileIds: [earlier.id, later.id, earlier.id],
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().files.map((f: { id: string; seq: number; status: string }) => [f.id, f.seq, f.status])).toEqual(
        [
          [later.id, 1, 'available'],
          [earlier.id, 2, 'available'],
        ],
      );
      expect(await queued(env(), 'offer-files-available')).toBe(jobsBefore + 1);
      // Again: nothing pending among them, nothing changes.
      const again = await call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [later.id] });
      expect(again.json()).toEqual({ files: [] });
      const unknown = await call('POST', `${o()}/${id}/files/approve`, editor.token, {
        fileIds: [third.id, 'ofl_unknown'],
      });
      expect([unknown.statusCode, unknown.json().code]).toEqual([404, 'not_found']);
      const last = await call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [third.id] });
      expect(last.json().files.map((f: { seq: number }) => f.seq)).toEqual([3]);
      const read = (await call('GET', `${o()}/${id}`, viewer.token)).json();
      expect([read.fileCount, read.totalSize, read.pendingFileCount]).toEqual([3, 5 + 7 + 5, 0]);
      const audit = await auditOf(env(), orgId, admin, { action: 'offers.files.approve', outcome: 'success' });
      expect(audit[0]).toMatchObject({ targetType: 'offer', targetId: id });
    });

    it('gives distinct feed positions to approvals running at the same time', async () => {
      const id = await createOffer(editor.token, { title: 'Concurrent', kind: 'one-shot' });
      const files = [];
      for (let i = 0; i < 6; i++) files.push(await addPendingFile(id, `c${i}.csv`, `c${i}`));
      const answers = await Promise.all(
        files.map((f) => call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [f.id] })),
      );
      expect(answers.map((a) => a.statusCode)).toEqual(files.map(() => 200));
      const seqs = answers.map((a) => a.json().files[0].seq as number).sort((x, y) => x - y);
      expect(seqs).toEqual([1, 2, 3, 4, 5, 6]);
      const [row] = await env().db.select().from(offers).where(eq(offers.id, id));
      expect(row!.fileSeq).toBe(6);
    });

    it('lists files by path or time added, filtered by status and path', async () => {
      const id = await createOffer(editor.token, { title: 'Listing', kind: 'one-shot' });
      const t0 = new Date('2026-02-01T00:00:00Z');
      const b = await addPendingFile(id, '2026/b.csv', 'b', t0);
      const a = await addPendingFile(id, '2026/a.csv', 'a', new Date(t0.getTime() + 1000));
      const c = await addPendingFile(id, '2025/c.txt', 'c', new Date(t0.getTime() + 2000));
      await call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [a.id] });
      const byAdded = await call('GET', `${o()}/${id}/files`, viewer.token);
      expect(byAdded.statusCode, byAdded.body).toBe(200);
      expect(byAdded.json().items.map((f: { id: string }) => f.id)).toEqual([b.id, a.id, c.id]);
      expect(byAdded.json().items[0]).toMatchObject({
        path: '2026/b.csv',
        name: 'b.csv',
        size: 1,
        sha256: createHash('sha256').update('b').digest('hex'),
        origin: 'upload',
        status: 'pending',
        seq: null,
        addedAt: t0.toISOString(),
      });
      expect(byAdded.body).not.toContain('uploads/');
      const byPath = await call('GET', `${o()}/${id}/files?sort=path&order=desc&limit=2`, viewer.token);
      expect([byPath.json().total, byPath.json().items.map((f: { id: string }) => f.id)]).toEqual([3, [b.id, a.id]]);
      const pending = await call('GET', `${o()}/${id}/files?status=pending&sort=path`, viewer.token);
      expect(pending.json().items.map((f: { id: string }) => f.id)).toEqual([c.id, b.id]);
      const filtered = await call('GET', `${o()}/${id}/files?q=2026/`, viewer.token);
      expect(filtered.json().total).toBe(2);
    });

    it('publishes a one-shot offer once it has an available file, a subscription once it has a source', async () => {
      const id = await createOffer(editor.token, { title: 'One shot', kind: 'one-shot' });
      let res = await call('POST', `${o()}/${id}/publish`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'offer_not_ready']);
      const file = await addPendingFile(id, 'one.csv', 'one');
      res = await call('POST', `${o()}/${id}/publish`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'offer_not_ready']);
      await call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [file.id] });
      res = await call('POST', `${o()}/${id}/publish`, editor.token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'published', fileCount: 1 });
      expect(res.json().publishedAt).toMatch(/^\d{4}-/);
      res = await call('POST', `${o()}/${id}/publish`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'invalid_state']);
      expect(res.json().message).toContain('published');

      const sub = await createOffer(editor.token, { title: 'Feed', kind: 'subscription' });
      res = await call('POST', `${o()}/${sub}/publish`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'offer_not_ready']);
      expect(res.json().message).toContain('source');
      res = await call('PATCH', `${o()}/${sub}`, editor.token, { subscription: { source: { type: 'agent' } } });
      expect(res.json().subscription.source).toEqual({ type: 'agent' });
      res = await call('POST', `${o()}/${sub}/publish`, editor.token);
      expect([res.statusCode, res.json().status]).toEqual([200, 'published']);
      const audit = await auditOf(env(), orgId, admin, { action: 'offers.publish' });
      // Every publish so far in this organisation (the viewers' refusals earlier are role_too_low).
      expect(audit.map((e) => `${e.outcome} ${e.reason}`).sort()).toEqual([
        'denied invalid_state',
        'denied offer_not_ready',
        'denied offer_not_ready',
        'denied offer_not_ready',
        'denied role_too_low',
        'denied role_too_low',
        'success null',
        'success null',
      ]);
    });

    it('changes title and settings; the kind only while a draft; a published subscription keeps a source', async () => {
      const id = await createOffer(editor.token, {
        title: 'Draft feed',
        kind: 'subscription',
        subscription: { source: { type: 'connector', connectorId: exchange, folder: 'incoming' }, staging: true },
      });
      // What a scan saw of the source: kept while only the interval changes, dropped when the source changes.
      const now = new Date();
      await env().db.insert(sourceObservations).values({
        offerId: id,
        path: 'a.csv',
        size: 1,
        stableLooks: 1,
        outcome: 'waiting',
        firstSeenAt: now,
        lastSeenAt: now,
      });
      const observed = async () =>
        (await env().db.select().from(sourceObservations).where(eq(sourceObservations.offerId, id))).length;
      let res = await call('PATCH', `${o()}/${id}`, editor.token, {
        title: 'Draft feed v2',
        subscription: { scanIntervalMinutes: 5, historyPolicy: { type: 'none' } },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(await observed()).toBe(1);
      // Merged: the source and staging stay.
      expect(res.json()).toMatchObject({
        title: 'Draft feed v2',
        subscription: {
          source: { type: 'connector', connectorId: exchange, folder: 'incoming' },
          staging: true,
          scanIntervalMinutes: 5,
          historyPolicy: { type: 'none' },
        },
      });
      res = await call('PATCH', `${o()}/${id}`, editor.token, { kind: 'one-shot' });
      expect(res.json()).toMatchObject({ kind: 'one-shot', subscription: null });
      expect(await observed()).toBe(0);
      const [row] = await env().db.select().from(offers).where(eq(offers.id, id));
      expect([row!.sourceType, row!.sourceConnectorId, row!.historyPolicy, row!.staging]).toEqual([
        'none',
        null,
        'all',
        false,
      ]);
      res = await call('PATCH', `${o()}/${id}`, editor.token, {
        kind: 'subscription',
        subscription: { source: { type: 'agent' } },
      });
      expect(res.json().subscription).toMatchObject({ source: { type: 'agent' }, staging: false });
      expect((await call('POST', `${o()}/${id}/publish`, editor.token)).statusCode).toBe(200);

      res = await call('PATCH', `${o()}/${id}`, editor.token, { kind: 'one-shot' });
      expect([res.statusCode, res.json().code]).toEqual([409, 'invalid_state']);
      res = await call('PATCH', `${o()}/${id}`, editor.token, { subscription: { source: { type: 'none' } } });
      expect([res.statusCode, res.json().code, res.json().issues[0].path]).toEqual([
        400,
        'validation_failed',
        'body.subscription.source',
      ]);
      const planned = new Date('2030-01-01T00:00:00Z');
      await env().db.update(offers).set({ nextScanAt: planned }).where(eq(offers.id, id));
      res = await call('PATCH', `${o()}/${id}`, editor.token, { kind: 'subscription', description: 'Same kind' });
      expect([res.statusCode, res.json().description, res.json().kind]).toEqual([200, 'Same kind', 'subscription']);
      expect(res.json().nextScanAt).toBe(planned.toISOString());
      // A new interval is taken at the next sweep, not after the old one.
      res = await call('PATCH', `${o()}/${id}`, editor.token, { subscription: { scanIntervalMinutes: 10 } });
      expect([res.json().subscription.scanIntervalMinutes, res.json().nextScanAt]).toEqual([10, null]);
    });

    it('removes a file from a draft (row and bytes) and from a published offer (kept, removed from the future)', async () => {
      const id = await createOffer(editor.token, { title: 'Removals', kind: 'one-shot' });
      const draftFile = await addPendingFile(id, 'gone.csv', 'gone');
      const kept = await addPendingFile(id, 'kept.csv', 'kept');
      await call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [draftFile.id, kept.id] });
      let res = await call('DELETE', `${o()}/${id}/files/${draftFile.id}`, editor.token);
      expect(res.statusCode, res.body).toBe(204);
      expect(await env().db.select().from(offerFiles).where(eq(offerFiles.id, draftFile.id))).toEqual([]);
      expect(existsSync(draftFile.file)).toBe(false);
      res = await call('DELETE', `${o()}/${id}/files/${draftFile.id}`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([404, 'not_found']);

      expect((await call('POST', `${o()}/${id}/publish`, editor.token)).statusCode).toBe(200);
      res = await call('DELETE', `${o()}/${id}/files/${kept.id}`, editor.token);
      expect(res.statusCode, res.body).toBe(204);
      const [row] = await env().db.select().from(offerFiles).where(eq(offerFiles.id, kept.id));
      expect([row!.status, row!.seq, row!.removedAt instanceof Date]).toEqual(['removed', 2, true]);
      expect(existsSync(kept.file)).toBe(true);
      const read = (await call('GET', `${o()}/${id}`, editor.token)).json();
      expect([read.fileCount, read.totalSize]).toEqual([0, 0]);
      const removed = await call('GET', `${o()}/${id}/files?status=removed`, editor.token);
      expect(removed.json().items).toMatchObject([{ id: kept.id, status: 'removed' }]);
      expect(removed.json().items[0].removedAt).toMatch(/^\d{4}-/);
      // Again: nothing more to do.
      expect((await call('DELETE', `${o()}/${id}/files/${kept.id}`, editor.token)).statusCode).toBe(204);
      const audit = await auditOf(env(), orgId, admin, { action: 'offers.files.remove', outcome: 'success' });
      expect(audit.map((e) => e.targetId).sort()).toEqual([kept.id, kept.id, draftFile.id].sort());
    });

    it('rejects pending files (removed, bytes gone, never a feed position); an archived offer approves nothing', async () => {
      const id = await createOffer(editor.token, {
        title: 'Staged',
        kind: 'subscription',
        subscription: { source: { type: 'agent' }, staging: true },
      });
      expect((await call('POST', `${o()}/${id}/publish`, editor.token)).statusCode).toBe(200);
      const bad = await addPendingFile(id, 'bad.csv', 'bad');
      const good = await addPendingFile(id, 'good.csv', 'good');
      const late = await addPendingFile(id, 'late.csv', 'late');
      let res = await call('POST', `${o()}/${id}/files/reject`, editor.token, { fileIds: [bad.id] });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().files).toMatchObject([{ id: bad.id, status: 'removed', seq: null }]);
      expect(existsSync(bad.file)).toBe(false);
      res = await call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [bad.id, good.id] });
      expect(res.json().files.map((f: { id: string; seq: number }) => [f.id, f.seq])).toEqual([[good.id, 1]]);
      res = await call('POST', `${o()}/${id}/files/reject`, editor.token, { fileIds: [good.id] });
      expect(res.json()).toEqual({ files: [] });
      expect(existsSync(good.file)).toBe(true);

      res = await call('POST', `${o()}/${id}/archive`, editor.token);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ status: 'archived', fileCount: 1, pendingFileCount: 1 });
      expect(res.json().archivedAt).toMatch(/^\d{4}-/);
      res = await call('POST', `${o()}/${id}/files/approve`, editor.token, { fileIds: [late.id] });
      expect([res.statusCode, res.json().code]).toEqual([409, 'invalid_state']);
      // A pending file removed from an archived offer was never offered: its bytes go too.
      expect((await call('DELETE', `${o()}/${id}/files/${late.id}`, editor.token)).statusCode).toBe(204);
      const [lateRow] = await env().db.select().from(offerFiles).where(eq(offerFiles.id, late.id));
      expect([lateRow!.status, lateRow!.seq, existsSync(late.file)]).toEqual(['removed', null, false]);
      res = await call('POST', `${o()}/${id}/archive`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'invalid_state']);
      res = await call('POST', `${o()}/${id}/publish`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'invalid_state']);
      const draft = await createOffer(editor.token, { title: 'Never published', kind: 'one-shot' });
      res = await call('POST', `${o()}/${draft}/archive`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'invalid_state']);
      expect(res.json().message).toContain('draft');
    });

    it('deletes an offer nobody acquired (draft or not) with its bytes; an acquired one must be archived', async () => {
      const draft = await createOffer(editor.token, { title: 'Scrap', kind: 'one-shot' });
      const scrap = await addPendingFile(draft, 's.csv', 'scrap');
      let res = await call('DELETE', `${o()}/${draft}`, editor.token);
      expect(res.statusCode, res.body).toBe(204);
      expect(existsSync(scrap.file)).toBe(false);
      expect(await env().db.select().from(offerFiles).where(eq(offerFiles.offerId, draft))).toEqual([]);
      const owned = await env().db.select().from(ownedResources).where(eq(ownedResources.resourceId, draft));
      expect(owned).toEqual([]);

      const unsold = await publishedOneShot(editor.token, 'Unsold');
      expect((await call('DELETE', `${o()}/${unsold.id}`, editor.token)).statusCode).toBe(204);
      expect(existsSync(unsold.file.file)).toBe(false);

      const sold = await publishedOneShot(editor.token, 'Sold');
      await acquire(sold.id);
      await acquire(sold.id, 'ended');
      expect((await call('GET', `${o()}/${sold.id}`, viewer.token)).json().subscriberCount).toBe(1);
      res = await call('DELETE', `${o()}/${sold.id}`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'offer_acquired']);
      expect(res.json().message).toContain('archive it instead');
      expect((await call('POST', `${o()}/${sold.id}/archive`, editor.token)).statusCode).toBe(200);
      res = await call('DELETE', `${o()}/${sold.id}`, editor.token);
      expect([res.statusCode, res.json().code]).toEqual([409, 'offer_acquired']);
      expect(existsSync(sold.file.file)).toBe(true);
      const audit = await auditOf(env(), orgId, admin, { action: 'offers.delete' });
      expect(audit.map((e) => [e.outcome, e.reason])).toContainEqual(['denied', 'offer_acquired']);
    });

    it('keeps a connector used as a source from deletion, naming the offer, until the offer moves off it', async () => {
      const id = await createOffer(editor.token, {
        title: 'Fed from Exchange',
        kind: 'subscription',
        subscription: { source: { type: 'connector', connectorId: exchange, folder: 'incoming' } },
      });
      const detail = await call('GET', `/v1/orgs/${orgId}/connectors/${exchange}`, admin);
      const usage = { kind: 'offer-source', id, title: 'Fed from Exchange' };
      expect(detail.json().usages).toContainEqual(usage);
      // The list shows the same usages, looked up for the whole page.
      const listed = (await call('GET', `/v1/orgs/${orgId}/connectors`, admin)).json().items;
      expect(listed.find((c: { id: string }) => c.id === exchange).usages).toContainEqual(usage);
      let res = await call('DELETE', `/v1/orgs/${orgId}/connectors/${exchange}`, admin);
      expect([res.statusCode, res.json().code]).toEqual([409, 'connector_in_use']);
      expect(res.json().usages).toContainEqual(usage);
      expect(res.json().message).toContain(`offer-source "Fed from Exchange" (${id})`);
      expect((await call('POST', `${o()}/${id}/publish`, editor.token)).statusCode).toBe(200);
      expect((await call('POST', `${o()}/${id}/archive`, editor.token)).statusCode).toBe(200);
      // Archived, it still names its source.
      res = await call('DELETE', `/v1/orgs/${orgId}/connectors/${exchange}`, admin);
      expect([res.statusCode, res.json().code]).toEqual([409, 'connector_in_use']);
      res = await call('PATCH', `${o()}/${id}`, editor.token, { subscription: { source: { type: 'agent' } } });
      expect(res.statusCode, res.body).toBe(200);
      // The other offers reading from it (earlier tests) move off it too.
      for (const usage of (await call('GET', `/v1/orgs/${orgId}/connectors/${exchange}`, admin)).json().usages) {
        await env()
          .db.update(offers)
          .set({ sourceType: 'agent', sourceConnectorId: null, sourceFolder: null })
          .where(eq(offers.id, usage.id));
      }
      res = await call('DELETE', `/v1/orgs/${orgId}/connectors/${exchange}`, admin);
      expect(res.statusCode, res.body).toBe(204);
    });

    it("transfers or deletes a removed member's offers; an acquired one stops the deletion", async () => {
      const leaving = await addMember(env(), orgId, admin, 'editor');
      const kept = await createOffer(leaving.token, { title: 'Transferred', kind: 'one-shot' });
      let res = await call('DELETE', `/v1/orgs/${orgId}/members/${leaving.id}`, admin);
      expect([res.statusCode, res.json().code, res.json().ownedResourceCount]).toEqual([409, 'owned_resources', 1]);
      res = await call(
        'DELETE',
        `/v1/orgs/${orgId}/members/${leaving.id}?ownedResources=transfer&transferTo=${viewer.id}`,
        admin,
      );
      expect([res.statusCode, res.json().code]).toEqual([400, 'invalid_transfer_target']);
      res = await call(
        'DELETE',
        `/v1/orgs/${orgId}/members/${leaving.id}?ownedResources=transfer&transferTo=${editor.id}`,
        admin,
      );
      expect(res.statusCode, res.body).toBe(204);
      expect((await call('GET', `${o()}/${kept}`, admin)).json().owner).toEqual({ type: 'user', id: editor.id });

      // An admin owning a connector and an offer fed by it: deleting both works (the offer goes first).
      const second = await addMember(env(), orgId, admin, 'admin');
      const connector = await call('POST', `/v1/orgs/${orgId}/connectors`, second.token, {
        name: 'Second folder',
        kind: 'local',
        options: { root: tempDir('ferry-second-') },
      });
      const fed = await createOffer(second.token, {
        title: 'Fed',
        kind: 'subscription',
        subscription: { source: { type: 'connector', connectorId: connector.json().id, folder: '' } },
      });
      const sold = await publishedOneShot(second.token, 'Sold by second');
      await acquire(sold.id);
      res = await call('DELETE', `/v1/orgs/${orgId}/members/${second.id}?ownedResources=delete`, admin);
      expect([res.statusCode, res.json().code]).toEqual([409, 'offer_acquired']);
      expect(res.json().message).toContain('Sold by second');
      // Nothing of the removal happened.
      expect((await call('GET', `/v1/orgs/${orgId}/members/${second.id}`, admin)).statusCode).toBe(200);
      expect((await call('GET', `${o()}/${fed}`, admin)).statusCode).toBe(200);
      await env()
        .db.update(ownedResources)
        .set({ ownerId: adminId })
        .where(and(eq(ownedResources.kind, 'offer'), eq(ownedResources.resourceId, sold.id)));
      res = await call('DELETE', `/v1/orgs/${orgId}/members/${second.id}?ownedResources=delete`, admin);
      expect(res.statusCode, res.body).toBe(204);
      expect((await call('GET', `${o()}/${fed}`, admin)).statusCode).toBe(404);
      expect((await call('GET', `/v1/orgs/${orgId}/connectors/${connector.json().id}`, admin)).statusCode).toBe(404);
      expect((await call('GET', `${o()}/${sold.id}`, admin)).statusCode).toBe(200);
    });

    it('documents every offer route in the OpenAPI document with its summary and bearer security', async () => {
      const doc = (await env().call('GET', '/v1/openapi.json')).json();
      for (const route of Object.values(API.offers)) {
        const openApiPath = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
        const operation = doc.paths[openApiPath]?.[route.method.toLowerCase()];
        expect([openApiPath, route.method, operation?.summary]).toEqual([openApiPath, route.method, route.summary]);
        expect(operation.security).toEqual([{ bearer: [] }]);
        expect(operation.tags).toEqual(['offers']);
      }
    });
  },
  () => {
    storage = tempDir('ferry-offer-storage-');
    return { offerStorage: { kind: 'local', folder: storage } };
  },
);

async function queued(e: TestEnv, queue: string): Promise<number> {
  const result = await e.db.execute(sql`select count(*)::int as n from pgboss.job where name = ${queue}`);
  return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);
}
