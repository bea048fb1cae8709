// Automatic delivery through the API on PGlite and PostgreSQL: a buyer's local-folder connector receives an
// acquisition's files byte for byte with receipts; targets validated; desktop agents' acknowledgements recorded once;
// a provider or another organisation never sees the deliveries; a connector a target uses is not deleted.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addMember, auditOf, forEachDatabase, setUp, type TestEnv } from '../platform-harness';
import {
  addFile,
  eventually,
  filesUnder,
  insertAcquisition,
  insertOffer,
  senderJobs,
  sha256,
} from './delivery-fixtures';

const folders: string[] = [];
const temp = (prefix: string) => {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  folders.push(folder);
  return folder;
};
let storage = '';

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

forEachDatabase(
  (env: () => TestEnv) => {
    let buyer: string;
    let provider: string;
    let other: string;
    let token: string;
    let viewer: string;
    let outsider: string;
    let offer: { id: string; orgId: string };
    let acq: string;
    let connectorId: string;
    let drop: string;
    let jobs: JobsRuntime;
    const files: Record<string, { id: string; bytes: Buffer }> = {};
    const call = (method: string, url: string, body?: unknown, as = token) =>
      env().call(method, url, { token: as, body });
    const base = () => `/v1/orgs/${buyer}/acquisitions/${acq}`;
    const deliveriesOf = async (query = '') => {
      const res = await call('GET', `${base()}/deliveries${query}`);
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as { items: Array<Record<string, unknown> & { file: { id: string } }>; total: number };
    };
    const add = async (name: string, filePath: string, bytes: Buffer) => {
      files[name] = { id: await addFile(env().db, jobs, storage, offer, filePath, bytes), bytes };
    };

    afterAll(async () => {
      await jobs?.stop();
    });

    it('sets up a provider offer, a buyer acquisition and a buyer local-folder connector', async () => {
      const admin = await setUp(env(), 'Buyer Co');
      buyer = admin.orgId;
      token = admin.adminToken;
      provider = (await call('POST', '/v1/orgs', { name: 'Provider Co' })).json().id;
      other = (await call('POST', '/v1/orgs', { name: 'Other Buyer' })).json().id;
      viewer = (await addMember(env(), buyer, token, 'viewer')).token;
      outsider = (await addMember(env(), other, token, 'admin')).token;
      offer = { id: await insertOffer(env().db, provider, 'Daily: prices/EU'), orgId: provider };
      acq = await insertAcquisition(env().db, offer.id, provider, buyer, admin.adminId);
      jobs = await senderJobs(env().db);
      drop = temp('ferry-drop-');
      const created = await call('POST', `/v1/orgs/${buyer}/connectors`, {
        name: 'Drop folder',
        kind: 'local',
        options: { root: drop },
      });
      expect(created.statusCode, created.body).toBe(201);
      connectorId = created.json().id;
    });

    it('refuses unusable targets: a pattern with an unknown token, leaving the folder, naming no file', async () => {
      const cases: Array<[unknown, string]> = [
        [{ type: 'connector', connectorId, namingPattern: '{offer}/{nope}' }, 'body.namingPattern'],
        [{ type: 'connector', connectorId, namingPattern: '../{name}' }, 'body.namingPattern'],
        [{ type: 'connector', connectorId, namingPattern: '{offer}/{yyyy}' }, 'body.namingPattern'],
        [{ type: 'connector', connectorId, namingPattern: '{name' }, 'body.namingPattern'],
        [{ type: 'connector', connectorId, folder: '../up' }, 'body.folder'],
        [{ type: 'connector', connectorId: 'con_0000000000000000000000' }, 'body.connectorId'],
      ];
      for (const [body, field] of cases) {
        const res = await call('POST', `${base()}/targets`, body);
        expect([res.statusCode, res.json().code], res.body).toEqual([400, 'validation_failed']);
        expect(res.json().issues[0].path).toBe(field);
      }
      const byViewer = await call('POST', `${base()}/targets`, { type: 'agent' }, viewer);
      expect(byViewer.statusCode).toBe(403);
      // Another organisation's connector is not one of the buyer's.
      const foreign = await call('POST', `/v1/orgs/${other}/connectors`, {
        name: 'Theirs',
        kind: 'local',
        options: { root: temp('ferry-theirs-') },
      });
      const res = await call('POST', `${base()}/targets`, { type: 'connector', connectorId: foreign.json().id });
      expect([res.statusCode, res.json().issues?.[0]?.path]).toEqual([400, 'body.connectorId']);
    });

    it('delivers a file already entitled once a target is added: byte for byte, with its receipt', async () => {
      await add('prices', '2026/prices.csv', Buffer.from('day,price\n1,10\n2,11\n'));
      const created = await call('POST', `${base()}/targets`, {
        type: 'connector',
        connectorId,
        folder: 'incoming',
        namingPattern: '{offer}/{yyyy}/{name}',
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json()).toMatchObject({ type: 'connector', status: 'active', folder: 'incoming' });
      const row = await eventually(async () => {
        const page = await deliveriesOf('?status=delivered');
        return page.items.find((d) => d.file.id === files.prices!.id);
      });
      const year = new Date().getUTCFullYear();
      const where = `incoming/Daily- prices-EU/${year}/prices.csv`;
      expect(row).toMatchObject({ status: 'delivered', path: where, conflict: false });
      expect(row.receiptPath).toBe(`${where}.ferry-receipt.json`);
      expect(readFileSync(path.join(drop, where))).toEqual(files.prices!.bytes);
      const receipt = JSON.parse(readFileSync(path.join(drop, row.receiptPath as string), 'utf8'));
      expect(receipt).toMatchObject({
        file: { id: files.prices!.id, name: 'prices.csv', pathInOffer: '2026/prices.csv' },
        path: where,
        size: files.prices!.bytes.length,
        sha256: sha256(files.prices!.bytes),
        offer: { id: offer.id, title: 'Daily: prices/EU' },
        acquisition: { id: acq },
        providerOrgId: provider,
        buyerOrgId: buyer,
        deliveryId: row.id,
      });
      expect(filesUnder(drop)).toEqual([where, `${where}.ferry-receipt.json`]);
    });

    it('delivers a second file as soon as it becomes available', async () => {
      await add('volumes', 'volumes.csv', Buffer.alloc(300_000, 7));
      const row = await eventually(async () => {
        const page = await deliveriesOf('?status=delivered');
        return page.items.find((d) => d.file.id === files.volumes!.id);
      });
      expect(readFileSync(path.join(drop, row.path as string))).toEqual(files.volumes!.bytes);
      expect(filesUnder(drop).filter((f) => !f.endsWith('.ferry-receipt.json'))).toHaveLength(2);
      const audit = await auditOf(env(), buyer, token, { action: 'deliveries.delivered' });
      expect(audit).toHaveLength(2);
      expect(audit[0]).toMatchObject({ principalType: 'platform', targetType: 'delivery', outcome: 'success' });
    });

    it('refuses to delete the connector while a target uses it', async () => {
      const res = await call('DELETE', `/v1/orgs/${buyer}/connectors/${connectorId}`);
      expect([res.statusCode, res.json().code]).toEqual([409, 'connector_in_use']);
      expect(res.json().message).toContain('delivery-target "Daily: prices/EU"');
      expect(res.json().usages).toEqual([
        { kind: 'delivery-target', id: expect.stringMatching(/.+/), title: 'Daily: prices/EU' },
      ]);
    });

    it('records a desktop agent acknowledgement once, however often it is sent', async () => {
      const created = await call('POST', `${base()}/targets`, { type: 'agent', namingPattern: '{path}' });
      expect(created.statusCode, created.body).toBe(201);
      const agent = created.json().id as string;
      const waiting = await eventually(async () => {
        const page = await deliveriesOf(`?targetId=${agent}&status=pending`);
        return page.total === 2 ? page : undefined;
      });
      const first = waiting.items.find((d) => d.file.id === files.prices!.id)!;
      const ack = { path: 'Prices/2026/prices.csv', sha256: sha256(files.prices!.bytes), size: 20 };
      const once = await call('POST', `${base()}/deliveries/${first.id}/ack`, ack);
      expect(once.statusCode, once.body).toBe(200);
      expect(once.json()).toMatchObject({ status: 'delivered', path: ack.path, conflict: false });
      const twice = await call('POST', `${base()}/deliveries/${first.id}/ack`, { ...ack, path: 'elsewhere.csv' });
      expect(twice.json()).toEqual(once.json());
      const wrong = await call('POST', `${base()}/deliveries/${first.id}/ack`, { ...ack, sha256: 'a'.repeat(64) });
      expect([wrong.statusCode, wrong.json().code]).toEqual([400, 'validation_failed']);
      const byViewer = await call('POST', `${base()}/deliveries/${first.id}/ack`, ack, viewer);
      expect(byViewer.statusCode).toBe(403);

      const byFile = {
        fileId: files.volumes!.id,
        path: 'volumes.csv',
        sha256: sha256(files.volumes!.bytes),
        size: files.volumes!.bytes.length,
        conflict: true,
      };
      const a = await call('POST', `${base()}/targets/${agent}/acks`, byFile);
      expect(a.statusCode, a.body).toBe(200);
      const b = await call('POST', `${base()}/targets/${agent}/acks`, byFile);
      expect(b.json()).toEqual(a.json());
      expect(a.json()).toMatchObject({ status: 'delivered', conflict: true, targetId: agent });
      expect((await deliveriesOf(`?targetId=${agent}`)).total).toBe(2);
      const notEntitled = await call('POST', `${base()}/targets/${agent}/acks`, {
        ...byFile,
        fileId: 'ofl_0000000000000000000000',
      });
      expect([notEntitled.statusCode, notEntitled.json().issues?.[0]?.path]).toEqual([400, 'body.fileId']);

      // A connector target's deliveries are the platform's: an agent cannot claim them.
      const platformRow = (await deliveriesOf('?status=delivered')).items.find((d) => d.targetId !== agent)!;
      const claim = await call('POST', `${base()}/deliveries/${platformRow.id}/ack`, ack);
      expect([claim.statusCode, claim.json().code]).toEqual([400, 'validation_failed']);
      const patched = await call('PATCH', `${base()}/targets/${agent}`, { namingPattern: '{offer}/{mm}/{stem}{ext}' });
      expect(patched.json().namingPattern).toBe('{offer}/{mm}/{stem}{ext}');
      const bad = await call('PATCH', `${base()}/targets/${agent}`, { namingPattern: '{offer}/{mm}' });
      expect(bad.statusCode).toBe(400);
    });

    it('shows the deliveries to nobody but the buyer: not the provider, not another organisation', async () => {
      const asProvider = await call('GET', `/v1/orgs/${provider}/acquisitions/${acq}/deliveries`);
      expect([asProvider.statusCode, asProvider.json().code]).toEqual([404, 'not_found']);
      const targets = await call('GET', `/v1/orgs/${provider}/acquisitions/${acq}/targets`);
      expect(targets.statusCode).toBe(404);
      for (const org of [buyer, other]) {
        const list = await call('GET', `/v1/orgs/${org}/acquisitions/${acq}/deliveries`, undefined, outsider);
        expect(list.statusCode).toBe(404);
      }
      const anyRow = (await deliveriesOf()).items[0]!;
      const ack = { path: 'x.csv', sha256: 'a'.repeat(64), size: 1 };
      const foreignAck = await call(
        'POST',
        `/v1/orgs/${other}/acquisitions/${acq}/deliveries/${anyRow.id}/ack`,
        ack,
        outsider,
      );
      expect(foreignAck.statusCode).toBe(404);
      expect((await call('GET', `${base()}/deliveries`, undefined, viewer)).statusCode).toBe(200);
    });

    it('documents every delivery route in the OpenAPI document', async () => {
      const paths = Object.keys((await call('GET', '/v1/openapi.json')).json().paths);
      const acquisition = '/v1/orgs/{orgId}/acquisitions/{acquisitionId}';
      expect(paths).toEqual(
        expect.arrayContaining([
          `${acquisition}/targets`,
          `${acquisition}/targets/{targetId}`,
          `${acquisition}/targets/{targetId}/resume`,
          `${acquisition}/targets/{targetId}/acks`,
          `${acquisition}/deliveries`,
          `${acquisition}/deliveries/{deliveryId}/ack`,
        ]),
      );
    });

    it('deleting a target stops its deliveries and leaves the delivered files where they are', async () => {
      const list = (await call('GET', `${base()}/targets`)).json().items as Array<{ id: string; type: string }>;
      const target = list.find((t) => t.type === 'connector')!;
      const before = filesUnder(drop);
      const deleted = await call('DELETE', `${base()}/targets/${target.id}`);
      expect(deleted.statusCode, deleted.body).toBe(204);
      await add('late', 'late.csv', Buffer.from('late\n'));
      // The agent target still gets its row: proof the walk ran after the deletion.
      await eventually(async () => {
        const page = await deliveriesOf('?status=pending');
        return page.items.find((d) => d.file.id === files.late!.id);
      });
      expect(filesUnder(drop)).toEqual(before);
      expect((await call('GET', `${base()}/targets/${target.id}`)).statusCode).toBe(404);
      expect((await call('DELETE', `/v1/orgs/${buyer}/connectors/${connectorId}`)).statusCode).toBe(204);
    });
  },
  () => {
    storage = temp('ferry-offer-storage-');
    return {
      offerStorage: { kind: 'local', folder: storage },
      jobs: { pollingIntervalSeconds: 0.5 },
      deliveries: { retryDelaySeconds: 1, retryLimit: 2, pauseAfter: 3 },
    };
  },
);
