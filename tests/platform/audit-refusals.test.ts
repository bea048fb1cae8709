// Issue 9 item 11: a flood of refused requests writes a bounded number of rows per caller (plus one summary), and a
// refusal's target ID is stored only when it names something of that organisation ("unknown id" otherwise).
import { expect, it } from 'vitest';
import { addMember, auditOf, forEachDatabase, setUp, type SetUpOrg } from './platform-harness';

forEachDatabase(
  (env) => {
    let acme: SetUpOrg;

    it('stores a refused target ID only when it is a well-formed ID of this organisation', async () => {
      acme = await setUp(env());
      const viewer = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
      const beta = (await env().call('POST', '/v1/orgs', { token: acme.adminToken, body: { name: 'Beta' } })).json();
      const foreign = await addMember(env(), beta.id, acme.adminToken, 'viewer');
      const targets = [
        encodeURIComponent('</td><script>alert(1)</script>'),
        encodeURIComponent('=HYPERLINK("http://evil.example")'),
        'usr_0000000000000000000000', // well-formed, but nobody
        foreign.id, // exists, in another organisation
        acme.adminId, // exists here
      ];
      for (const target of targets) {
        const res = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${target}`, { token: viewer.token });
        expect(res.statusCode).toBe(403);
      }
      const denied = await auditOf(env(), acme.orgId, acme.adminToken, {
        action: 'members.delete',
        principalId: viewer.id,
        sort: 'at',
        order: 'asc',
      });
      expect(denied.map((e) => e.targetId)).toEqual([
        'unknown id',
        'unknown id',
        'unknown id',
        'unknown id',
        acme.adminId,
      ]);
    });

    it('writes at most the budget of one caller per window, then one summary counting the rest', async () => {
      const flooder = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
      const calm = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
      for (let i = 0; i < 30; i++) {
        const res = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${acme.adminId}`, {
          token: flooder.token,
        });
        expect(res.statusCode).toBe(403); // every request is still refused
      }
      const rows = await auditOf(env(), acme.orgId, acme.adminToken, { principalId: flooder.id, outcome: 'denied' });
      expect(rows).toHaveLength(6);
      const summary = rows.filter((e) => e.action === 'audit.refusals-summarised');
      expect(summary).toHaveLength(1);
      expect(summary[0]?.reason).toMatch(/^25 more refused requests of this caller since .*, not recorded one by one$/);
      // Another caller has its own budget.
      await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${acme.adminId}`, { token: calm.token });
      expect(
        await auditOf(env(), acme.orgId, acme.adminToken, { principalId: calm.id, outcome: 'denied' }),
      ).toHaveLength(1);
      // A new window records one by one again.
      env().clock.advance(60_001);
      await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${acme.adminId}`, { token: flooder.token });
      const later = await auditOf(env(), acme.orgId, acme.adminToken, { principalId: flooder.id, outcome: 'denied' });
      expect(later).toHaveLength(7);
      expect(later[0]).toMatchObject({ action: 'members.delete', reason: 'role_too_low' });
    });

    it('bounds an anonymous flood per IP', async () => {
      for (let i = 0; i < 12; i++) {
        await env().call('GET', `/v1/orgs/${acme.orgId}/members`, { token: 'ferry_st_forged', ip: '203.0.113.7' });
      }
      const rows = (await auditOf(env(), acme.orgId, acme.adminToken, { outcome: 'denied' })).filter(
        (e) => e.ip === '203.0.113.7',
      );
      expect(rows).toHaveLength(6);
      expect(rows.filter((e) => e.action === 'audit.refusals-summarised')[0]?.reason).toMatch(/^7 more refused/);
    });
  },
  () => ({ auditRefusals: { perWindow: 5, windowMs: 60_000 } }),
);
