// Every admin action x every principal that must not perform it: refused with the right code, audited, nothing changed.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { addApiKey, addMember, auditOf, forEachDatabase, PASSWORD, setUp, type TestEnv } from './platform-harness';

interface Action {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly body?: unknown;
  /** The target the audit entry names, when the route acts on one. */
  readonly targetId?: string;
  /** What an admin of the organisation gets (the control: the matrix could fail). */
  readonly adminStatus: number;
}

interface Refused {
  readonly label: string;
  readonly token: string | undefined;
  readonly principalId: string | null;
  readonly status: number;
  readonly code: string;
  readonly reason: string;
}

const folder = mkdtempSync(path.join(os.tmpdir(), 'ferry-matrix-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

forEachDatabase(
  (env) => {
    let orgId: string;
    let adminToken: string;
    let actions: Action[];
    let refused: Refused[];
    let ids: {
      viewer: string;
      invitation: string;
      key: string;
      otherKey: string;
      otherMember: string;
      otherInvitation: string;
      connector: string;
      otherConnector: string;
    };
    let tokens: {
      viewer: string;
      editor: string;
      viewerKey: string;
      editorKey: string;
      olga: string;
      otherKey: string;
    };

    async function world(e: TestEnv) {
      const acme = await setUp(e);
      orgId = acme.orgId;
      adminToken = acme.adminToken;
      const viewer = await addMember(e, orgId, adminToken, 'viewer');
      const editor = await addMember(e, orgId, adminToken, 'editor');
      const viewerKey = await addApiKey(e, orgId, adminToken, 'viewer');
      const editorKey = await addApiKey(e, orgId, adminToken, 'editor');
      const expiredKey = await addApiKey(e, orgId, adminToken, 'editor', 60_000);
      const deletedKey = await addApiKey(e, orgId, adminToken, 'editor');
      const target = await addApiKey(e, orgId, adminToken, 'viewer');
      expect(
        (await e.call('DELETE', `/v1/orgs/${orgId}/api-keys/${deletedKey.id}`, { token: adminToken })).statusCode,
      ).toBe(204);
      const invitation = await e.call('POST', `/v1/orgs/${orgId}/invitations`, {
        token: adminToken,
        body: { email: 'pending@example.org', role: 'viewer', language: 'en' },
      });

      // Beta: another organisation whose only admin (Olga) is not in Acme.
      const beta = (await e.call('POST', '/v1/orgs', { token: adminToken, body: { name: 'Beta' } })).json();
      const olga = await addMember(e, beta.id, adminToken, 'admin', 'olga@beta.example');
      expect(
        (await e.call('DELETE', `/v1/orgs/${beta.id}/members/${acme.adminId}`, { token: olga.token })).statusCode,
      ).toBe(204);
      const login = await e.call('POST', '/v1/auth/login', { body: { email: acme.adminEmail, password: PASSWORD } });
      adminToken = login.json().token;
      const otherKey = await addApiKey(e, beta.id, olga.token, 'editor');
      const otherInvitation = await e.call('POST', `/v1/orgs/${beta.id}/invitations`, {
        token: olga.token,
        body: { email: 'x@beta.example', role: 'viewer', language: 'fr' },
      });
      const connector = await e.call('POST', `/v1/orgs/${orgId}/connectors`, {
        token: adminToken,
        body: { name: 'Drop folder', kind: 'local', options: { root: folder } },
      });
      const otherConnector = await e.call('POST', `/v1/orgs/${beta.id}/connectors`, {
        token: olga.token,
        body: { name: 'Beta folder', kind: 'local', options: { root: folder } },
      });
      e.clock.advance(61_000); // expires expiredKey

      ids = {
        viewer: viewer.id,
        invitation: invitation.json().id,
        key: target.id,
        otherKey: otherKey.id,
        otherMember: olga.id,
        otherInvitation: otherInvitation.json().id,
        connector: connector.json().id,
        otherConnector: otherConnector.json().id,
      };
      tokens = {
        viewer: viewer.token,
        editor: editor.token,
        viewerKey: viewerKey.secret,
        editorKey: editorKey.secret,
        olga: olga.token,
        otherKey: otherKey.secret,
      };
      const c = `/v1/orgs/${orgId}/connectors/${ids.connector}`;
      const inDay = () => new Date(e.clock.now().getTime() + 86_400_000).toISOString();
      const o = `/v1/orgs/${orgId}`;
      actions = [
        {
          name: 'organisations.update',
          method: 'PATCH',
          url: o,
          body: { name: 'Hacked' },
          targetId: orgId,
          adminStatus: 200,
        },
        {
          name: 'members.update',
          method: 'PATCH',
          url: `${o}/members/${viewer.id}`,
          body: { role: 'admin' },
          targetId: viewer.id,
          adminStatus: 200,
        },
        {
          name: 'invitations.create',
          method: 'POST',
          url: `${o}/invitations`,
          body: { email: 'new@example.org', role: 'admin', language: 'en' },
          adminStatus: 201,
        },
        { name: 'invitations.list', method: 'GET', url: `${o}/invitations`, adminStatus: 200 },
        {
          name: 'invitations.read',
          method: 'GET',
          url: `${o}/invitations/${ids.invitation}`,
          targetId: ids.invitation,
          adminStatus: 200,
        },
        { name: 'outbox.read', method: 'GET', url: `${o}/outbox`, adminStatus: 200 },
        {
          name: 'api-keys.create',
          method: 'POST',
          url: `${o}/api-keys`,
          body: { name: 'k', role: 'editor', expiresAt: inDay() },
          adminStatus: 201,
        },
        { name: 'api-keys.list', method: 'GET', url: `${o}/api-keys`, adminStatus: 200 },
        {
          name: 'api-keys.read',
          method: 'GET',
          url: `${o}/api-keys/${target.id}`,
          targetId: target.id,
          adminStatus: 200,
        },
        { name: 'audit.list', method: 'GET', url: `${o}/audit`, adminStatus: 200 },
        { name: 'audit.export', method: 'GET', url: `${o}/audit/export`, adminStatus: 200 },
        { name: 'audit.purge', method: 'POST', url: `${o}/audit/purge`, adminStatus: 200 },
        {
          name: 'connectors.create',
          method: 'POST',
          url: `${o}/connectors`,
          body: { name: 'Other folder', kind: 'local', options: { root: folder } },
          adminStatus: 201,
        },
        {
          name: 'connectors.update',
          method: 'PATCH',
          url: c,
          body: { name: 'Hacked' },
          targetId: ids.connector,
          adminStatus: 200,
        },
        { name: 'connectors.test', method: 'POST', url: `${c}/test`, targetId: ids.connector, adminStatus: 200 },
        {
          name: 'connectors.trust',
          method: 'POST',
          url: `${c}/trust`,
          body: { fingerprint: 'SHA256:' + 'E'.repeat(43) },
          targetId: ids.connector,
          // A local folder has no server identity: the admin passes the role check and is refused on the merits.
          adminStatus: 400,
        },
        {
          name: 'connectors.forget-identity',
          method: 'POST',
          url: `${c}/forget-identity`,
          targetId: ids.connector,
          // A local folder has no server identity to forget: the admin passes the role check, refused on the merits.
          adminStatus: 400,
        },
        { name: 'connectors.resume', method: 'POST', url: `${c}/resume`, targetId: ids.connector, adminStatus: 200 },
        { name: 'connectors.delete', method: 'DELETE', url: c, targetId: ids.connector, adminStatus: 204 },
        {
          name: 'invitations.delete',
          method: 'DELETE',
          url: `${o}/invitations/${ids.invitation}`,
          targetId: ids.invitation,
          adminStatus: 204,
        },
        {
          name: 'api-keys.delete',
          method: 'DELETE',
          url: `${o}/api-keys/${target.id}`,
          targetId: target.id,
          adminStatus: 204,
        },
        {
          name: 'members.delete',
          method: 'DELETE',
          url: `${o}/members/${viewer.id}`,
          targetId: viewer.id,
          adminStatus: 204,
        },
      ];
      const forbidden = { status: 403, code: 'forbidden', reason: 'role_too_low' };
      refused = [
        { label: 'viewer', token: viewer.token, principalId: viewer.id, ...forbidden },
        { label: 'editor', token: editor.token, principalId: editor.id, ...forbidden },
        { label: 'viewer API key', token: viewerKey.secret, principalId: viewerKey.id, ...forbidden },
        { label: 'editor API key', token: editorKey.secret, principalId: editorKey.id, ...forbidden },
        {
          label: 'admin of another organisation',
          token: olga.token,
          principalId: olga.id,
          status: 404,
          code: 'not_found',
          reason: 'not_a_member',
        },
        {
          label: 'API key of another organisation',
          token: otherKey.secret,
          principalId: otherKey.id,
          status: 404,
          code: 'not_found',
          reason: 'not_a_member',
        },
        {
          label: 'expired API key',
          token: expiredKey.secret,
          principalId: expiredKey.id,
          status: 401,
          code: 'unauthenticated',
          reason: 'api_key_expired',
        },
        {
          label: 'deleted API key',
          token: deletedKey.secret,
          principalId: deletedKey.id,
          status: 401,
          code: 'unauthenticated',
          reason: 'api_key_deleted',
        },
        {
          label: 'no credentials',
          token: undefined,
          principalId: null,
          status: 401,
          code: 'unauthenticated',
          reason: 'no_credentials',
        },
      ];
    }

    it('refuses every admin action to everyone but an admin of the organisation, and audits each refusal', async () => {
      await world(env());
      for (const who of refused) {
        for (const action of actions) {
          const res = await env().call(action.method, action.url, { token: who.token, body: action.body });
          expect([who.label, action.name, res.statusCode, res.json().code]).toEqual([
            who.label,
            action.name,
            who.status,
            who.code,
          ]);
        }
      }
      const denied = await auditOf(env(), orgId, adminToken, { outcome: 'denied', order: 'asc' });
      for (const who of refused) {
        const mine = denied.filter(
          (e) => e.principalId === who.principalId && (who.principalId !== null || e.principalType === 'anonymous'),
        );
        expect(mine.map((e) => [who.label, e.action, e.reason, e.targetId])).toEqual(
          actions.map((a) => [who.label, a.name, who.reason, a.targetId ?? null]),
        );
      }
    });

    it('changed nothing while refusing', async () => {
      const org = await env().call('GET', `/v1/orgs/${orgId}`, { token: adminToken });
      expect(org.json().name).toBe('Acme');
      const viewer = await env().call('GET', `/v1/orgs/${orgId}/members/${ids.viewer}`, { token: adminToken });
      expect(viewer.json().role).toBe('viewer');
      const keys = await env().call('GET', `/v1/orgs/${orgId}/api-keys`, { token: adminToken });
      expect(keys.json().total).toBe(4); // viewer, editor, expired (still listed), target
      const invitations = await env().call('GET', `/v1/orgs/${orgId}/invitations?pending=true`, { token: adminToken });
      expect(invitations.json().total).toBe(1);
      const connectors = await env().call('GET', `/v1/orgs/${orgId}/connectors`, { token: adminToken });
      expect(connectors.json().items.map((c: { name: string }) => c.name)).toEqual(['Drop folder']);
    });

    it('lets editors (members and API keys) browse connectors and viewers only see names and kinds', async () => {
      const c = `/v1/orgs/${orgId}/connectors/${ids.connector}`;
      const expectations: Array<[string, string | undefined, number, number]> = [
        // who, token, status of entries and stat, status of list and read
        ['editor', tokens.editor, 200, 200],
        ['editor API key', tokens.editorKey, 200, 200],
        ['viewer', tokens.viewer, 403, 200],
        ['viewer API key', tokens.viewerKey, 403, 200],
        ['admin of another organisation', tokens.olga, 404, 404],
        ['API key of another organisation', tokens.otherKey, 404, 404],
        ['no credentials', undefined, 401, 401],
      ];
      for (const [who, token, browse, read] of expectations) {
        for (const url of [`${c}/entries`, `${c}/stat?path=`]) {
          expect([who, url, (await env().call('GET', url, { token })).statusCode]).toEqual([who, url, browse]);
        }
        for (const url of [`/v1/orgs/${orgId}/connectors`, c]) {
          expect([who, url, (await env().call('GET', url, { token })).statusCode]).toEqual([who, url, read]);
        }
      }
      const viewed = await env().call('GET', c, { token: tokens.viewerKey });
      expect(viewed.json()).toEqual({ view: 'brief', id: ids.connector, name: 'Drop folder', kind: 'local' });
      const denied = await auditOf(env(), orgId, adminToken, { outcome: 'denied', action: 'connectors.browse' });
      expect(denied.map((e) => [e.principalType, e.reason, e.targetId])).toContainEqual([
        'user',
        'role_too_low',
        ids.connector,
      ]);
    });

    it("gives 404 for another organisation's IDs under one's own organisation", async () => {
      const o = `/v1/orgs/${orgId}`;
      for (const [method, url] of [
        ['GET', `${o}/members/${ids.otherMember}`],
        ['PATCH', `${o}/members/${ids.otherMember}`],
        ['DELETE', `${o}/members/${ids.otherMember}`],
        ['GET', `${o}/api-keys/${ids.otherKey}`],
        ['DELETE', `${o}/api-keys/${ids.otherKey}`],
        ['GET', `${o}/invitations/${ids.otherInvitation}`],
        ['DELETE', `${o}/invitations/${ids.otherInvitation}`],
        ['GET', `${o}/connectors/${ids.otherConnector}`],
        ['PATCH', `${o}/connectors/${ids.otherConnector}`],
        ['DELETE', `${o}/connectors/${ids.otherConnector}`],
        ['POST', `${o}/connectors/${ids.otherConnector}/test`],
        ['POST', `${o}/connectors/${ids.otherConnector}/resume`],
        ['GET', `${o}/connectors/${ids.otherConnector}/entries`],
        ['GET', `${o}/connectors/${ids.otherConnector}/stat?path=`],
      ] as const) {
        const res = await env().call(method, url, {
          token: adminToken,
          body: method === 'PATCH' ? (url.includes('/connectors/') ? { name: 'x' } : { role: 'viewer' }) : undefined,
        });
        expect([method, url, res.statusCode, res.json().code]).toEqual([method, url, 404, 'not_found']);
      }
    });

    it('lets the admin do every one of those actions (the control)', async () => {
      for (const action of actions) {
        const res = await env().call(action.method, action.url, { token: adminToken, body: action.body });
        expect([action.name, res.statusCode]).toEqual([action.name, action.adminStatus]);
      }
    });
  },
  // More refused actions per caller than the default budget, so every refusal is recorded one by one.
  () => ({ auditRefusals: { perWindow: 100, windowMs: 10 * 60_000 } }),
);
