// The daily connector checks on PGlite and PostgreSQL, on a real sshd and a closed port: failures counted, reset by
// a success, a connector paused after 3 failed runs (reason, audit, owner and admins notified, refused to open).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sshdSftpOptions } from '../../kit/server-options';
import { freePort } from '../../servers/free-port';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import {
  addMember,
  auditOf,
  forEachDatabase,
  setUp,
  type SetUpOrg,
  type TestEnv,
  type TestMember,
} from '../platform-harness';
import { FAST } from '../jobs/jobs-harness';
import { connectorOf, noticesOf, sweepDriver, type SweepDriver } from './health-kit';

const sshdAvailable = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
let sshd: SshdServer | undefined;

beforeAll(async () => {
  if (sshdAvailable.available) sshd = await startSshd();
}, 60_000);
afterAll(async () => sshd?.dispose());

const DAY = 86_400_000;

describe.skipIf(!sshdAvailable.available)('daily connector checks', () => {
  forEachDatabase(
    (env: () => TestEnv) => {
      let acme: SetUpOrg;
      let secondAdmin: TestMember;
      let editor: TestMember;
      let sweeps: SweepDriver;
      let healthy: string;
      let gone: string;
      let unconfirmed: string;
      let unknownKey: string;

      const create = async (name: string, port: number): Promise<string> => {
        const { password, ...options } = sshdSftpOptions(sshd!);
        const res = await env().call('POST', `/v1/orgs/${acme.orgId}/connectors`, {
          token: acme.adminToken,
          body: { name, kind: 'sftp', options: { ...options, port }, secrets: { password } },
        });
        expect(res.statusCode, res.body).toBe(201);
        return res.json().id;
      };
      const health = async (id: string) => (await connectorOf(env(), acme.orgId, acme.adminToken, id)).health;

      beforeAll(async () => {
        acme = await setUp(env());
        secondAdmin = await addMember(env(), acme.orgId, acme.adminToken, 'admin');
        editor = await addMember(env(), acme.orgId, acme.adminToken, 'editor');
        healthy = await create('Partner SFTP', sshd!.port);
        // A server that is gone: nothing listens on this port any more.
        gone = await create('Retired SFTP', await freePort());
        // Created, tested (the unknown host key shown), but the admin has not confirmed the fingerprint yet.
        const { password, ...unpinned } = sshdSftpOptions(sshd!, { pin: false });
        const res = await env().call('POST', `/v1/orgs/${acme.orgId}/connectors`, {
          token: acme.adminToken,
          body: { name: 'New partner SFTP', kind: 'sftp', options: unpinned, secrets: { password } },
        });
        expect(res.statusCode, res.body).toBe(201);
        unconfirmed = res.json().id;
        const test = await env().call('POST', `/v1/orgs/${acme.orgId}/connectors/${unconfirmed}/test`, {
          token: acme.adminToken,
        });
        expect(test.json().identity, test.body).toMatchObject({ problem: 'unknown' });
        unknownKey = test.json().identity.fingerprint;
        sweeps = await sweepDriver(env().db);
      });
      afterAll(async () => sweeps?.stop());

      it('checks each active connector read-only and stores the report; a failure counts one', async () => {
        await sweeps.tick();
        const ok = await health(healthy);
        expect(ok).toMatchObject({ status: 'active', lastCheckOk: true, consecutiveFailures: 0 });
        expect(ok.lastCheckAt).not.toBeNull();
        const failed = await health(gone);
        expect(failed).toMatchObject({ status: 'active', lastCheckOk: false, consecutiveFailures: 1 });
        const detail = await connectorOf(env(), acme.orgId, acme.adminToken, healthy);
        expect(detail.lastCheckOk).toBe(true);
        expect((await noticesOf(env(), acme.adminToken)).length).toBe(0);
      });

      it('a successful check resets the count (the server stopped one day, back the next)', async () => {
        await sshd!.stop();
        env().clock.advance(DAY);
        try {
          await sweeps.tick();
        } finally {
          await sshd!.start();
        }
        expect(await health(healthy)).toMatchObject({ lastCheckOk: false, consecutiveFailures: 1, status: 'active' });
        expect(await health(gone)).toMatchObject({ consecutiveFailures: 2, status: 'active' });
        env().clock.advance(DAY);
        await sweeps.tick();
        expect(await health(healthy)).toMatchObject({ lastCheckOk: true, consecutiveFailures: 0, status: 'active' });
      });

      it('pauses a connector after 3 failed runs in a row: reason, audit, owner and admins told, refused to open', async () => {
        const third = await health(gone);
        expect(third).toMatchObject({ status: 'paused', consecutiveFailures: 3 });
        expect(third.pausedReason).toMatch(/^Connect: /);
        expect(third.pausedAt).not.toBeNull();

        const audit = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'connectors.paused' });
        expect(audit).toHaveLength(1);
        expect(audit[0]).toMatchObject({
          targetType: 'connector',
          targetId: gone,
          principalType: 'platform',
          principalLabel: 'Ferry platform (background job)',
          ip: null,
        });
        expect(audit[0]?.reason).toBe(`3 failed checks in a row: ${third.pausedReason}`);

        for (const token of [acme.adminToken, secondAdmin.token]) {
          const notices = await noticesOf(env(), token);
          expect(notices).toHaveLength(1);
          expect(notices[0]).toMatchObject({
            kind: 'connector.paused',
            subjectType: 'connector',
            subjectId: gone,
            params: { connector: 'Retired SFTP', reason: third.pausedReason, failures: 3 },
          });
          expect(notices[0]?.message).toMatch(/^Connector "Retired SFTP" was paused after 3 failed daily checks/);
          expect(JSON.stringify(notices)).not.toContain(sshd!.user.password);
        }
        expect(await noticesOf(env(), editor.token)).toHaveLength(0);

        // openOrgConnector refuses it: browsing says why.
        const browse = await env().call('GET', `/v1/orgs/${acme.orgId}/connectors/${gone}/entries`, {
          token: acme.adminToken,
        });
        expect(browse.json()).toMatchObject({ code: 'connector_unusable' });
        expect(browse.json().message).toContain('is paused');

        // A paused connector is no longer checked; the healthy one still is.
        const before = third.lastCheckAt;
        env().clock.advance(DAY);
        await sweeps.tick();
        expect((await health(gone)).lastCheckAt).toBe(before);
        expect((await health(healthy)).lastCheckAt).not.toBe(before);
        expect(await auditOf(env(), acme.orgId, acme.adminToken, { action: 'connectors.paused' })).toHaveLength(1);
      });

      it('never checks or pauses an SFTP connector whose host key waits to be confirmed; once trusted it is checked', async () => {
        // Four sweeps ran: a check would have failed each time (openOrgConnector refuses it) and paused it.
        const waiting = await connectorOf(env(), acme.orgId, acme.adminToken, unconfirmed);
        expect(waiting).toMatchObject({ needsIdentity: true, identity: null });
        expect(waiting.health).toMatchObject({ status: 'active', consecutiveFailures: 0, lastCheckOk: false });
        const listed = await env().call('GET', `/v1/orgs/${acme.orgId}/connectors`, { token: acme.adminToken });
        const items: Array<{ id: string; needsIdentity: boolean }> = listed.json().items;
        expect(items.map((item) => [item.id, item.needsIdentity])).toEqual(
          expect.arrayContaining([
            [unconfirmed, true],
            [healthy, false],
          ]),
        );

        // The admin's test report was kept, so the fingerprint it showed can still be confirmed.
        const trusted = await env().call('POST', `/v1/orgs/${acme.orgId}/connectors/${unconfirmed}/trust`, {
          token: acme.adminToken,
          body: { fingerprint: unknownKey },
        });
        expect(trusted.statusCode, trusted.body).toBe(200);
        expect(trusted.json().needsIdentity).toBe(false);
        env().clock.advance(DAY);
        await sweeps.tick();
        expect(await health(unconfirmed)).toMatchObject({
          status: 'active',
          lastCheckOk: true,
          consecutiveFailures: 0,
        });
      });
    },
    () => ({ jobs: FAST }),
  );
});
