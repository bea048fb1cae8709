// Organisation connectors and the vault: refused as a whole without one (the rest of the server works), and after a
// restore without the vault key the secrets to enter again are named, refused when used, fixed by entering them.
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../platform/build-app';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import { forEachDatabase, setUp } from '../platform-harness';

const PIN = 'SHA256:' + 'B'.repeat(43);

describe('without a vault', () => {
  forEachDatabase(
    (env) => {
      it('answers 503 vault_unavailable on every connector route and works otherwise', async () => {
        const { orgId, adminToken } = await setUp(env());
        const o = `/v1/orgs/${orgId}/connectors`;
        const c = `${o}/con_0123456789012345678901`;
        for (const [method, url, body] of [
          ['POST', o, { name: 'x', kind: 'local', options: { root: '/tmp' } }],
          ['GET', o, undefined],
          ['GET', c, undefined],
          ['PATCH', c, { name: 'y' }],
          ['DELETE', c, undefined],
          ['POST', `${c}/test`, undefined],
          ['POST', `${c}/trust`, { fingerprint: PIN }],
          ['POST', `${c}/resume`, undefined],
          ['GET', `${c}/entries`, undefined],
          ['GET', `${c}/stat?path=a`, undefined],
        ] as const) {
          const res = await env().call(method, url, { token: adminToken, body });
          expect([method, url, res.statusCode, res.json().code]).toEqual([method, url, 503, 'vault_unavailable']);
          expect(res.json().message).toContain('no vault key configured');
        }
        expect((await env().call('GET', o)).statusCode).toBe(401);
        expect((await env().call('GET', '/v1/me', { token: adminToken })).statusCode).toBe(200);
        expect((await env().call('GET', `/v1/orgs/${orgId}/members`, { token: adminToken })).statusCode).toBe(200);
      });
    },
    () => ({ vault: { unavailable: 'no vault key configured (FERRY_VAULT_KEY or a key file)' } }),
  );
});

describe('restored without the vault key', () => {
  forEachDatabase((env) => {
    it('names the secrets to enter again, refuses using the connector until they are, and renaming still works', async () => {
      const { orgId, adminToken } = await setUp(env());
      const o = `/v1/orgs/${orgId}/connectors`;
      const created = await env().call('POST', o, {
        token: adminToken,
        body: {
          name: 'Depot',
          kind: 'sftp',
          options: { host: '127.0.0.1', port: 1, username: 'u', hostKeyFingerprint: PIN },
          secrets: { password: 'Before-Restore-Pass' },
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;

      // The same database, served by a platform whose vault holds other keys (the key file was not restored).
      const restored = await buildApp({ db: env().db, vault: new ManagedKeyProvider(memoryKeyStore()) });
      try {
        const call = (method: 'GET' | 'PATCH', url: string, body?: object) =>
          restored.inject({ method, url, headers: { authorization: `Bearer ${adminToken}` }, payload: body });
        const detail = await call('GET', `${o}/${id}`);
        expect(detail.json()).toMatchObject({
          secrets: { password: 'unreadable', privateKey: 'unset', passphrase: 'unset' },
          secretsToReenter: ['password'],
          needsSecrets: true,
          options: { hostKeyFingerprint: PIN },
        });
        const listed = await call('GET', o);
        expect(listed.json().items[0]).toMatchObject({ id, needsSecrets: true });
        const used = await call('GET', `${o}/${id}/entries`);
        expect([used.statusCode, used.json().code]).toEqual([409, 'connector_unusable']);
        expect(used.json().message).toContain('need to be entered again: Password (password)');

        const renamed = await call('PATCH', `${o}/${id}`, { name: 'Depot (restored)' });
        expect(renamed.statusCode, renamed.body).toBe(200);
        expect(renamed.json().secretsToReenter).toEqual(['password']);

        const fixed = await call('PATCH', `${o}/${id}`, { secrets: { password: 'After-Restore-Pass' } });
        expect(fixed.json()).toMatchObject({ secretsToReenter: [], needsSecrets: false, secrets: { password: 'set' } });
        // Usable again: what fails now is the storage itself (nothing listens on port 1), not the secrets.
        const again = await call('GET', `${o}/${id}/entries`);
        expect(again.json().code).toBe('connector_unusable');
        expect(again.json().message).toContain('The storage refused');
      } finally {
        await restored.close();
      }
    });
  });
});
