// Issue 12's routes (offers, uploads, imports, catalog, acquisitions, downloads, deliveries) x every principal: roles
// and API keys of the provider and of a buyer, another buyer, the provider against its buyers' resources. Each route
// of those API tables has an entry here (a route added without one fails the first test).
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { API, type ApiRoute, type Role, type RouteAccess } from '../../shared/platform';
import { addOfferFile } from '../../platform/offers/offer-file-ledger';
import { UPLOAD_ACCESS } from '../../platform/uploads/upload-routes';
import { OFFER_FILE_CONTENT_ACCESS } from '../../platform/uploads/offer-file-content';
import { eventually } from './deliveries/delivery-fixtures';
import { addApiKey, addMember, auditOf, forEachDatabase, PASSWORD, type TestEnv } from './platform-harness';

const storage = mkdtempSync(path.join(os.tmpdir(), 'ferry-matrix-offers-'));
const folders = { acme: path.join(storage, 'acme'), beta: path.join(storage, 'beta'), gamma: path.join(storage, 'g') };
afterAll(() => rmSync(storage, { recursive: true, force: true }));

/** The API tables of issue 12: every route of these must have a matrix entry. */
const TABLES = {
  offers: API.offers,
  imports: API.imports,
  catalog: API.catalog,
  acquisitions: API.acquisitions,
  deliveries: API.deliveries,
} as const;

/** Routes mounted outside the tables (tus uploads, the provider's file content), with their access. */
const EXTRA: Record<string, { method: string; path: string; access: RouteAccess }> = {
  'uploads.create': { method: 'POST', path: '/v1/orgs/:orgId/offers/:offerId/uploads', access: UPLOAD_ACCESS },
  'uploads.head': { method: 'HEAD', path: '/v1/orgs/:orgId/offers/:offerId/uploads/:uploadId', access: UPLOAD_ACCESS },
  'uploads.patch': {
    method: 'PATCH',
    path: '/v1/orgs/:orgId/offers/:offerId/uploads/:uploadId',
    access: UPLOAD_ACCESS,
  },
  'uploads.delete': {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/offers/:offerId/uploads/:uploadId',
    access: UPLOAD_ACCESS,
  },
  'offers.content': {
    method: 'GET',
    path: '/v1/orgs/:orgId/offers/:offerId/files/:fileId/content',
    access: OFFER_FILE_CONTENT_ACCESS,
  },
};

type Who = 'admin' | 'editor' | 'viewer' | 'editorKey' | 'viewerKey';
const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };
const ROLE_OF: Record<Who, Role> = {
  admin: 'admin',
  editor: 'editor',
  viewer: 'viewer',
  editorKey: 'editor',
  viewerKey: 'viewer',
};

/** One call of a route: in the provider's (Acme) or the buyer's (Beta) organisation; `url` takes the org ID. */
interface Entry {
  readonly route: string;
  readonly side: 'provider' | 'buyer';
  readonly method: string;
  readonly url: (orgId: string) => string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** The success of the control call, and who makes it (after every refusal; order matters). */
  readonly control: { readonly status: number; readonly as: Who };
  /** Whether the URL names a resource of its organisation (then another organisation's own URL must not reach it). */
  readonly ids: boolean;
}

interface Principal {
  readonly id: string;
  readonly token: string;
}

const sha = (bytes: string) => createHash('sha256').update(bytes).digest('hex');
const tusMeta = (values: Record<string, string>) =>
  Object.entries(values)
    .map(([k, v]) => `${k} ${Buffer.from(v).toString('base64')}`)
    .join(',');

