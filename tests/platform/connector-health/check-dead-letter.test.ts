// A connector check the platform cannot run (its vault's key service does not answer) is retried, then given up:
// the connector's owner and the admins are told and it is audited; the connector's own health is left alone.
import { beforeAll, expect, it } from 'vitest';
import { ManagedKeyProvider, memoryKeyStore } from '../../../platform/vault/managed-key-provider';
import { FAST, until } from '../jobs/jobs-harness';
import { addMember, auditOf, forEachDatabase, setUp, type TestEnv } from '../platform-harness';
import { connectorOf, failingKeys, noticesOf, sweepDriver } from './health-kit';

let keys: ReturnType<typeof failingKeys>;

forEachDatabase(
  (env: () => TestEnv) => {
    beforeAll(() => {
      keys.failing = false;
    });

    it('retries the check 3 times, then notifies the owner and the admins and audits jobs.failed', async () => {
      const acme = await setUp(env());
      const other = await addMember(env(), acme.orgId, acme.adminToken, 'admin');
      const editor = await addMember(env(), acme.orgId, acme.adminToken, 'editor');
      const created = await env().call('POST', `/v1/orgs/${acme.orgId}/connectors`, {
        token: acme.adminToken,
        body: {
          name: 'Partner SFTP',
          kind: 'sftp',
          options: { host: '127.0.0.1', port: 1, username: 'data', hostKeyFingerprint: `SHA256:${'A'.repeat(43)}` },
          secrets: { password: 'hunter2-vault-secret' },
        },
      });
      expect(created.statusCode, created.body).toBe(201);
      const id = created.json().id as string;
      const sweeps = await sweepDriver(env().db);
      try {
        keys.failing = true;
        await sweeps.tick();
        await until('the owner was told', async () => (await noticesOf(env(), acme.adminToken)).length > 0);
      } finally {
        keys.failing = false;
        await sweeps.stop();
      }
      for (const token of [acme.adminToken, other.token]) {
        const notices = await noticesOf(env(), token);
        expect(notices).toHaveLength(1);
        expect(notices[0]).toMatchObject({
          kind: 'job.failed',
          subjectType: 'connector',
          subjectId: id,
          params: {
            queue: 'connector-check',
            attempts: 3,
            errorCode: 'EKEYSERVICE',
            what: 'The daily check of connector "Partner SFTP"',
          },
        });
        expect(JSON.stringify(notices)).not.toContain('hunter2');
      }
      expect(await noticesOf(env(), editor.token)).toHaveLength(0);
      const audit = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'jobs.failed' });
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        targetType: 'connector',
        targetId: id,
        reason: 'connector-check: given up after 3 attempt(s) (EKEYSERVICE)',
      });
      // The platform failed, not the storage: no failure counted, nothing paused.
      const health = (await connectorOf(env(), acme.orgId, acme.adminToken, id)).health;
      expect(health).toMatchObject({ status: 'active', consecutiveFailures: 0, lastCheckAt: null });
    });
  },
  () => ({
    vault: (keys = failingKeys(new ManagedKeyProvider(memoryKeyStore()))),
    connectorChecks: { retryDelaySeconds: 0 },
    jobs: FAST,
  }),
);
