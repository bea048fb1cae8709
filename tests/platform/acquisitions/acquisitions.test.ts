// Catalog and acquisitions through the API on PGlite and PostgreSQL: what the catalog lists, the entitlement rule
// (one-shot, subscription history all / last N / none, period end, cancel), the change feed's cursor, a file made
// available while an acquisition is being made, isolation between buyers and from the provider, downloads and links.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { acquisitions, offerFiles, offers } from '../../../platform/db/schema';
import { addOfferFile } from '../../../platform/offers/offer-file-ledger';
import { addMonths } from '../../../platform/acquisitions/acquisition-service';
import { downloadLinkKeyIdsInUse } from '../../../platform/acquisitions/acquisition-files';
import { sealedKeyId } from '../../../platform/auth/token-sealer';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addApiKey, addMember, auditOf, forEachDatabase, PASSWORD, setUp, type TestEnv } from '../platform-harness';

const storage = mkdtempSync(path.join(os.tmpdir(), 'ferry-acquisitions-'));
afterAll(() => rmSync(storage, { recursive: true, force: true }));

const DAY = 86_400_000;
// The deliveries job the ledger queues is not this suite's subject: sends are counted, not run.
const sent: string[] = [];
const jobs = {
  send: async (_queue: unknown, data: { offerId: string }) => void sent.push(data.offerId),
} as unknown as JobsRuntime;

interface Org {
  readonly id: string;
  readonly admin: string;
}

/** A second organisation: a fresh person joins Acme through an invitation, creates it, then leaves Acme. */
async function otherOrg(env: TestEnv, acme: Org, name: string): Promise<Org> {
  const person = await addMember(env, acme.id, acme.admin, 'viewer');
  const created = await env.call('POST', '/v1/orgs', { token: person.token, body: { name } });
  expect(created.statusCode, created.body).toBe(201);
  const left = await env.call('DELETE', `/v1/orgs/${acme.id}/members/${person.id}`, { token: acme.admin });
  expect(left.statusCode, left.body).toBe(204);
  // Leaving ended the person's sessions: sign in again.
  const login = await env.call('POST', '/v1/auth/login', { body: { email: person.email, password: PASSWORD } });
  expect(login.statusCode, login.body).toBe(200);
  return { id: created.json().id, admin: login.json().token };
}

interface OfferSpec {
  readonly title: string;
  readonly kind?: 'one-shot' | 'subscription';
  readonly status?: 'draft' | 'published' | 'archived';
  readonly description?: string;
  readonly historyPolicy?: 'all' | 'last' | 'none';
  readonly historyCount?: number;
}

async function makeOffer(env: TestEnv, orgId: string, spec: OfferSpec): Promise<string> {
  const id = `off_${randomUUID().replaceAll('-', '').slice(0, 22)}`;
  const now = env.clock.now();
  const status = spec.status ?? 'published';
  await env.db.insert(offers).values({
    id,
    orgId,
    title: spec.title,
    description: spec.description ?? '',
    kind: spec.kind ?? 'subscription',
    status,
    maxFileSize: 1 << 30,
    historyPolicy: spec.historyPolicy ?? 'all',
    historyCount: spec.historyCount ?? null,
    deliveryFrequency: 'daily',
    createdAt: now,
    updatedAt: now,
    publishedAt: status === 'draft' ? null : now,
    archivedAt: status === 'archived' ? now : null,
  });
  return id;
}

/** Stores `content` in the offer storage and adds it to the offer through the ledger (available at once). */
async function addFile(env: TestEnv, orgId: string, offerId: string, name: string, content = `data of ${name}\n`) {
  const key = `test/${randomUUID()}`;
  mkdirSync(path.join(storage, 'test'), { recursive: true });
  writeFileSync(path.join(storage, key), content);
  const ledger = { now: env.clock.now, jobs };
  return env.db.transaction((tx) =>
    addOfferFile(tx, ledger, {
      offerId,
      orgId,
      path: `2026/${name}`,
      size: Buffer.byteLength(content),
      sha256: createHash('sha256').update(content).digest('hex'),
      storageKey: key,
      origin: 'upload',
      pending: false,
    }),
  );
}

