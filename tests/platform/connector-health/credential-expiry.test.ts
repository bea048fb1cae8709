// An Azure connector's SAS expiry: stored by the daily check, warned once per threshold (14 days, 3 days, expired),
// audited and notified without the SAS; a renewed SAS starts the warnings again. PGlite and PostgreSQL.
import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../../servers/free-port';
import { AZURITE_ACCOUNT } from '../../servers/azurite-server';
import { auditOf, forEachDatabase, PASSWORD, setUp, type SetUpOrg, type TestEnv } from '../platform-harness';
import { FAST } from '../jobs/jobs-harness';
import { connectorOf, noticesOf, sweepDriver, type SweepDriver } from './health-kit';

const DAY = 86_400_000;

function sasToken(expiresOn: Date): string {
  return generateBlobSASQueryParameters(
    { containerName: 'data', permissions: ContainerSASPermissions.parse('rl'), expiresOn },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key),
  ).toString();
}

// The SDK writes `se` to the second.
const toSecond = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

forEachDatabase(
  (env: () => TestEnv) => {
    let acme: SetUpOrg;
    let sweeps: SweepDriver;
    let id: string;
    let expires: Date;
    const warnings = () => auditOf(env(), acme.orgId, acme.adminToken, { action: 'connectors.credential-expiring' });
    const url = () => `/v1/orgs/${acme.orgId}/connectors/${id}`;

    beforeAll(async () => {
      acme = await setUp(env());
      expires = toSecond(env().clock.now().getTime() + 20 * DAY);
      const res = await env().call('POST', `/v1/orgs/${acme.orgId}/connectors`, {
        token: acme.adminToken,
        body: {
          name: 'Partner Azure',
          kind: 'azure-blob',
          options: {
            auth: 'sas',
            accountUrl: `http://127.0.0.1:${await freePort()}/devstoreaccount1`,
            container: 'data',
          },
          secrets: { sasToken: sasToken(expires) },
        },
      });
      expect(res.statusCode, res.body).toBe(201);
      id = res.json().id;
      sweeps = await sweepDriver(env().db);
    });
    afterAll(async () => sweeps?.stop());

    it('stores the SAS expiry when the connector is saved, and at the daily check; nothing to warn 20 days ahead', async () => {
      const saved = await connectorOf(env(), acme.orgId, acme.adminToken, id);
      expect(saved.health.credentialExpiresAt).toBe(expires.toISOString());
      expect(saved.health.credentialExpirySource).toBe('sasToken');
      await sweeps.tick();
      const detail = await connectorOf(env(), acme.orgId, acme.adminToken, id);
      expect(detail.health.credentialExpiresAt).toBe(expires.toISOString());
      expect(detail.lastCheckAt).not.toBeNull();
      expect(await warnings()).toHaveLength(0);
    });

    it('warns once within 14 days, once within 3 days, once expired', async () => {
      env().clock.advance(7 * DAY);
      await sweeps.tick();
      await sweeps.tick();
      let audit = await warnings();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ targetType: 'connector', targetId: id, principalType: 'platform' });
      expect(audit[0]?.reason).toBe(`SAS token (sasToken) expires ${expires.toISOString()}`);
      let notices = await noticesOf(env(), acme.adminToken);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({
        kind: 'connector.credential-expiring',
        subjectId: id,
        params: { connector: 'Partner Azure', source: 'sasToken', expiresAt: expires.toISOString(), days: 14 },
      });
      expect(notices[0]?.message).toBe(
        `The SAS token of connector "Partner Azure" expires on ${expires.toISOString().slice(0, 10)} (in 13 days): ` +
          'an admin renews it and enters the new one.',
      );

      env().clock.advance(11 * DAY);
      await sweeps.tick();
      env().clock.advance(DAY / 2);
      await sweeps.tick();
      audit = await warnings();
      expect(audit).toHaveLength(2);
      notices = await noticesOf(env(), acme.adminToken);
      expect(notices.map((n) => (n.params as { days: number }).days)).toEqual([3, 14]);

      env().clock.advance(2 * DAY);
      await sweeps.tick();
      await sweeps.tick();
      audit = await warnings();
      expect(audit.map((a) => a.reason)).toEqual([
        `SAS token (sasToken) expired ${expires.toISOString()}`,
        `SAS token (sasToken) expires ${expires.toISOString()}`,
        `SAS token (sasToken) expires ${expires.toISOString()}`,
      ]);
      notices = await noticesOf(env(), acme.adminToken);
      expect(notices.map((n) => (n.params as { days: number }).days)).toEqual([0, 3, 14]);
      expect(notices[0]?.message).toMatch(/^The SAS token of connector "Partner Azure" expired on /);
      expect(JSON.stringify([notices, audit])).not.toMatch(/sig=|sig%3D/);
    });

    it('a renewed SAS replaces the expiry and starts the warnings again', async () => {
      const renewed = toSecond(env().clock.now().getTime() + 30 * DAY);
      const patched = await env().call('PATCH', url(), {
        token: acme.adminToken,
        body: { secrets: { sasToken: sasToken(renewed) } },
      });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json().health.credentialExpiresAt).toBe(renewed.toISOString());
      await sweeps.tick();
      expect((await connectorOf(env(), acme.orgId, acme.adminToken, id)).health.credentialExpiresAt).toBe(
        renewed.toISOString(),
      );
      expect(await warnings()).toHaveLength(3);
      env().clock.advance(20 * DAY);
      await sweeps.tick();
      // Twenty days on, the admin's session has expired: sign in again to read the log.
      const login = await env().call('POST', '/v1/auth/login', {
        body: { email: acme.adminEmail, password: PASSWORD },
      });
      acme = { ...acme, adminToken: login.json().token };
      const audit = await warnings();
      expect(audit).toHaveLength(4);
      expect(audit[0]?.reason).toBe(`SAS token (sasToken) expires ${renewed.toISOString()}`);
    });
  },
  () => ({ connectorChecks: { pauseAfter: 100 }, jobs: FAST }),
);
