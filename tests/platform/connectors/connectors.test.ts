// Organisation connectors through the API: create, list, read, update, delete, test, trust, resume, browse, on local
// folders and SFTP settings (no server needed here; real servers in connector-servers.test.ts).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, expect, it } from 'vitest';
import { offerImports, orgConnectors, ownedResources, vaultSecrets } from '../../../platform/db/schema';
import { ConnectorUsages } from '../../../platform/connectors/connector-usages';
import { addApiKey, addMember, auditOf, forEachDatabase, setUp, type TestEnv } from '../platform-harness';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function folder(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-org-connector-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'incoming'));
  writeFileSync(path.join(dir, 'incoming', 'a.csv'), 'id\n1\n');
  writeFileSync(path.join(dir, 'readme.txt'), 'hello');
  return dir;
}

const usages = new ConnectorUsages();
const OUTGOING = ['203.0.113.7', '2001:db8::7'];
const SFTP_PASSWORD = 'Sftp-Secret-Pass-51c7';

forEachDatabase(
  (env) => {
    let orgId: string;
    let admin: string;
    let editor: string;
    let viewer: string;
    let localId: string;
    let sftpId: string;
    const o = () => `/v1/orgs/${orgId}/connectors`;
    const call = (method: string, url: string, token: string, body?: unknown) =>
      env().call(method, url, { token, body });

    async function secretsRows(e: TestEnv, connectorId: string) {
      return e.db.select().from(vaultSecrets).where(eq(vaultSecrets.connectorId, connectorId));
    }

    it('creates a local-folder connector owned by its admin, with the outgoing addresses', async () => {
      const acme = await setUp(env());
      orgId = acme.orgId;
      admin = acme.adminToken;
      editor = (await addMember(env(), orgId, admin, 'editor')).token;
      viewer = (await addMember(env(), orgId, admin, 'viewer')).token;
      const res = await call('POST', o(), admin, {
        name: 'Exchange folder',
        kind: 'local',
        options: { root: folder() },
      });
      expect(res.statusCode, res.body).toBe(201);
      const created = res.json();
      localId = created.id;
      expect(created).toMatchObject({
        view: 'full',
        name: 'Exchange folder',
        kind: 'local',
        status: 'active',
        needsSecrets: false,
        secrets: {},
        secretsToReenter: [],
        identity: null,
        outgoingAddresses: OUTGOING,
        owner: { type: 'user', id: acme.adminId },
        creatorId: acme.adminId,
        usages: [],
        health: { status: 'active', consecutiveFailures: 0, lastCheckAt: null, pausedReason: null },
      });
      expect(localId).toMatch(/^con_/);
      const audit = await auditOf(env(), orgId, admin, { action: 'connectors.create' });
      expect(audit[0]).toMatchObject({ targetType: 'connector', targetId: localId, outcome: 'success' });
    });

    it('keeps SFTP secrets in the vault: states only, never values', async () => {
      const res = await call('POST', o(), admin, {
        name: 'Partner SFTP',
        kind: 'sftp',
        options: { host: 'sftp.partner.example', port: 2222, username: 'data', root: 'upload' },
        secrets: { password: SFTP_PASSWORD },
      });
      expect(res.statusCode, res.body).toBe(201);
      sftpId = res.json().id;
      expect(res.body).not.toContain(SFTP_PASSWORD);
      expect(res.json().secrets).toEqual({ password: 'set', privateKey: 'unset', passphrase: 'unset' });
      expect(res.json().options).toEqual({
        host: 'sftp.partner.example',
        port: 2222,
        username: 'data',
        root: 'upload',
      });
      const rows = await secretsRows(env(), sftpId);
      expect(rows.map((r) => r.option)).toEqual(['password']);
      expect(JSON.stringify(rows)).not.toContain(SFTP_PASSWORD);
      const [row] = await env().db.select().from(orgConnectors).where(eq(orgConnectors.id, sftpId));
      expect(JSON.stringify(row)).not.toContain(SFTP_PASSWORD);
    });

    it('refuses unknown kinds, unknown options, secrets as plain options and taken names; nothing is created', async () => {
      const bad: Array<[unknown, string]> = [
        [{ name: 'x', kind: 'nfs', options: {} }, 'body.kind'],
        [{ name: 'x', kind: 'memory', options: {} }, 'body.kind'],
        [{ name: 'x', kind: 'local', options: { root: '/tmp', colour: 'blue' } }, 'body.options'],
        [{ name: 'x', kind: 'sftp', options: { host: 'h', username: 'u', password: 'plain' } }, 'body.options'],
        [{ name: 'x', kind: 'sftp', options: { host: 'h', username: 'u' }, secrets: { host: 'h' } }, 'body.options'],
        [{ name: 'x', kind: 'sftp', options: { host: 'h', username: 'u', port: 70000 } }, 'body.options'],
        [{ name: 'x', kind: 'local', options: {} }, 'body.options'],
        [{ name: 'exchange FOLDER', kind: 'local', options: { root: '/tmp' } }, 'body.name'],
        [{ name: '   ', kind: 'local', options: { root: '/tmp' } }, 'body.name'],
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
      const list = await call('GET', o(), admin);
      expect(list.json().total).toBe(2);
    });

    it('stores hostile names as given and answers them as data', async () => {
      for (const name of [
        '../../etc/passwd',
        '<img src=x onerror=alert(1)>',
        "Robert'); DROP TABLE org_connectors;--",
      ]) {
        const res = await call('POST', o(), admin, { name, kind: 'local', options: { root: '/tmp' } });
        expect(res.statusCode, res.body).toBe(201);
        const read = await call('GET', `${o()}/${res.json().id}`, admin);
        expect(read.json().name).toBe(name);
        expect((await call('DELETE', `${o()}/${res.json().id}`, admin)).statusCode).toBe(204);
      }
    });

    it('lists: summaries for editors and admins, names and kinds for viewers; paged and filtered', async () => {
      const full = await call('GET', `${o()}?sort=name`, editor);
      expect(full.statusCode, full.body).toBe(200);
      expect(full.json().items.map((c: { name: string }) => c.name)).toEqual(['Exchange folder', 'Partner SFTP']);
      expect(full.json().items[1]).toMatchObject({ view: 'full', status: 'active', needsSecrets: false });
      const brief = await call('GET', `${o()}?sort=name`, viewer);
      expect(brief.json().items).toEqual([
        { view: 'brief', id: localId, name: 'Exchange folder', kind: 'local' },
        { view: 'brief', id: sftpId, name: 'Partner SFTP', kind: 'sftp' },
      ]);
      const paged = await call('GET', `${o()}?sort=name&order=desc&limit=1`, admin);
      expect([paged.json().total, paged.json().items[0].name]).toEqual([2, 'Partner SFTP']);
      const filtered = await call('GET', `${o()}?q=sftp&kind=sftp`, admin);
      expect(filtered.json().items.map((c: { id: string }) => c.id)).toEqual([sftpId]);
    });

    it('lists credential expiry and usages per connector, each usage source asked once for the whole page', async () => {
      const expires = new Date('2027-01-02T03:04:05.000Z');
      await env().db.update(orgConnectors).set({ credentialExpiresAt: expires }).where(eq(orgConnectors.id, sftpId));
      const calls: (readonly string[])[] = [];
      const stop = usages.register(async (_db, org, ids) => {
        calls.push([...ids]);
        return org === orgId
          ? ids.flatMap((connectorId) => [
              { connectorId, usage: { kind: 'offer-source' as const, id: `off_${connectorId}`, title: 'Feed' } },
              { connectorId, usage: { kind: 'delivery-target' as const, id: `dt_${connectorId}`, title: 'Prices' } },
            ])
          : [];
      });
      try {
        const page = (await call('GET', `${o()}?sort=name`, editor)).json();
        expect(calls).toEqual([[localId, sftpId]]);
        expect(
          page.items.map((c: { id: string; credentialExpiresAt: string | null; usages: unknown[] }) => [
            c.id,
            c.credentialExpiresAt,
            c.usages,
          ]),
        ).toEqual([
          [
            localId,
            null,
            [
              { kind: 'offer-source', id: `off_${localId}`, title: 'Feed' },
              { kind: 'delivery-target', id: `dt_${localId}`, title: 'Prices' },
            ],
          ],
          [
            sftpId,
            expires.toISOString(),
            [
              { kind: 'offer-source', id: `off_${sftpId}`, title: 'Feed' },
              { kind: 'delivery-target', id: `dt_${sftpId}`, title: 'Prices' },
            ],
          ],
        ]);
        // Viewers see names and kinds only: no usage is looked up for them.
        calls.length = 0;
        await call('GET', o(), viewer);
        expect(calls).toEqual([]);
      } finally {
        stop();
        await env().db.update(orgConnectors).set({ credentialExpiresAt: null }).where(eq(orgConnectors.id, sftpId));
      }
    });

    it('lists the real usages (an offer reading from it, a running import) structured, for the whole page', async () => {
      const offer = await call('POST', `/v1/orgs/${orgId}/offers`, admin, {
        title: 'Prices « EU »',
        kind: 'subscription',
        subscription: { source: { type: 'connector', connectorId: localId, folder: 'incoming' } },
      });
      expect(offer.statusCode, offer.body).toBe(201);
      const offerId = offer.json().id as string;
      await env()
        .db.insert(offerImports)
        .values({
          id: 'imp_usage_1',
          offerId,
          orgId,
          kind: 'import',
          trigger: 'manual',
          status: 'running',
          request: { connectorId: sftpId },
          createdAt: new Date(),
        });
      try {
        const [local, sftp] = (await call('GET', `${o()}?sort=name`, admin)).json().items;
        expect(local.usages).toEqual([{ kind: 'offer-source', id: offerId, title: 'Prices « EU »' }]);
        // The import source is registered once per app, and this file's two apps share one registry: no exact count.
        expect(sftp.usages).toContainEqual({ kind: 'import', id: 'imp_usage_1', title: 'Prices « EU »' });
        expect(sftp.usages.every((u: { id: string }) => u.id === 'imp_usage_1')).toBe(true);
      } finally {
        await env().db.delete(offerImports).where(eq(offerImports.id, 'imp_usage_1'));
        expect((await call('DELETE', `/v1/orgs/${orgId}/offers/${offerId}`, admin)).statusCode).toBe(204);
      }
    });

    it("gives editors and admins the platform's outgoing addresses before any connector exists", async () => {
      for (const token of [admin, editor]) {
        const res = await call('GET', `/v1/orgs/${orgId}/outgoing-addresses`, token);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual({ addresses: OUTGOING });
      }
      const refused = await call('GET', `/v1/orgs/${orgId}/outgoing-addresses`, viewer);
      expect([refused.statusCode, refused.json().code]).toEqual([403, 'forbidden']);
    });

    it('reads one connector: in detail for editors, name and kind for viewers', async () => {
      const detail = await call('GET', `${o()}/${sftpId}`, editor);
      expect(detail.json()).toMatchObject({ view: 'full', secrets: { password: 'set' } });
      const brief = await call('GET', `${o()}/${sftpId}`, viewer);
      expect(brief.json()).toEqual({ view: 'brief', id: sftpId, name: 'Partner SFTP', kind: 'sftp' });
      const key = await addApiKey(env(), orgId, admin, 'viewer');
      expect((await call('GET', `${o()}/${sftpId}`, key.secret)).json()).toEqual(brief.json());
    });

    it('updates name, options and secrets (set, clear, keep); the pin stays for the same server only', async () => {
      await env()
        .db.update(orgConnectors)
        .set({
          options: {
            host: 'sftp.partner.example',
            port: 2222,
            username: 'data',
            hostKeyFingerprint: 'SHA256:' + 'A'.repeat(43),
          },
        })
        .where(eq(orgConnectors.id, sftpId));
      let res = await call('PATCH', `${o()}/${sftpId}`, admin, {
        name: 'Partner SFTP (prod)',
        options: { host: 'sftp.partner.example', port: 2222, username: 'exchange' },
        secrets: { privateKey: null, passphrase: 'Key-Passphrase-88' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        name: 'Partner SFTP (prod)',
        options: { username: 'exchange', hostKeyFingerprint: 'SHA256:' + 'A'.repeat(43) },
        secrets: { password: 'set', privateKey: 'unset', passphrase: 'set' },
        identity: { what: 'host key', fingerprint: 'SHA256:' + 'A'.repeat(43) },
      });
      expect(res.body).not.toContain('Key-Passphrase-88');
      res = await call('PATCH', `${o()}/${sftpId}`, admin, {
        options: { host: 'other.partner.example', port: 2222, username: 'exchange' },
        secrets: { passphrase: null },
      });
      expect(res.json()).toMatchObject({ identity: null, secrets: { password: 'set', passphrase: 'unset' } });
      expect(res.json().options.hostKeyFingerprint).toBeUndefined();
      const refused = await call('PATCH', `${o()}/${sftpId}`, admin, { secrets: { token: 'x' } });
      expect([refused.statusCode, refused.json().code]).toEqual([400, 'validation_failed']);
      const clash = await call('PATCH', `${o()}/${sftpId}`, admin, { name: 'EXCHANGE folder' });
      expect([clash.statusCode, clash.json().code]).toEqual([400, 'validation_failed']);
      const audit = await auditOf(env(), orgId, admin, { action: 'connectors.update', outcome: 'success' });
      expect(audit).toHaveLength(2);
      expect(JSON.stringify(audit)).not.toContain('Key-Passphrase-88');
    });

    it('forgets a pinned host key (admins only, audited): the connector waits for its identity again', async () => {
      const pinned = 'SHA256:' + 'B'.repeat(43);
      const before = (await call('GET', `${o()}/${sftpId}`, admin)).json();
      await env()
        .db.update(orgConnectors)
        .set({ options: { ...before.options, hostKeyFingerprint: pinned } })
        .where(eq(orgConnectors.id, sftpId));
      const byEditor = await call('POST', `${o()}/${sftpId}/forget-identity`, editor);
      expect([byEditor.statusCode, byEditor.json().code]).toEqual([403, 'forbidden']);
      expect((await call('GET', `${o()}/${sftpId}`, admin)).json().identity).toEqual({
        what: 'host key',
        fingerprint: pinned,
      });
      const res = await call('POST', `${o()}/${sftpId}/forget-identity`, admin);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ identity: null, needsIdentity: true });
      expect(res.json().options.hostKeyFingerprint).toBeUndefined();
      expect(res.json().options).toMatchObject({ host: before.options.host, username: before.options.username });
      const audit = await auditOf(env(), orgId, admin, { action: 'connectors.forget-identity' });
      expect(audit.map((e) => [e.outcome, e.targetId])).toEqual([
        ['success', sftpId],
        ['denied', sftpId],
      ]);
      const again = await call('POST', `${o()}/${sftpId}/forget-identity`, admin);
      expect([again.statusCode, again.json().code]).toEqual([400, 'validation_failed']);
      const local = await call('POST', `${o()}/${localId}/forget-identity`, admin);
      expect([local.statusCode, local.json().code]).toEqual([400, 'validation_failed']);
    });

    it('tests a local folder (read-only by default, with the write probe on request) and keeps the report', async () => {
      const res = await call('POST', `${o()}/${localId}/test`, admin);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().report.ok).toBe(true);
      expect(res.json().report.steps.find((s: { id: string }) => s.id === 'write').status).toBe('skipped');
      expect(res.json().identity).toBeUndefined();
      const write = await call('POST', `${o()}/${localId}/test?write=true`, admin);
      expect(write.json().report.steps.find((s: { id: string }) => s.id === 'write').status).toBe('ok');
      const detail = await call('GET', `${o()}/${localId}`, admin);
      expect(detail.json().health).toMatchObject({ lastCheckOk: true });
      const trust = await call('POST', `${o()}/${localId}/trust`, admin, { fingerprint: 'SHA256:x' });
      expect([trust.statusCode, trust.json().code]).toEqual([400, 'validation_failed']);
    });

    it('lets editors browse (paged entries, stat) and maps missing paths and unsafe ones', async () => {
      const root = await call('GET', `${o()}/${localId}/entries`, editor);
      expect(root.statusCode, root.body).toBe(200);
      expect(root.json().entries.map((e: { name: string; type: string }) => [e.name, e.type])).toEqual([
        ['incoming', 'directory'],
        ['readme.txt', 'file'],
      ]);
      const first = await call('GET', `${o()}/${localId}/entries?limit=1`, editor);
      expect(first.json().entries).toHaveLength(1);
      if (first.json().cursor !== null) {
        const next = await call(
          'GET',
          `${o()}/${localId}/entries?limit=1&cursor=${encodeURIComponent(first.json().cursor)}`,
          editor,
        );
        expect(next.json().entries.map((e: { name: string }) => e.name)).toEqual(['readme.txt']);
      }
      const inner = await call('GET', `${o()}/${localId}/entries?path=incoming`, editor);
      expect(inner.json().entries).toMatchObject([{ name: 'a.csv', path: 'incoming/a.csv', type: 'file', size: 5 }]);
      const stat = await call('GET', `${o()}/${localId}/stat?path=readme.txt`, editor);
      expect(stat.json()).toMatchObject({ name: 'readme.txt', type: 'file', size: 5 });
      expect(stat.json().modifiedAt).toMatch(/^\d{4}-/);
      const missing = await call('GET', `${o()}/${localId}/stat?path=nope.txt`, editor);
      expect([missing.statusCode, missing.json().code]).toEqual([404, 'not_found']);
      const escape = await call('GET', `${o()}/${localId}/entries?path=../..`, editor);
      expect([escape.statusCode, escape.json().code]).toEqual([400, 'validation_failed']);
      const refused = await call('GET', `${o()}/${localId}/entries`, viewer);
      expect([refused.statusCode, refused.json().code]).toEqual([403, 'forbidden']);
    });

    it('refuses a paused connector, an unpinned SFTP host key and missing secrets; resume makes it usable', async () => {
      await env()
        .db.update(orgConnectors)
        .set({ status: 'paused', pausedReason: 'Failed 3 runs in a row', pausedAt: new Date(), consecutiveFailures: 3 })
        .where(eq(orgConnectors.id, localId));
      const paused = await call('GET', `${o()}/${localId}/entries`, editor);
      expect([paused.statusCode, paused.json().code]).toEqual([409, 'connector_unusable']);
      expect(paused.json().message).toContain('paused: Failed 3 runs in a row');
      expect((await call('POST', `${o()}/${localId}/test`, admin)).json().report.ok).toBe(true);
      const resumed = await call('POST', `${o()}/${localId}/resume`, admin);
      expect(resumed.json().health).toMatchObject({ status: 'active', consecutiveFailures: 0, pausedReason: null });
      expect((await call('GET', `${o()}/${localId}/entries`, editor)).statusCode).toBe(200);

      const unpinned = await call('GET', `${o()}/${sftpId}/entries`, editor);
      expect([unpinned.statusCode, unpinned.json().code]).toEqual([409, 'connector_unusable']);
      expect(unpinned.json().message).toContain('host key');
      const ftps = await call('POST', o(), admin, {
        name: 'FTPS',
        kind: 'ftps',
        options: { host: 'ftp.example', username: 'u' },
        secrets: { password: 'Ftps-Pass-1' },
      });
      expect(ftps.json().needsSecrets).toBe(false);
      // A required secret gone from the vault (the API itself refuses to clear it).
      await env().db.delete(vaultSecrets).where(eq(vaultSecrets.connectorId, ftps.json().id));
      expect((await call('GET', `${o()}/${ftps.json().id}`, admin)).json().needsSecrets).toBe(true);
      const noSecret = await call('GET', `${o()}/${ftps.json().id}/entries`, editor);
      expect([noSecret.statusCode, noSecret.json().code]).toEqual([409, 'connector_unusable']);
      expect(noSecret.json().message).toContain('Password (password)');
      const cleared = await call('PATCH', `${o()}/${ftps.json().id}`, admin, { secrets: { password: null } });
      expect([cleared.statusCode, cleared.json().code]).toEqual([400, 'validation_failed']);
      await call('DELETE', `${o()}/${ftps.json().id}`, admin);
    });

    it('refuses deletion while something uses the connector, naming it; then deletes it and its secrets', async () => {
      const weather = { kind: 'offer-source', id: 'off_1', title: 'Weather feed' } as const;
      const stop = usages.register(async (_db, org, ids) =>
        org === orgId && ids.includes(sftpId) ? [{ connectorId: sftpId, usage: weather }] : [],
      );
      const detail = await call('GET', `${o()}/${sftpId}`, admin);
      expect(detail.json().usages).toEqual([weather]);
      const refused = await call('DELETE', `${o()}/${sftpId}`, admin);
      expect([refused.statusCode, refused.json().code]).toEqual([409, 'connector_in_use']);
      // Structured for clients to word in their language; the message names it for API users.
      expect(refused.json().usages).toEqual([weather]);
      expect(refused.json().message).toContain('offer-source "Weather feed" (off_1)');
      expect(await secretsRows(env(), sftpId)).toHaveLength(1);
      stop();
      expect((await call('DELETE', `${o()}/${sftpId}`, admin)).statusCode).toBe(204);
      expect(await secretsRows(env(), sftpId)).toHaveLength(0);
      expect((await call('GET', `${o()}/${sftpId}`, admin)).statusCode).toBe(404);
      const audit = await auditOf(env(), orgId, admin, { action: 'connectors.delete' });
      expect(audit.map((e) => [e.outcome, e.reason])).toContainEqual(['denied', 'connector_in_use']);
    });

    it("refuses to delete a removed member's connector while something uses it; the member stays", async () => {
      const owner = await addMember(env(), orgId, admin, 'admin');
      const created = await call('POST', o(), owner.token, {
        name: 'Used by an offer',
        kind: 'sftp',
        options: { host: 'h.example', username: 'u' },
        secrets: { password: 'Used-Secret-1' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const used = created.json().id as string;
      const stop = usages.register(async (_db, org, ids) =>
        org === orgId && ids.includes(used)
          ? [{ connectorId: used, usage: { kind: 'offer-source', id: 'off_2', title: 'Daily prices' } }]
          : [],
      );
      try {
        const refused = await call('DELETE', `/v1/orgs/${orgId}/members/${owner.id}?ownedResources=delete`, admin);
        expect([refused.statusCode, refused.json().code]).toEqual([409, 'connector_in_use']);
        expect(refused.json().usages).toEqual([{ kind: 'offer-source', id: 'off_2', title: 'Daily prices' }]);
        // Nothing of the removal happened: the member, the connector and its secret are all still there.
        expect((await call('GET', `/v1/orgs/${orgId}/members/${owner.id}`, admin)).statusCode).toBe(200);
        expect((await call('GET', `${o()}/${used}`, admin)).statusCode).toBe(200);
        expect(await secretsRows(env(), used)).toHaveLength(1);
      } finally {
        stop();
      }
      const res = await call('DELETE', `/v1/orgs/${orgId}/members/${owner.id}?ownedResources=delete`, admin);
      expect(res.statusCode, res.body).toBe(204);
      expect((await call('GET', `${o()}/${used}`, admin)).statusCode).toBe(404);
    });

    it("transfers or deletes a removed member's connectors, and an API key's", async () => {
      const owner = await addMember(env(), orgId, admin, 'admin');
      const make = async (name: string) => {
        const res = await call('POST', o(), owner.token, {
          name,
          kind: 'sftp',
          options: { host: 'h.example', username: 'u' },
          secrets: { password: 'Owned-Secret-1' },
        });
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id as string;
      };
      const kept = await make('Kept');
      const acme = (await call('GET', `/v1/me`, admin)).json();
      const adminId = acme.user.id as string;
      let res = await call(
        'DELETE',
        `/v1/orgs/${orgId}/members/${owner.id}?ownedResources=transfer&transferTo=${adminId}`,
        admin,
      );
      expect(res.statusCode, res.body).toBe(204);
      expect((await call('GET', `${o()}/${kept}`, admin)).json().owner).toEqual({ type: 'user', id: adminId });

      const second = await addMember(env(), orgId, admin, 'admin');
      const gone = (
        await call('POST', o(), second.token, {
          name: 'Gone',
          kind: 'sftp',
          options: { host: 'h.example', username: 'u' },
          secrets: { password: 'Owned-Secret-2' },
        })
      ).json().id as string;
      res = await call('DELETE', `/v1/orgs/${orgId}/members/${second.id}?ownedResources=delete`, admin);
      expect(res.statusCode, res.body).toBe(204);
      expect((await call('GET', `${o()}/${gone}`, admin)).statusCode).toBe(404);
      expect(await secretsRows(env(), gone)).toHaveLength(0);

      // An API key never creates connectors (admins only), but one may own one handed to it: deleting the key
      // with ownedResources=delete deletes it too.
      const key = await addApiKey(env(), orgId, admin, 'editor');
      await env()
        .db.update(ownedResources)
        .set({ ownerType: 'api-key', ownerId: key.id })
        .where(and(eq(ownedResources.kind, 'connector'), eq(ownedResources.resourceId, kept)));
      res = await call('DELETE', `/v1/orgs/${orgId}/api-keys/${key.id}`, admin);
      expect([res.statusCode, res.json().code]).toEqual([409, 'owned_resources']);
      res = await call('DELETE', `/v1/orgs/${orgId}/api-keys/${key.id}?ownedResources=delete`, admin);
      expect(res.statusCode, res.body).toBe(204);
      const left = await env()
        .db.select()
        .from(orgConnectors)
        .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, kept)));
      expect(left).toEqual([]);
      expect(await secretsRows(env(), kept)).toHaveLength(0);
    });
  },
  () => ({ connectorUsages: usages, outgoingAddresses: OUTGOING }),
);