forEachDatabase(
  (env) => {
    let acme: Org;
    let beta: Org;
    let gamma: Org;
    let betaEditor: string;
    let betaViewer: string;
    let acmeEditor: string;
    let acmeViewer: string;
    const call = (method: string, url: string, token?: string, body?: unknown) =>
      env().call(method, url, { ...(token !== undefined ? { token } : {}), body });
    const acq = (org: Org) => `/v1/orgs/${org.id}/acquisitions`;
    const feedNames = async (org: Org, acquisitionId: string, token = org.admin) => {
      const res = await call('GET', `${acq(org)}/${acquisitionId}/files?limit=1000`, token);
      expect(res.statusCode, res.body).toBe(200);
      return (res.json().items as Array<{ name: string }>).map((f) => f.name);
    };
    const acquire = async (org: Org, token: string, body: object) => {
      const res = await call('POST', acq(org), token, body);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    };

    it('sets up a provider and two buyer organisations', async () => {
      const setup = await setUp(env());
      acme = { id: setup.orgId, admin: setup.adminToken };
      beta = await otherOrg(env(), acme, 'Beta Buyers');
      gamma = await otherOrg(env(), acme, 'Gamma Buyers');
      betaEditor = (await addMember(env(), beta.id, beta.admin, 'editor')).token;
      betaViewer = (await addMember(env(), beta.id, beta.admin, 'viewer')).token;
      acmeEditor = (await addMember(env(), acme.id, acme.admin, 'editor')).token;
      acmeViewer = (await addMember(env(), acme.id, acme.admin, 'viewer')).token;
    });

    let prices: string;
    let weather: string;
    let draft: string;
    let archived: string;
    let betaOwn: string;

    it("lists other organisations' published offers only, with provider, files and size; search and kind", async () => {
      prices = await makeOffer(env(), acme.id, {
        title: 'Daily prices',
        description: 'Closing prices of every market',
        kind: 'subscription',
      });
      weather = await makeOffer(env(), acme.id, { title: 'Weather archive 2025', kind: 'one-shot' });
      draft = await makeOffer(env(), acme.id, { title: 'Unfinished prices', status: 'draft' });
      archived = await makeOffer(env(), acme.id, { title: 'Old prices', status: 'archived' });
      betaOwn = await makeOffer(env(), beta.id, { title: "Beta's own prices" });
      await addFile(env(), acme.id, weather, 'jan.csv', '12345');
      await addFile(env(), acme.id, weather, 'feb.csv', '1234567');

      const res = await call('GET', `/v1/orgs/${beta.id}/catalog`, betaViewer);
      expect(res.statusCode, res.body).toBe(200);
      const page = res.json();
      expect(page.items.map((o: { id: string }) => o.id)).toEqual([prices, weather]);
      expect(page.total).toBe(2);
      expect(page.items[1]).toEqual({
        id: weather,
        provider: { id: acme.id, name: 'Acme' },
        kind: 'one-shot',
        title: 'Weather archive 2025',
        description: '',
        fileCount: 2,
        totalSize: 12,
        deliverySchedule: { frequency: 'daily', firstDeliveryAt: null },
        history: { policy: 'all', count: null },
        publishedAt: expect.any(String),
        activeAcquisitionId: null,
      });

      const search = await call('GET', `/v1/orgs/${beta.id}/catalog?q=market`, betaViewer);
      expect(search.json().items.map((o: { id: string }) => o.id)).toEqual([prices]);
      const byTitle = await call('GET', `/v1/orgs/${beta.id}/catalog?q=PRICES`, betaViewer);
      expect(byTitle.json().items.map((o: { id: string }) => o.id)).toEqual([prices]);
      const oneShots = await call('GET', `/v1/orgs/${beta.id}/catalog?kind=one-shot`, betaViewer);
      expect(oneShots.json().items.map((o: { id: string }) => o.id)).toEqual([weather]);
      // The provider sees Beta's offer, not its own.
      const fromAcme = await call('GET', `/v1/orgs/${acme.id}/catalog`, acmeViewer);
      expect(fromAcme.json().items.map((o: { id: string }) => o.id)).toEqual([betaOwn]);

      expect((await call('GET', `/v1/orgs/${beta.id}/catalog/${weather}`, betaViewer)).json().fileCount).toBe(2);
      for (const hidden of [draft, archived, betaOwn, 'off_doesnotexist']) {
        const one = await call('GET', `/v1/orgs/${beta.id}/catalog/${hidden}`, betaViewer);
        expect([hidden, one.statusCode, one.json().code]).toEqual([hidden, 404, 'not_found']);
      }
    });

    let weatherAcq: string;

    it('acquires a one-shot offer: its files at that moment, not the ones added later', async () => {
      const created = await acquire(beta, betaEditor, { offerId: weather });
      weatherAcq = created.id;
      expect(created).toMatchObject({
        offer: { id: weather, title: 'Weather archive 2025' },
        provider: { id: acme.id, name: 'Acme' },
        kind: 'one-shot',
        status: 'active',
        periodEnd: null,
        entitledFiles: 2,
      });
      await addFile(env(), acme.id, weather, 'mar.csv');
      expect(await feedNames(beta, weatherAcq)).toEqual(['jan.csv', 'feb.csv']);
      expect((await call('GET', `${acq(beta)}/${weatherAcq}`, betaViewer)).json().entitledFiles).toBe(2);
      const catalog = await call('GET', `/v1/orgs/${beta.id}/catalog/${weather}`, betaViewer);
      expect(catalog.json().activeAcquisitionId).toBe(weatherAcq);
      const audit = await auditOf(env(), beta.id, beta.admin, { action: 'acquisitions.create' });
      expect(audit[0]).toMatchObject({ targetType: 'acquisition', targetId: weatherAcq, outcome: 'success' });
    });

    it('refuses viewers, viewer keys, own offers, drafts, archived offers and a second active acquisition', async () => {
      const viewer = await call('POST', acq(beta), betaViewer, { offerId: prices, months: 1 });
      expect([viewer.statusCode, viewer.json().code]).toEqual([403, 'forbidden']);
      const viewerKey = await addApiKey(env(), beta.id, beta.admin, 'viewer');
      const byKey = await call('POST', acq(beta), viewerKey.secret, { offerId: prices, months: 1 });
      expect([byKey.statusCode, byKey.json().code]).toEqual([403, 'forbidden']);
      const own = await call('POST', acq(beta), betaEditor, { offerId: betaOwn, months: 1 });
      expect([own.statusCode, own.json().code]).toEqual([409, 'own_offer']);
      for (const offerId of [draft, archived, 'off_doesnotexist']) {
        const res = await call('POST', acq(beta), betaEditor, { offerId, months: 1 });
        expect([offerId, res.statusCode, res.json().code]).toEqual([offerId, 404, 'not_found']);
      }
      const again = await call('POST', acq(beta), beta.admin, { offerId: weather });
      expect([again.statusCode, again.json().code]).toEqual([409, 'already_acquired']);
      const periodless = await call('POST', acq(beta), betaEditor, { offerId: prices });
      expect([periodless.statusCode, periodless.json().code]).toEqual([400, 'validation_failed']);
      const past = new Date(env().clock.now().getTime() - DAY).toISOString();
      const ended = await call('POST', acq(beta), betaEditor, { offerId: prices, periodEnd: past });
      expect([ended.statusCode, ended.json().code]).toEqual([400, 'validation_failed']);
      const oneShotPeriod = await call('POST', acq(gamma), gamma.admin, { offerId: weather, months: 2 });
      expect([oneShotPeriod.statusCode, oneShotPeriod.json().code]).toEqual([400, 'validation_failed']);
      const list = await call('GET', acq(beta), beta.admin);
      expect(list.json().items.map((a: { id: string }) => a.id)).toEqual([weatherAcq]);
      const denied = await auditOf(env(), beta.id, beta.admin, { action: 'acquisitions.create', outcome: 'denied' });
      expect(denied.length).toBeGreaterThanOrEqual(3);
    });

    it('subscriptions follow the history policy (all, last 2, none) and get every file added during the period', async () => {
      const policies = [
        { policy: 'all', count: undefined, expected: ['h1.csv', 'h2.csv', 'h3.csv', 'new.csv'] },
        { policy: 'last', count: 2, expected: ['h2.csv', 'h3.csv', 'new.csv'] },
        { policy: 'none', count: undefined, expected: ['new.csv'] },
      ] as const;
      const key = await addApiKey(env(), beta.id, beta.admin, 'editor');
      for (const { policy, count, expected } of policies) {
        const offerId = await makeOffer(env(), acme.id, {
          title: `History ${policy}`,
          historyPolicy: policy,
          ...(count !== undefined ? { historyCount: count } : {}),
        });
        for (const name of ['h1.csv', 'gone.csv', 'h2.csv', 'h3.csv']) await addFile(env(), acme.id, offerId, name);
        // A removed file is never entitled nor counted among the last N.
        await env().db.update(offerFiles).set({ status: 'removed' }).where(eq(offerFiles.name, 'gone.csv'));
        const created = await acquire(beta, key.secret, { offerId, months: 3 });
        expect(created.acquiredBy.type).toBe('api-key');
        await addFile(env(), acme.id, offerId, 'new.csv');
        expect([policy, await feedNames(beta, created.id)]).toEqual([policy, expected]);
      }
    });

    let pricesAcq: string;

    it('a subscription entitles nothing made available after its period ends, and shows as ended then', async () => {
      await addFile(env(), acme.id, prices, 'p1.csv');
      const end = new Date(env().clock.now().getTime() + 10 * DAY);
      const created = await acquire(beta, betaEditor, { offerId: prices, periodEnd: end.toISOString() });
      pricesAcq = created.id;
      expect(created).toMatchObject({ kind: 'subscription', status: 'active', periodEnd: end.toISOString() });
      await addFile(env(), acme.id, prices, 'p2.csv');
      env().clock.advance(11 * DAY);
      await addFile(env(), acme.id, prices, 'p3.csv');
      expect(await feedNames(beta, pricesAcq)).toEqual(['p1.csv', 'p2.csv']);
      expect((await call('GET', `${acq(beta)}/${pricesAcq}`, betaViewer)).json().status).toBe('ended');
      const ended = await call('GET', `${acq(beta)}?status=ended`, betaViewer);
      expect(ended.json().items.map((a: { id: string }) => a.id)).toEqual([pricesAcq]);
      const active = await call('GET', `${acq(beta)}?status=active`, betaViewer);
      expect(active.json().items.map((a: { id: string }) => a.id)).not.toContain(pricesAcq);
      // Once ended it may be acquired again, from now on.
      const renewed = await acquire(beta, betaEditor, { offerId: prices, months: 1 });
      expect(await feedNames(beta, renewed.id)).toEqual(['p1.csv', 'p2.csv', 'p3.csv']);
    });

    it('the change feed pages by cursor; a file added between two pages is not skipped', async () => {
      const offerId = await makeOffer(env(), acme.id, { title: 'Feed' });
      for (const name of ['f1', 'f2', 'f3']) await addFile(env(), acme.id, offerId, name);
      const { id } = await acquire(gamma, gamma.admin, { offerId, months: 1 });
      const page = async (after: number) => {
        const res = await call('GET', `${acq(gamma)}/${id}/files?after=${after}&limit=2`, gamma.admin);
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      };
      const first = await page(0);
      expect(first.items.map((f: { name: string }) => f.name)).toEqual(['f1', 'f2']);
      expect(first.hasMore).toBe(true);
      expect(first.items[0]).toMatchObject({
        fileId: expect.stringMatching(/^ofl_/),
        path: '2026/f1',
        size: Buffer.byteLength('data of f1\n'),
        sha256: createHash('sha256').update('data of f1\n').digest('hex'),
        availableAt: expect.any(String),
      });
      await addFile(env(), acme.id, offerId, 'f4');
      const second = await page(first.nextCursor);
      expect(second.items.map((f: { name: string }) => f.name)).toEqual(['f3', 'f4']);
      const third = await page(second.nextCursor);
      expect(third).toEqual({ items: [], nextCursor: second.nextCursor, hasMore: false });
      await addFile(env(), acme.id, offerId, 'f5');
      expect((await page(third.nextCursor)).items.map((f: { name: string }) => f.name)).toEqual(['f5']);
    });

    it('an acquisition made while a file is becoming available waits for it: the file is wholly in, never half', async () => {
      const offerId = await makeOffer(env(), acme.id, { title: 'Race', kind: 'one-shot' });
      await addFile(env(), acme.id, offerId, 'before.csv');
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const order: string[] = [];
      // The ledger's transaction holds the offer row's lock until released.
      const adding = env().db.transaction(async (tx) => {
        const key = `test/${randomUUID()}`;
        writeFileSync(path.join(storage, key), 'racing');
        await addOfferFile(
          tx,
          { now: env().clock.now, jobs },
          {
            offerId,
            orgId: acme.id,
            path: 'racing.csv',
            size: 6,
            sha256: createHash('sha256').update('racing').digest('hex'),
            storageKey: key,
            origin: 'upload',
            pending: false,
          },
        );
        locked();
        await held;
        order.push('file committed');
      });
      await lockTaken;
      const acquiring = call('POST', acq(gamma), gamma.admin, { offerId }).then((res) => {
        order.push('acquired');
        return res;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await adding;
      const res = await acquiring;
      expect(res.statusCode, res.body).toBe(201);
      expect(order).toEqual(['file committed', 'acquired']);
      expect(res.json().entitledFiles).toBe(2);
      expect(await feedNames(gamma, res.json().id)).toEqual(['before.csv', 'racing.csv']);
      const [row] = await env().db.select().from(acquisitions).where(eq(acquisitions.id, res.json().id));
      expect(row!.untilSeq).toBe(2);
    });

    it('two acquisitions of one offer sent at once: one is made, the other refused already_acquired', async () => {
      const offerId = await makeOffer(env(), acme.id, { title: 'Twice' });
      // Both requests arrive while the offer row is locked (as a file being added locks it), then go on together.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockTaken = new Promise<void>((resolve) => (locked = resolve));
      const holding = env().db.transaction(async (tx) => {
        await tx.select().from(offers).where(eq(offers.id, offerId)).for('update');
        locked();
        await held;
      });
      await lockTaken;
      const sending = Promise.all([1, 2].map(() => call('POST', acq(gamma), gamma.admin, { offerId, months: 1 })));
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await holding;
      const both = await sending;
      expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
      const made = await env().db.select().from(acquisitions).where(eq(acquisitions.offerId, offerId));
      expect(made).toHaveLength(1);
    });

    it("months count calendar months, keeping the day or taking the shorter month's last", () => {
      expect(addMonths(new Date('2026-01-31T10:00:00Z'), 1).toISOString()).toBe('2026-02-28T10:00:00.000Z');
      expect(addMonths(new Date('2026-11-15T00:00:00Z'), 3).toISOString()).toBe('2027-02-15T00:00:00.000Z');
    });

    it('another buyer gets not_found on my acquisition; it never appears in its list', async () => {
      const base = `${acq(gamma)}/${weatherAcq}`;
      for (const [method, url] of [
        ['GET', base],
        ['GET', `${base}/files`],
        ['POST', `${base}/cancel`],
        ['DELETE', base],
      ] as const) {
        const res = await call(method, url, gamma.admin);
        expect([method, url, res.statusCode, res.json().code]).toEqual([method, url, 404, 'not_found']);
      }
      // Beta's own URL with Gamma's token: not a member of Beta.
      const foreign = await call('GET', `${acq(beta)}/${weatherAcq}`, gamma.admin);
      expect(foreign.statusCode).toBe(404);
      const list = await call('GET', acq(gamma), gamma.admin);
      expect(list.json().items.map((a: { id: string }) => a.id)).not.toContain(weatherAcq);
    });

    it("the provider sees who acquired its offer, not the buyers' acquisitions themselves", async () => {
      const res = await call('GET', `/v1/orgs/${acme.id}/offers/${weather}/acquisitions`, acmeEditor);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ total: 1 });
      expect(res.json().items[0]).toEqual({
        id: weatherAcq,
        buyer: { id: beta.id, name: 'Beta Buyers' },
        kind: 'one-shot',
        status: 'active',
        periodStart: expect.any(String),
        periodEnd: null,
        acquiredAt: expect.any(String),
        entitledFiles: 2,
      });
      const viewer = await call('GET', `/v1/orgs/${acme.id}/offers/${weather}/acquisitions`, acmeViewer);
      expect([viewer.statusCode, viewer.json().code]).toEqual([403, 'forbidden']);
      // Not through the buyer's routes, not for another organisation's offer.
      const asBuyer = await call('GET', `${acq(acme)}/${weatherAcq}`, acme.admin);
      expect(asBuyer.statusCode).toBe(404);
      const notMine = await call('GET', `/v1/orgs/${beta.id}/offers/${weather}/acquisitions`, beta.admin);
      expect([notMine.statusCode, notMine.json().code]).toEqual([404, 'not_found']);
      const acmeList = await call('GET', acq(acme), acme.admin);
      expect(acmeList.json().items).toEqual([]);
    });

    let link: string;
    let janId: string;

    it('members download entitled files with Range and the hash; others and unentitled files get not_found', async () => {
      const [jan] = await env().db.select().from(offerFiles).where(eq(offerFiles.offerId, weather));
      janId = jan!.id;
      const url = `${acq(beta)}/${weatherAcq}/files/${janId}/content`;
      const whole = await call('GET', url, betaViewer);
      expect(whole.statusCode, whole.body).toBe(200);
      expect(whole.body).toBe('12345');
      expect(whole.headers.etag).toBe(`"${createHash('sha256').update('12345').digest('hex')}"`);
      const part = await env().app.inject({
        method: 'GET',
        url,
        headers: { authorization: `Bearer ${betaViewer}`, range: 'bytes=1-2' },
      });
      expect([part.statusCode, part.body]).toEqual([206, '23']);
      const head = await env().app.inject({ method: 'HEAD', url, headers: { authorization: `Bearer ${betaViewer}` } });
      expect([head.statusCode, head.headers['content-length'], head.body]).toEqual([200, '5', '']);
      const unauthenticated = await env().app.inject({ method: 'GET', url });
      expect(unauthenticated.statusCode).toBe(401);
      const [mar] = await env().db.select().from(offerFiles).where(eq(offerFiles.name, 'mar.csv'));
      const unentitled = await call('GET', `${acq(beta)}/${weatherAcq}/files/${mar!.id}/content`, betaViewer);
      expect([unentitled.statusCode, unentitled.json().code]).toEqual([404, 'not_found']);
      const foreign = await call('GET', `${acq(gamma)}/${weatherAcq}/files/${janId}/content`, gamma.admin);
      expect(foreign.statusCode).toBe(404);
    });

    it('a download link works without signing in for 30 days, audited in the buyer organisation', async () => {
      const res = await call('POST', `${acq(beta)}/${weatherAcq}/files/${janId}/link`, betaViewer);
      expect(res.statusCode, res.body).toBe(201);
      link = new URL(res.json().url).pathname;
      expect(link).toMatch(/^\/v1\/downloads\//);
      expect(link).not.toContain(weatherAcq);
      expect(link).not.toContain(janId);
      const expires = new Date(res.json().expiresAt).getTime() - env().clock.now().getTime();
      expect(Math.abs(expires - 30 * DAY)).toBeLessThan(5_000);
      const download = await env().app.inject({ method: 'GET', url: link });
      expect([download.statusCode, download.body]).toEqual([200, '12345']);
      const ranged = await env().app.inject({ method: 'GET', url: link, headers: { range: 'bytes=-2' } });
      expect([ranged.statusCode, ranged.body]).toEqual([206, '45']);
      const head = await env().app.inject({ method: 'HEAD', url: link });
      expect([head.statusCode, head.headers['content-length'], head.body]).toEqual([200, '5', '']);
      const altered = await env().app.inject({ method: 'GET', url: `${link.slice(0, -3)}AAA` });
      expect([altered.statusCode, altered.json().code]).toEqual([410, 'download_link_invalid']);
      const audit = await auditOf(env(), beta.id, beta.admin);
      expect(audit.find((e) => e.action === 'downloads.link')).toMatchObject({
        targetType: 'acquisition',
        targetId: weatherAcq,
        outcome: 'success',
      });
      // Two downloads, each in the buyer's log; the HEAD only looked.
      const downloads = audit.filter((e) => e.action === 'downloads.download');
      expect(downloads).toHaveLength(2);
      expect(downloads[0]).toMatchObject({ principalType: 'anonymous', targetId: weatherAcq, outcome: 'success' });
      const acmeAudit = await auditOf(env(), acme.id, acme.admin);
      expect(acmeAudit.filter((e) => e.action?.startsWith('downloads.'))).toEqual([]);

      // The key version that sealed it is kept while the link works (the vault must not retire it before).
      const kekId = sealedKeyId(decodeURIComponent(link.slice('/v1/downloads/'.length)));
      expect(kekId).not.toBeNull();
      expect([...(await downloadLinkKeyIdsInUse(env().db, env().clock.now()))]).toContain(kekId);

      env().clock.advance(30 * DAY - 60_000);
      expect((await env().app.inject({ method: 'GET', url: link })).statusCode).toBe(200);
      env().clock.advance(120_000);
      const expired = await env().app.inject({ method: 'GET', url: link });
      expect([expired.statusCode, expired.json().code]).toEqual([410, 'download_link_invalid']);
      expect([...(await downloadLinkKeyIdsInUse(env().db, env().clock.now()))]).toEqual([]);
      const refusals = await auditOf(env(), beta.id, beta.admin, { action: 'downloads.download', outcome: 'denied' });
      expect(refusals[0]).toMatchObject({ reason: 'link_expired' });
    });

    it('a removed file or a cancelled acquisition refuses links and downloads; cancelling removes nothing', async () => {
      const fresh = await call('POST', `${acq(beta)}/${weatherAcq}/files/${janId}/link`, betaEditor);
      const freshLink = new URL(fresh.json().url).pathname;
      const [feb] = await env().db.select().from(offerFiles).where(eq(offerFiles.name, 'feb.csv'));
      const febLink = new URL(
        (await call('POST', `${acq(beta)}/${weatherAcq}/files/${feb!.id}/link`, betaEditor)).json().url,
      ).pathname;
      await env().db.update(offerFiles).set({ status: 'removed' }).where(eq(offerFiles.id, feb!.id));
      expect((await env().app.inject({ method: 'GET', url: febLink })).statusCode).toBe(410);
      expect((await env().app.inject({ method: 'GET', url: freshLink })).statusCode).toBe(200);

      const viewer = await call('POST', `${acq(beta)}/${weatherAcq}/cancel`, betaViewer);
      expect([viewer.statusCode, viewer.json().code]).toEqual([403, 'forbidden']);
      const cancelled = await call('DELETE', `${acq(beta)}/${weatherAcq}`, betaEditor);
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      expect(cancelled.json()).toMatchObject({ status: 'cancelled', entitledFiles: 1 });
      const again = await call('POST', `${acq(beta)}/${weatherAcq}/cancel`, betaEditor);
      expect([again.statusCode, again.json().code]).toEqual([409, 'acquisition_inactive']);

      const refused = await env().app.inject({ method: 'GET', url: freshLink });
      expect([refused.statusCode, refused.json().code]).toEqual([410, 'download_link_invalid']);
      const newLink = await call('POST', `${acq(beta)}/${weatherAcq}/files/${janId}/link`, betaEditor);
      expect([newLink.statusCode, newLink.json().code]).toEqual([409, 'acquisition_inactive']);
      const content = await call('GET', `${acq(beta)}/${weatherAcq}/files/${janId}/content`, betaEditor);
      expect(content.statusCode).toBe(409);
      // Still listed, still readable, its file rows untouched.
      expect(await feedNames(beta, weatherAcq)).toEqual(['jan.csv']);
      expect(await env().db.select().from(offerFiles).where(eq(offerFiles.offerId, weather))).toHaveLength(3);
      const cancels = await auditOf(env(), beta.id, beta.admin, { action: 'acquisitions.cancel' });
      expect(cancels.map((e) => e.outcome).sort()).toEqual(['denied', 'denied', 'success']);
      const refusals = await auditOf(env(), beta.id, beta.admin, { action: 'downloads.download', outcome: 'denied' });
      expect(refusals.map((e) => e.reason)).toEqual(
        expect.arrayContaining(['acquisition_cancelled', 'file_not_entitled']),
      );
      // The provider's view follows.
      const sales = await call('GET', `/v1/orgs/${acme.id}/offers/${weather}/acquisitions`, acme.admin);
      expect(sales.json().items[0]).toMatchObject({ id: weatherAcq, status: 'cancelled' });
      // Once cancelled, the offer may be acquired again.
      await acquire(beta, betaEditor, { offerId: weather });
    });
  },
  // Sessions outlive the clock moves (a period's end, a link's 30 days).
  () => ({ offerStorage: { kind: 'local', folder: storage }, sessionTtlMs: 400 * DAY }),
);