forEachDatabase(
  (env) => {
    let acme: Record<Who, Principal>;
    let beta: Record<Who, Principal>;
    let gina: Principal;
    let gammaKey: Principal;
    let org: { acme: string; beta: string; gamma: string };
    let id: Record<string, string>;
    let entries: Entry[];
    let snapshot: () => Promise<unknown>;
    let before: unknown;
    const names = ['Daily readings', 'Acme', 'Beta Buyer', 'Gamma Buyer'];

    const call = (method: string, url: string, token: string | undefined, body?: unknown, headers = {}) =>
      env().app.inject({
        method: method as 'GET',
        url,
        headers: { ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}), ...headers },
        ...(body !== undefined ? { payload: body as object } : {}),
      });
    const codeOf = (res: { body: string }) => (res.body === '' ? null : (JSON.parse(res.body).code ?? null));

    async function addFile(e: TestEnv, orgId: string, offerId: string, name: string, pending = false) {
      const key = `flow/${randomUUID()}`;
      mkdirSync(path.join(storage, 'offers', 'flow'), { recursive: true });
      writeFileSync(path.join(storage, 'offers', key), name);
      return e.db.transaction((tx) =>
        addOfferFile(
          tx,
          { now: e.clock.now, jobs: { send: async () => undefined } as never },
          {
            offerId,
            orgId,
            path: name,
            size: Buffer.byteLength(name),
            sha256: sha(name),
            storageKey: key,
            origin: 'agent',
            pending,
          },
        ),
      );
    }

    /** An organisation created by Ada, handed to its own admin, Ada removed (which ends her sessions: she signs in again). */
    async function buyerOrg(e: TestEnv, name: string, adaToken: string, adaId: string) {
      const created = (await call('POST', '/v1/orgs', adaToken, { name })).json().id as string;
      const admin = await addMember(
        e,
        created,
        adaToken,
        'admin',
        `admin@${name.split(' ')[0]!.toLowerCase()}.example`,
      );
      expect((await call('DELETE', `/v1/orgs/${created}/members/${adaId}`, admin.token)).statusCode).toBe(204);
      const login = await e.call('POST', '/v1/auth/login', { body: { email: 'ada@acme.example', password: PASSWORD } });
      return { orgId: created, admin, adaToken: login.json().token as string };
    }

    async function roles(e: TestEnv, orgId: string, admin: Principal): Promise<Record<Who, Principal>> {
      const editor = await addMember(e, orgId, admin.token, 'editor');
      const viewer = await addMember(e, orgId, admin.token, 'viewer');
      const editorKey = await addApiKey(e, orgId, admin.token, 'editor');
      const viewerKey = await addApiKey(e, orgId, admin.token, 'viewer');
      return {
        admin,
        editor,
        viewer,
        editorKey: { id: editorKey.id, token: editorKey.secret },
        viewerKey: { id: viewerKey.id, token: viewerKey.secret },
      };
    }

    async function world(e: TestEnv) {
      for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true });
      mkdirSync(path.join(folders.acme, 'in'), { recursive: true });
      mkdirSync(path.join(folders.acme, 'picked'), { recursive: true });
      writeFileSync(path.join(folders.acme, 'picked', 'a.csv'), 'a,b\n1,2\n');
      const setup = await e.call('POST', '/v1/setup', {
        body: { organisationName: 'Acme', name: 'Ada', email: 'ada@acme.example', password: PASSWORD },
      });
      expect(setup.statusCode, setup.body).toBe(201);
      const adaId = setup.json().user.id as string;
      let adaToken = setup.json().token as string;
      const b = await buyerOrg(e, 'Beta Buyer', adaToken, adaId);
      const g = await buyerOrg(e, 'Gamma Buyer', b.adaToken, adaId);
      adaToken = g.adaToken;
      org = { acme: setup.json().organisation.id, beta: b.orgId, gamma: g.orgId };
      acme = await roles(e, org.acme, { id: adaId, token: adaToken });
      beta = await roles(e, org.beta, b.admin);
      gina = g.admin;
      const gk = await addApiKey(e, org.gamma, gina.token, 'editor');
      gammaKey = { id: gk.id, token: gk.secret };

      const ok = async (method: string, url: string, token: string, body?: unknown, status = 201) => {
        const res = await call(method, url, token, body);
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
        return res.json();
      };
      const A = `/v1/orgs/${org.acme}`;
      const connector = async (orgId: string, token: string, root: string) =>
        (await ok('POST', `/v1/orgs/${orgId}/connectors`, token, { name: 'Folder', kind: 'local', options: { root } }))
          .id as string;
      const acmeConn = await connector(org.acme, adaToken, folders.acme);
      const betaConn = await connector(org.beta, beta.admin.token, folders.beta);
      const gammaConn = await connector(org.gamma, gina.token, folders.gamma);
      const offer = async (title: string, body: Record<string, unknown> = { kind: 'one-shot' }) =>
        (await ok('POST', `${A}/offers`, adaToken, { title, ...body })).id as string;
      const sub = await offer('Daily readings', {
        kind: 'subscription',
        subscription: { source: { type: 'connector', connectorId: acmeConn, folder: 'in' } },
      });
      const f1 = await addFile(e, org.acme, sub, 'f1.csv');
      const p1 = await addFile(e, org.acme, sub, 'p1.csv', true);
      const p2 = await addFile(e, org.acme, sub, 'p2.csv', true);
      await ok('POST', `${A}/offers/${sub}/publish`, adaToken, undefined, 200);
      const oneShots: string[] = [];
      const oneFiles: string[] = [];
      for (const title of ['One A', 'One B', 'One C']) {
        const one = await offer(title);
        oneFiles.push(await addFile(e, org.acme, one, `${title}.csv`));
        await ok('POST', `${A}/offers/${one}/publish`, adaToken, undefined, 200);
        oneShots.push(one);
      }
      const draft = await offer('Draft');
      const d1 = await addFile(e, org.acme, draft, 'd1.csv');
      const d2 = await addFile(e, org.acme, draft, 'd2.csv');
      const spare = await offer('Spare');
      const uploads = await offer('Uploads');
      const imported = await ok(
        'POST',
        `${A}/offers/${sub}/imports`,
        adaToken,
        {
          connectorId: acmeConn,
          paths: ['picked/a.csv'],
        },
        202,
      );
      await eventually(async () => {
        const res = await call('GET', `${A}/offers/${sub}/imports/${imported.id}`, adaToken);
        return res.json().status === 'succeeded' ? true : undefined;
      });
      const upload = async (content: string) => {
        const res = await call('POST', `${A}/offers/${uploads}/uploads`, adaToken, undefined, {
          'tus-resumable': '1.0.0',
          'upload-length': String(content.length),
          'upload-metadata': tusMeta({ path: `${content}.txt`, sha256: sha(content) }),
        });
        expect(res.statusCode, res.body).toBe(201);
        return String(res.headers.location).split('/').pop() as string;
      };
      const up1 = await upload('abc');
      const up2 = await upload('xyz');

      const B = `/v1/orgs/${org.beta}`;
      const G = `/v1/orgs/${org.gamma}`;
      const betaAcq = (await ok('POST', `${B}/acquisitions`, beta.admin.token, { offerId: sub, months: 1 })).id;
      const acqA = (await ok('POST', `${B}/acquisitions`, beta.admin.token, { offerId: oneShots[0] })).id;
      const acqB = (await ok('POST', `${B}/acquisitions`, beta.admin.token, { offerId: oneShots[1] })).id;
      const gammaAcq = (await ok('POST', `${G}/acquisitions`, gina.token, { offerId: sub, months: 1 })).id;
      const target = async (base: string, token: string) =>
        (await ok('POST', `${base}/targets`, token, { type: 'agent', namingPattern: '{path}' })).id as string;
      const betaTarget = await target(`${B}/acquisitions/${betaAcq}`, beta.admin.token);
      const betaSpareTarget = await target(`${B}/acquisitions/${betaAcq}`, beta.admin.token);
      const gammaTarget = await target(`${G}/acquisitions/${gammaAcq}`, gina.token);
      const ack = { fileId: f1, path: 'f1.csv', sha256: sha('f1.csv'), size: 6 };
      const betaDelivery = (
        await ok('POST', `${B}/acquisitions/${betaAcq}/targets/${betaTarget}/acks`, beta.admin.token, ack, 200)
      ).id;
      const gammaDelivery = (
        await ok('POST', `${G}/acquisitions/${gammaAcq}/targets/${gammaTarget}/acks`, gina.token, ack, 200)
      ).id;
      const link = await ok('POST', `${B}/acquisitions/${betaAcq}/files/${f1}/link`, beta.admin.token);
      id = {
        ...{ acmeConn, betaConn, gammaConn, sub, f1, p1, p2, draft, d1, d2, spare, uploads, up1, up2 },
        ...{ oneA: oneShots[0]!, oneB: oneShots[1]!, oneC: oneShots[2]!, oneAFile: oneFiles[0]! },
        ...{ betaAcq, acqA, acqB, gammaAcq, betaTarget, betaSpareTarget, gammaTarget, betaDelivery, gammaDelivery },
        importId: imported.id,
        token: new URL(link.url).pathname.split('/').pop()!,
      };
      // The targets' first walks (jobs) make pending delivery rows: let them settle before comparing states.
      await eventually(async () => {
        const page = (await call('GET', `${B}/acquisitions/${betaAcq}/deliveries`, beta.admin.token)).json();
        return page.total >= 4 ? true : undefined; // f1 and the imported file, for each of the two targets
      });
      await eventually(async () => {
        const page = (await call('GET', `${G}/acquisitions/${gammaAcq}/deliveries`, gina.token)).json();
        return page.total >= 2 ? true : undefined;
      });

      const o = (orgId: string) => `/v1/orgs/${orgId}`;
      const off = (orgId: string, offerId = sub) => `${o(orgId)}/offers/${offerId}`;
      const acq = (orgId: string, acquisitionId = betaAcq) => `${o(orgId)}/acquisitions/${acquisitionId}`;
      const tus = { 'tus-resumable': '1.0.0' };
      entries = [
        // Provider side (Acme): offers, their files, uploads, imports and scans, its sales.
        {
          route: 'offers.create',
          side: 'provider',
          method: 'POST',
          url: (x) => `${o(x)}/offers`,
          body: { title: 'New', kind: 'one-shot' },
          control: { status: 201, as: 'editorKey' },
          ids: false,
        },
        {
          route: 'offers.list',
          side: 'provider',
          method: 'GET',
          url: (x) => `${o(x)}/offers`,
          control: { status: 200, as: 'viewerKey' },
          ids: false,
        },
        {
          route: 'offers.read',
          side: 'provider',
          method: 'GET',
          url: (x) => off(x),
          control: { status: 200, as: 'viewer' },
          ids: true,
        },
        {
          route: 'offers.files',
          side: 'provider',
          method: 'GET',
          url: (x) => `${off(x)}/files`,
          control: { status: 200, as: 'viewerKey' },
          ids: true,
        },
        {
          route: 'offers.content',
          side: 'provider',
          method: 'GET',
          url: (x) => `${off(x)}/files/${f1}/content`,
          control: { status: 200, as: 'viewerKey' },
          ids: true,
        },
        {
          route: 'offers.update',
          side: 'provider',
          method: 'PATCH',
          url: (x) => off(x, draft),
          body: { title: 'Renamed', description: 'changed' },
          control: { status: 200, as: 'editor' },
          ids: true,
        },
        {
          route: 'offers.removeFile',
          side: 'provider',
          method: 'DELETE',
          url: (x) => `${off(x, draft)}/files/${d2}`,
          control: { status: 204, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'offers.approveFiles',
          side: 'provider',
          method: 'POST',
          url: (x) => `${off(x)}/files/approve`,
          body: { fileIds: [p1] },
          control: { status: 200, as: 'editor' },
          ids: true,
        },
        {
          route: 'offers.rejectFiles',
          side: 'provider',
          method: 'POST',
          url: (x) => `${off(x)}/files/reject`,
          body: { fileIds: [p2] },
          control: { status: 200, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'uploads.create',
          side: 'provider',
          method: 'POST',
          url: (x) => `${off(x, uploads)}/uploads`,
          headers: { ...tus, 'upload-length': '3', 'upload-metadata': tusMeta({ path: 'n.txt', sha256: sha('new') }) },
          control: { status: 201, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'uploads.head',
          side: 'provider',
          method: 'HEAD',
          url: (x) => `${off(x, uploads)}/uploads/${up1}`,
          headers: tus,
          control: { status: 200, as: 'editor' },
          ids: true,
        },
        {
          route: 'uploads.patch',
          side: 'provider',
          method: 'PATCH',
          url: (x) => `${off(x, uploads)}/uploads/${up1}`,
          headers: { ...tus, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' },
          body: 'abc',
          control: { status: 204, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'uploads.delete',
          side: 'provider',
          method: 'DELETE',
          url: (x) => `${off(x, uploads)}/uploads/${up2}`,
          headers: tus,
          control: { status: 204, as: 'editor' },
          ids: true,
        },
        {
          route: 'imports.list',
          side: 'provider',
          method: 'GET',
          url: (x) => `${off(x)}/imports`,
          control: { status: 200, as: 'viewer' },
          ids: true,
        },
        {
          route: 'imports.read',
          side: 'provider',
          method: 'GET',
          url: (x) => `${off(x)}/imports/${imported.id}`,
          control: { status: 200, as: 'viewerKey' },
          ids: true,
        },
        {
          route: 'imports.preview',
          side: 'provider',
          method: 'GET',
          url: (x) => `${off(x)}/scan-preview`,
          control: { status: 200, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'imports.create',
          side: 'provider',
          method: 'POST',
          url: (x) => `${off(x)}/imports`,
          body: { connectorId: acmeConn, paths: ['picked/a.csv'] },
          control: { status: 202, as: 'editor' },
          ids: true,
        },
        {
          route: 'imports.scan',
          side: 'provider',
          method: 'POST',
          url: (x) => `${off(x)}/scan`,
          control: { status: 202, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'acquisitions.sales',
          side: 'provider',
          method: 'GET',
          url: (x) => `${off(x)}/acquisitions`,
          control: { status: 200, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'offers.publish',
          side: 'provider',
          method: 'POST',
          url: (x) => `${off(x, draft)}/publish`,
          control: { status: 200, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'offers.archive',
          side: 'provider',
          method: 'POST',
          url: (x) => `${off(x, draft)}/archive`,
          control: { status: 200, as: 'editor' },
          ids: true,
        },
        {
          route: 'offers.delete',
          side: 'provider',
          method: 'DELETE',
          url: (x) => off(x, spare),
          control: { status: 204, as: 'editorKey' },
          ids: true,
        },
        // Buyer side (Beta): the catalog, its acquisitions, files, links, targets and deliveries.
        {
          route: 'catalog.list',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${o(x)}/catalog`,
          control: { status: 200, as: 'viewerKey' },
          ids: false,
        },
        {
          route: 'catalog.read',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${o(x)}/catalog/${sub}`,
          control: { status: 200, as: 'viewer' },
          // Another organisation's published offer is in every other organisation's catalog: no resource of Beta.
          ids: false,
        },
        {
          route: 'acquisitions.create',
          side: 'buyer',
          method: 'POST',
          url: (x) => `${o(x)}/acquisitions`,
          body: { offerId: oneShots[2] },
          control: { status: 201, as: 'editorKey' },
          ids: false,
        },
        {
          route: 'acquisitions.list',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${o(x)}/acquisitions`,
          control: { status: 200, as: 'viewerKey' },
          ids: false,
        },
        {
          route: 'acquisitions.read',
          side: 'buyer',
          method: 'GET',
          url: (x) => acq(x),
          control: { status: 200, as: 'viewer' },
          ids: true,
        },
        {
          route: 'acquisitions.files',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${acq(x)}/files?after=0`,
          control: { status: 200, as: 'viewerKey' },
          ids: true,
        },
        {
          route: 'acquisitions.content',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${acq(x)}/files/${f1}/content`,
          control: { status: 200, as: 'viewer' },
          ids: true,
        },
        {
          route: 'acquisitions.link',
          side: 'buyer',
          method: 'POST',
          url: (x) => `${acq(x)}/files/${f1}/link`,
          control: { status: 201, as: 'viewerKey' },
          ids: true,
        },
        {
          route: 'deliveries.listTargets',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${acq(x)}/targets`,
          control: { status: 200, as: 'viewerKey' },
          ids: true,
        },
        {
          route: 'deliveries.readTarget',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${acq(x)}/targets/${betaTarget}`,
          control: { status: 200, as: 'viewer' },
          ids: true,
        },
        {
          route: 'deliveries.list',
          side: 'buyer',
          method: 'GET',
          url: (x) => `${acq(x)}/deliveries`,
          control: { status: 200, as: 'viewerKey' },
          ids: true,
        },
        {
          route: 'deliveries.createTarget',
          side: 'buyer',
          method: 'POST',
          url: (x) => `${acq(x)}/targets`,
          body: { type: 'agent', folder: 'new' },
          control: { status: 201, as: 'editor' },
          ids: true,
        },
        {
          route: 'deliveries.updateTarget',
          side: 'buyer',
          method: 'PATCH',
          url: (x) => `${acq(x)}/targets/${betaTarget}`,
          body: { folder: 'moved', namingPattern: '{offer}/{name}' },
          control: { status: 200, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'deliveries.resumeTarget',
          side: 'buyer',
          method: 'POST',
          url: (x) => `${acq(x)}/targets/${betaTarget}/resume`,
          control: { status: 200, as: 'editor' },
          ids: true,
        },
        {
          route: 'deliveries.ackTarget',
          side: 'buyer',
          method: 'POST',
          url: (x) => `${acq(x)}/targets/${betaTarget}/acks`,
          body: ack,
          control: { status: 200, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'deliveries.ack',
          side: 'buyer',
          method: 'POST',
          url: (x) => `${acq(x)}/deliveries/${betaDelivery}/ack`,
          body: { path: ack.path, sha256: ack.sha256, size: ack.size },
          control: { status: 200, as: 'editor' },
          ids: true,
        },
        {
          route: 'deliveries.deleteTarget',
          side: 'buyer',
          method: 'DELETE',
          url: (x) => `${acq(x)}/targets/${betaSpareTarget}`,
          control: { status: 204, as: 'editorKey' },
          ids: true,
        },
        {
          route: 'acquisitions.cancel',
          side: 'buyer',
          method: 'POST',
          url: (x) => `${acq(x, acqA)}/cancel`,
          control: { status: 200, as: 'editor' },
          ids: true,
        },
        {
          route: 'acquisitions.delete',
          side: 'buyer',
          method: 'DELETE',
          url: (x) => acq(x, acqB),
          control: { status: 200, as: 'editorKey' },
          ids: true,
        },
      ];

      // What a refusal must not change: read as the admins of each organisation (scan times left out).
      snapshot = async () => {
        const get = async (url: string, token: string) => {
          const res = await call('GET', url, token);
          expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
          return res.json();
        };
        const offers = (await get(`${A}/offers?limit=100`, adaToken)).items.map(
          ({ lastScanAt: _l, nextScanAt: _n, ...rest }: Record<string, unknown>) => rest,
        );
        const state: Record<string, unknown> = { offers };
        state.files = await get(`${A}/offers/${sub}/files?limit=100`, adaToken);
        state.draftFiles = await get(`${A}/offers/${draft}/files?limit=100`, adaToken);
        state.imports = (await get(`${A}/offers/${sub}/imports?kind=import`, adaToken)).total;
        for (const [name, base, token, acquisition] of [
          ['beta', B, beta.admin.token, betaAcq],
          ['gamma', G, gina.token, gammaAcq],
        ] as const) {
          state[`${name}.acquisitions`] = await get(`${base}/acquisitions?limit=100`, token);
          state[`${name}.targets`] = await get(`${base}/acquisitions/${acquisition}/targets`, token);
          state[`${name}.deliveries`] = await get(`${base}/acquisitions/${acquisition}/deliveries?limit=100`, token);
          state[`${name}.connectors`] = await get(`${base}/connectors`, token);
        }
        state.uploads = (await call('HEAD', `${A}/offers/${uploads}/uploads/${up1}`, adaToken, undefined, tus)).headers[
          'upload-offset'
        ];
        return state;
      };
      before = await snapshot();
    }

    /** The access of an entry, from the API table (or the upload and content routes' own). */
    const accessOf = (route: string): RouteAccess => {
      const [domain, name] = route.split('.') as [keyof typeof TABLES, string];
      const table = TABLES[domain] as Record<string, ApiRoute> | undefined;
      return (table?.[name]?.access ?? EXTRA[route]?.access) as RouteAccess;
    };
    const minRole = (route: string) => (accessOf(route) as { minRole: Role }).minRole;
    const sideOrg = (entry: Entry) => (entry.side === 'provider' ? org.acme : org.beta);
    const members = (entry: Entry) => (entry.side === 'provider' ? acme : beta);
    /** Principals of other organisations: a buyer facing the provider's resources; the other buyer and the provider
     * facing Beta's (editor rights at home, so only the organisation stops them). */
    const outsiders = (entry: Entry): Array<[string, Principal]> =>
      entry.side === 'provider'
        ? [
            ['buyer admin', beta.admin],
            ['buyer editor key', beta.editorKey],
            ['other buyer admin', gina],
          ]
        : [
            ['other buyer admin', gina],
            ['other buyer key', gammaKey],
            ['provider admin', acme.admin],
            ['provider editor key', acme.editorKey],
          ];
    const homeOf = (p: Principal) =>
      p === gina || p === gammaKey ? org.gamma : Object.values(acme).includes(p) ? org.acme : org.beta;
    const leaks = (body: string) => names.filter((n) => n !== 'Acme' && body.includes(n));

    it('has an entry for every route of the offers, imports, catalog, acquisitions and deliveries tables', async () => {
      await world(env());
      const covered = new Set(entries.map((e) => e.route));
      const missing: string[] = [];
      for (const [domain, table] of Object.entries(TABLES)) {
        for (const [name, route] of Object.entries(table as Record<string, ApiRoute>)) {
          const key = `${domain}.${name}`;
          if (route.access.kind === 'public') continue; // the public download: its own test below
          if (!covered.has(key)) missing.push(key);
        }
      }
      expect(missing).toEqual([]);
      // Each entry calls the route it names: its method and a URL its path template matches.
      for (const entry of entries) {
        const [domain, name] = entry.route.split('.') as [keyof typeof TABLES, string];
        const route = (TABLES[domain] as Record<string, ApiRoute> | undefined)?.[name] ?? EXTRA[entry.route];
        const pattern = new RegExp(`^${route!.path.replace(/:[A-Za-z]+/g, '[^/?]+')}(\\?.*)?$`);
        expect([entry.route, entry.method, pattern.test(entry.url(org.acme))]).toEqual([
          entry.route,
          route!.method,
          true,
        ]);
      }
    });

    it('refuses lower roles (members and API keys alike) with 403 and anonymous callers with 401', async () => {
      const got: string[] = [];
      const want: string[] = [];
      for (const entry of entries) {
        const url = entry.url(sideOrg(entry));
        for (const [who, p] of Object.entries(members(entry)) as Array<[Who, Principal]>) {
          if (RANK[ROLE_OF[who]] >= RANK[minRole(entry.route)]) continue;
          const res = await call(entry.method, url, p.token, entry.body, entry.headers);
          got.push(`${entry.route} ${who}: ${res.statusCode} ${entry.method === 'HEAD' ? '-' : codeOf(res)}`);
          want.push(`${entry.route} ${who}: 403 ${entry.method === 'HEAD' ? '-' : 'forbidden'}`);
        }
        const res = await call(entry.method, url, undefined, entry.body, entry.headers);
        got.push(`${entry.route} anonymous: ${res.statusCode}`);
        want.push(`${entry.route} anonymous: 401`);
      }
      expect(got).toEqual(want);
      // Viewers may not change offers, acquire, nor manage targets: that is where the 403s above fall.
      expect(entries.filter((e) => minRole(e.route) === 'editor').map((e) => e.route)).toEqual(
        expect.arrayContaining([
          'offers.create',
          'offers.update',
          'offers.publish',
          'acquisitions.create',
          'acquisitions.cancel',
          'deliveries.createTarget',
          'deliveries.updateTarget',
          'deliveries.deleteTarget',
          'acquisitions.sales',
        ]),
      );
    });

    it("audits each role refusal with the route's action and its target", async () => {
      for (const side of ['provider', 'buyer'] as const) {
        const home = side === 'provider' ? acme : beta;
        const orgId = side === 'provider' ? org.acme : org.beta;
        const denied = await auditOf(env(), orgId, home.admin.token, { outcome: 'denied', order: 'asc' });
        const expected: unknown[] = [];
        for (const entry of entries.filter((e) => e.side === side)) {
          const access = accessOf(entry.route) as Extract<RouteAccess, { kind: 'org' }>;
          const targetId = targetOf(entry, orgId);
          for (const who of ['viewer', 'viewerKey'] as const) {
            if (access.minRole === 'viewer') continue;
            expected.push([home[who].id, access.action, 'role_too_low', targetId]);
          }
        }
        const mine = denied
          .filter((e) => e.reason === 'role_too_low')
          .map((e) => [e.principalId, e.action, e.reason, e.targetId]);
        const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
        expect(sorted(mine)).toEqual(sorted(expected));
      }
    });

    it("answers not_found to other organisations: at the owner's URL and with their own organisation's URL", async () => {
      const got: string[] = [];
      const want: string[] = [];
      for (const entry of entries) {
        for (const [label, p] of outsiders(entry)) {
          const there = await call(entry.method, entry.url(sideOrg(entry)), p.token, entry.body, entry.headers);
          got.push(
            `${entry.route} ${label} there: ${there.statusCode} ${entry.method === 'HEAD' ? '' : codeOf(there)}`,
          );
          want.push(`${entry.route} ${label} there: 404 ${entry.method === 'HEAD' ? '' : 'not_found'}`);
          expect(leaks(there.body)).toEqual([]);
          if (!entry.ids) continue;
          const home = await call(entry.method, entry.url(homeOf(p)), p.token, entry.body, entry.headers);
          got.push(`${entry.route} ${label} home: ${home.statusCode} ${entry.method === 'HEAD' ? '' : codeOf(home)}`);
          want.push(`${entry.route} ${label} home: 404 ${entry.method === 'HEAD' ? '' : 'not_found'}`);
          expect(leaks(home.body)).toEqual([]);
        }
      }
      expect(got).toEqual(want);
    });

    it("keeps each buyer's acquisitions, targets, deliveries and links apart", async () => {
      const G = `/v1/orgs/${org.gamma}`;
      const B = `/v1/orgs/${org.beta}`;
      const gAcq = `${G}/acquisitions/${id.gammaAcq}`;
      // Gamma's own acquisition with Beta's target, delivery: not found; no filter reveals them.
      for (const [method, url, body] of [
        ['GET', `${gAcq}/targets/${id.betaTarget}`],
        ['PATCH', `${gAcq}/targets/${id.betaTarget}`, { folder: 'x' }],
        ['DELETE', `${gAcq}/targets/${id.betaTarget}`],
        ['POST', `${gAcq}/targets/${id.betaTarget}/resume`],
        ['POST', `${gAcq}/targets/${id.betaTarget}/acks`, { fileId: id.f1, path: 'x', sha256: sha('f1.csv'), size: 6 }],
        ['POST', `${gAcq}/deliveries/${id.betaDelivery}/ack`, { path: 'x', sha256: sha('f1.csv'), size: 6 }],
        // Beta's acquisition of the subscription does not reach another offer's file.
        ['GET', `${B}/acquisitions/${id.betaAcq}/files/${id.oneAFile}/content`],
        ['POST', `${B}/acquisitions/${id.betaAcq}/files/${id.oneAFile}/link`],
        // The provider's offer does not reach a file of another of its offers through this one.
        ['GET', `/v1/orgs/${org.acme}/offers/${id.sub}/files/${id.d1}/content`],
      ] as const) {
        const token = url.startsWith(G) ? gina.token : url.startsWith(B) ? beta.admin.token : acme.admin.token;
        const res = await call(method, url, token, body);
        expect([method, url, res.statusCode, codeOf(res)]).toEqual([method, url, 404, 'not_found']);
      }
      const filtered = await call('GET', `${gAcq}/deliveries?targetId=${id.betaTarget}`, gina.token);
      expect([filtered.statusCode, filtered.json().total]).toEqual([200, 0]);
      // Lists show only one's own.
      const listed = async (url: string, token: string) => {
        const res = await call('GET', url, token);
        expect(res.statusCode, res.body).toBe(200);
        return res.json();
      };
      const ids = (page: { items: Array<{ id: string }> }) => page.items.map((i) => i.id).sort();
      expect(ids(await listed(`${B}/acquisitions`, beta.viewer.token))).toEqual([id.betaAcq, id.acqA, id.acqB].sort());
      expect(ids(await listed(`${G}/acquisitions`, gina.token))).toEqual([id.gammaAcq]);
      expect(ids(await listed(`/v1/orgs/${org.acme}/acquisitions`, acme.admin.token))).toEqual([]);
      const betaDeliveries = await listed(`${B}/acquisitions/${id.betaAcq}/deliveries?limit=100`, beta.viewer.token);
      expect(new Set(betaDeliveries.items.map((d: { targetId: string }) => d.targetId))).toEqual(
        new Set([id.betaTarget, id.betaSpareTarget]),
      );
      // The catalog names each caller's own acquisition, never another buyer's.
      const inCatalog = async (orgId: string, token: string) =>
        (await listed(`/v1/orgs/${orgId}/catalog/${id.sub}`, token)).activeAcquisitionId;
      expect(await inCatalog(org.beta, beta.viewerKey.token)).toBe(id.betaAcq);
      expect(await inCatalog(org.gamma, gammaKey.token)).toBe(id.gammaAcq);
      // A buyer's catalog: published offers of others, no draft; the provider does not find its own there.
      const catalog = await listed(`${B}/catalog?limit=100`, beta.viewer.token);
      expect(catalog.items.map((i: { title: string }) => i.title).sort()).toEqual([
        'Daily readings',
        'One A',
        'One B',
        'One C',
      ]);
      expect((await call('GET', `${B}/catalog/${id.draft}`, beta.admin.token)).statusCode).toBe(404);
      expect((await call('GET', `/v1/orgs/${org.acme}/catalog/${id.sub}`, acme.admin.token)).statusCode).toBe(404);
      // A download link works for whoever holds it; a token altered by one character does not.
      const download = await call('GET', `/v1/downloads/${id.token}`, undefined);
      expect([download.statusCode, download.body]).toEqual([200, 'f1.csv']);
      // Not the last character: in base64url it may carry only padding bits that decoders ignore.
      const at = id.token!.length - 5;
      const swapped = id.token![at] === 'A' ? 'B' : 'A';
      const forged = await call(
        'GET',
        `/v1/downloads/${id.token!.slice(0, at)}${swapped}${id.token!.slice(at + 1)}`,
        undefined,
      );
      expect(forged.statusCode).toBeGreaterThanOrEqual(400);
      expect(forged.statusCode).toBeLessThan(500);
      expect(forged.body).not.toContain('f1.csv');
    });

    it("gives the provider only its sales view: never a buyer's connectors, targets or deliveries", async () => {
      const A = `/v1/orgs/${org.acme}`;
      const sales = await call('GET', `${A}/offers/${id.sub}/acquisitions`, acme.editor.token);
      expect(sales.statusCode, sales.body).toBe(200);
      const items = sales.json().items as Array<Record<string, unknown>>;
      expect(items.map((s) => (s.buyer as { name: string }).name).sort()).toEqual(['Beta Buyer', 'Gamma Buyer']);
      for (const sale of items) {
        expect(Object.keys(sale).sort()).toEqual(
          ['acquiredAt', 'buyer', 'entitledFiles', 'id', 'kind', 'periodEnd', 'periodStart', 'status'].sort(),
        );
        expect(Object.keys(sale.buyer as object).sort()).toEqual(['id', 'name']);
      }
      expect(sales.body).not.toContain(id.betaTarget);
      expect(sales.body).not.toContain(id.betaConn);
      for (const [method, url, body] of [
        ['GET', `${A}/connectors/${id.betaConn}`],
        ['GET', `${A}/connectors/${id.betaConn}/entries`],
        ['GET', `/v1/orgs/${org.beta}/connectors`],
        ['GET', `${A}/acquisitions/${id.betaAcq}/targets`],
        ['GET', `${A}/acquisitions/${id.betaAcq}/deliveries`],
        // A buyer's connector cannot be made a source or import origin of the provider's offers either.
        ['POST', `${A}/offers/${id.sub}/imports`, { connectorId: id.betaConn, paths: [''] }],
      ] as const) {
        const res = await call(method, url, acme.admin.token, body);
        expect([method, url, res.statusCode, codeOf(res)]).toEqual([method, url, 404, 'not_found']);
      }
      const source = await call('PATCH', `${A}/offers/${id.sub}`, acme.admin.token, {
        subscription: { source: { type: 'connector', connectorId: id.betaConn, folder: '' } },
      });
      expect([source.statusCode, source.json().issues?.[0]?.path]).toEqual([
        400,
        'body.subscription.source.connectorId',
      ]);
      // Nor a provider's (or another buyer's) connector a buyer's target.
      for (const connectorId of [id.acmeConn, id.gammaConn]) {
        const res = await call('POST', `/v1/orgs/${org.beta}/acquisitions/${id.betaAcq}/targets`, beta.admin.token, {
          type: 'connector',
          connectorId,
        });
        expect([res.statusCode, res.json().issues?.[0]?.path]).toEqual([400, 'body.connectorId']);
      }
    });

    it('changed nothing while refusing', async () => {
      expect(await snapshot()).toEqual(before);
    });

    it('lets every allowed principal do each of those actions (the control; API keys act as their role)', async () => {
      const got: string[] = [];
      const want: string[] = [];
      for (const entry of entries) {
        const url = entry.url(sideOrg(entry));
        // Reads by every allowed principal; a change once, by the entry's principal.
        const callers =
          entry.method === 'GET'
            ? (Object.keys(members(entry)) as Who[]).filter((w) => RANK[ROLE_OF[w]] >= RANK[minRole(entry.route)])
            : [entry.control.as];
        for (const who of callers) {
          const res = await call(entry.method, url, members(entry)[who].token, entry.body, entry.headers);
          got.push(`${entry.route} ${who}: ${res.statusCode}`);
          want.push(`${entry.route} ${who}: ${entry.control.status}`);
        }
      }
      expect(got).toEqual(want);
    });
  },
  // Every refused call is recorded one by one (more per caller than the default budget).
  () => ({
    auditRefusals: { perWindow: 1000, windowMs: 10 * 60_000 },
    offerStorage: { kind: 'local', folder: path.join(storage, 'offers') },
  }),
);

/** The route an entry calls (from the API tables, or the upload and content routes). */
function routeOf(entry: Entry): { readonly method: string; readonly path: string; readonly access: RouteAccess } {
  const [domain, name] = entry.route.split('.') as [keyof typeof TABLES, string];
  return ((TABLES[domain] as Record<string, ApiRoute> | undefined)?.[name] ?? EXTRA[entry.route])!;
}

/** The ID an entry's call names at its route's audit target parameter (null when the route declares none). */
function targetOf(entry: Entry, orgId: string): string | null {
  const route = routeOf(entry);
  const access = route.access as Extract<RouteAccess, { kind: 'org' }>;
  if (access.target === undefined) return null;
  const index = route.path.split('/').indexOf(`:${access.target.param}`);
  return entry.url(orgId).split('?')[0]!.split('/')[index] ?? null;
}
