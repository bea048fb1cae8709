// Acquisitions over offers made through the offers routes, on PGlite and PostgreSQL: a draft is not in the catalog;
// once published a buyer subscribes with "last 1" history; a staged file reaches the feed when the provider approves
// it; a file the provider removes leaves the feed and its downloads; an archived offer leaves the catalog while the
// acquisition keeps its files.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { addOfferFile } from '../../../platform/offers/offer-file-ledger';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addMember, forEachDatabase, PASSWORD, setUp, type TestEnv } from '../platform-harness';

const storage = mkdtempSync(path.join(os.tmpdir(), 'ferry-acquisitions-flow-'));
afterAll(() => rmSync(storage, { recursive: true, force: true }));

// The deliveries job the ledger queues is not this suite's subject.
const jobs = { send: async () => undefined } as unknown as JobsRuntime;

async function addFile(env: TestEnv, orgId: string, offerId: string, name: string, pending: boolean) {
  const key = `flow/${randomUUID()}`;
  mkdirSync(path.join(storage, 'flow'), { recursive: true });
  writeFileSync(path.join(storage, key), name);
  return env.db.transaction((tx) =>
    addOfferFile(
      tx,
      { now: env.clock.now, jobs },
      {
        offerId,
        orgId,
        path: name,
        size: Buffer.byteLength(name),
        sha256: createHash('sha256').update(name).digest('hex'),
        storageKey: key,
        origin: 'agent',
        pending,
      },
    ),
  );
}

forEachDatabase(
  (env) => {
    it('follows an offer from draft to archive as a buyer sees it', async () => {
      const call = (method: string, url: string, token: string, body?: unknown) =>
        env().call(method, url, { token, body });
      const acme = await setUp(env());
      // The buyer organisation: a person invited to Acme creates Beta, then leaves Acme and signs in again.
      const person = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
      const beta = (await call('POST', '/v1/orgs', person.token, { name: 'Beta' })).json().id as string;
      await call('DELETE', `/v1/orgs/${acme.orgId}/members/${person.id}`, acme.adminToken);
      const login = await env().call('POST', '/v1/auth/login', { body: { email: person.email, password: PASSWORD } });
      const buyer = login.json().token as string;

      const created = await call('POST', `/v1/orgs/${acme.orgId}/offers`, acme.adminToken, {
        title: 'Hourly readings',
        kind: 'subscription',
        subscription: { source: { type: 'agent' }, staging: true, historyPolicy: { type: 'last', count: 1 } },
      });
      expect(created.statusCode, created.body).toBe(201);
      const offerId = created.json().id as string;
      const catalogOne = `/v1/orgs/${beta}/catalog/${offerId}`;
      expect((await call('GET', catalogOne, buyer)).statusCode).toBe(404);
      const early = await call('POST', `/v1/orgs/${beta}/acquisitions`, buyer, { offerId, months: 1 });
      expect([early.statusCode, early.json().code]).toEqual([404, 'not_found']);

      await addFile(env(), acme.orgId, offerId, 'r1.csv', false);
      const r2 = await addFile(env(), acme.orgId, offerId, 'r2.csv', false);
      const published = await call('POST', `/v1/orgs/${acme.orgId}/offers/${offerId}/publish`, acme.adminToken);
      expect(published.statusCode, published.body).toBe(200);
      const listed = await call('GET', catalogOne, buyer);
      expect(listed.statusCode, listed.body).toBe(200);
      expect(listed.json()).toMatchObject({
        fileCount: 2,
        history: { policy: 'last', count: 1 },
        kind: 'subscription',
      });

      const acquired = await call('POST', `/v1/orgs/${beta}/acquisitions`, buyer, { offerId, months: 1 });
      expect(acquired.statusCode, acquired.body).toBe(201);
      const base = `/v1/orgs/${beta}/acquisitions/${acquired.json().id}`;
      const feed = async () =>
        ((await call('GET', `${base}/files`, buyer)).json().items as Array<{ name: string }>).map((f) => f.name);
      expect(await feed()).toEqual(['r2.csv']);

      // Staged: pending until the provider approves it.
      const r3 = await addFile(env(), acme.orgId, offerId, 'r3.csv', true);
      expect(await feed()).toEqual(['r2.csv']);
      const approved = await call('POST', `/v1/orgs/${acme.orgId}/offers/${offerId}/files/approve`, acme.adminToken, {
        fileIds: [r3],
      });
      expect(approved.statusCode, approved.body).toBe(200);
      expect(await feed()).toEqual(['r2.csv', 'r3.csv']);

      // Removed by the provider: out of the feed, no more downloads.
      expect((await call('GET', `${base}/files/${r2}/content`, buyer)).body).toBe('r2.csv');
      const removed = await call('DELETE', `/v1/orgs/${acme.orgId}/offers/${offerId}/files/${r2}`, acme.adminToken);
      expect(removed.statusCode, removed.body).toBe(204);
      expect(await feed()).toEqual(['r3.csv']);
      expect((await call('GET', `${base}/files/${r2}/content`, buyer)).statusCode).toBe(404);

      // Archived: gone from the catalog, not acquired again, while the acquisition keeps its files.
      const archived = await call('POST', `/v1/orgs/${acme.orgId}/offers/${offerId}/archive`, acme.adminToken);
      expect(archived.statusCode, archived.body).toBe(200);
      expect((await call('GET', catalogOne, buyer)).statusCode).toBe(404);
      expect(await feed()).toEqual(['r3.csv']);
      expect((await call('GET', `${base}/files/${r3}/content`, buyer)).body).toBe('r3.csv');
      expect((await call('POST', `${base}/cancel`, buyer)).statusCode).toBe(200);
      const again = await call('POST', `/v1/orgs/${beta}/acquisitions`, buyer, { offerId, months: 1 });
      expect([again.statusCode, again.json().code]).toEqual([404, 'not_found']);
    });
  },
  () => ({ offerStorage: { kind: 'local', folder: storage } }),
);
