// Issue 9 item 11: a flood of refused requests writes a bounded number of rows per caller (plus one summary), and a
// refusal's target ID is stored only when it names something of that organisation ("unknown id" otherwise): members,
// offers, offer files, acquisitions (the buyer's) and delivery targets.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { addOfferFile } from '../../platform/offers/offer-file-ledger';
import { addMember, auditOf, forEachDatabase, setUp, type SetUpOrg, type TestEnv } from './platform-harness';

/** A file added to an offer through the ledger (available at once; its bytes are never read here). */
async function addFile(env: TestEnv, orgId: string, offerId: string, name: string): Promise<string> {
  return env.db.transaction((tx) =>
    addOfferFile(
      tx,
      { now: env.clock.now, jobs: { send: async () => undefined } as never },
      {
        offerId,
        orgId,
        path: name,
        size: name.length,
        sha256: createHash('sha256').update(name).digest('hex'),
        storageKey: `never-read/${name}`,
        origin: 'agent',
        pending: false,
      },
    ),
  );
}

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

    it('stores an offer, offer file, acquisition or delivery target ID only when it is one of this organisation', async () => {
      const call = async (method: string, url: string, body?: unknown, status = 201) => {
        const res = await env().call(method, url, { token: acme.adminToken, body });
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
        return res.json().id as string;
      };
      const other = (await env().call('POST', '/v1/orgs', { token: acme.adminToken, body: { name: 'Other' } })).json()
        .id as string;
      // A published one-shot offer with one file in each organisation; each acquires the other's, with a target.
      const offerOf = async (orgId: string, name: string) => {
        const offerId = await call('POST', `/v1/orgs/${orgId}/offers`, { title: name, kind: 'one-shot' });
        const fileId = await addFile(env(), orgId, offerId, `${name}.csv`);
        await call('POST', `/v1/orgs/${orgId}/offers/${offerId}/publish`, undefined, 200);
        return { offerId, fileId };
      };
      const mine = await offerOf(acme.orgId, 'mine');
      const theirs = await offerOf(other, 'theirs');
      const bought = await call('POST', `/v1/orgs/${acme.orgId}/acquisitions`, { offerId: theirs.offerId });
      // Acme is the provider of this one: an acquisition of its offer, but not one of its acquisitions.
      const sold = await call('POST', `/v1/orgs/${other}/acquisitions`, { offerId: mine.offerId });
      const myTarget = await call('POST', `/v1/orgs/${acme.orgId}/acquisitions/${bought}/targets`, { type: 'agent' });
      const theirTarget = await call('POST', `/v1/orgs/${other}/acquisitions/${sold}/targets`, { type: 'agent' });
      const hostile = encodeURIComponent('</td><script>alert(1)</script>');
      const o = `/v1/orgs/${acme.orgId}`;
      const cases: Array<{
        action: string;
        url: (id: string) => string;
        method: string;
        body?: unknown;
        ids: string[];
      }> = [
        {
          action: 'offers.update',
          method: 'PATCH',
          url: (id) => `${o}/offers/${id}`,
          body: { title: 'x' },
          ids: [hostile, 'off_0000000000000000000000', theirs.offerId, mine.offerId],
        },
        {
          action: 'offers.files.remove',
          method: 'DELETE',
          url: (id) => `${o}/offers/${mine.offerId}/files/${id}`,
          ids: [hostile, 'ofl_0000000000000000000000', theirs.fileId, mine.fileId],
        },
        {
          action: 'acquisitions.cancel',
          method: 'POST',
          url: (id) => `${o}/acquisitions/${id}/cancel`,
          ids: [hostile, 'acq_0000000000000000000000', sold, bought],
        },
        {
          action: 'deliveries.targets.delete',
          method: 'DELETE',
          url: (id) => `${o}/acquisitions/${bought}/targets/${id}`,
          ids: [hostile, 'dtg_0000000000000000000000', theirTarget, myTarget],
        },
      ];
      for (const c of cases) {
        // One viewer per kind of target: four refusals stay within the budget of one caller.
        const viewer = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
        for (const id of c.ids) {
          const res = await env().call(c.method, c.url(id), { token: viewer.token, body: c.body });
          expect([c.action, id, res.statusCode]).toEqual([c.action, id, 403]);
        }
        const denied = await auditOf(env(), acme.orgId, acme.adminToken, {
          action: c.action,
          principalId: viewer.id,
        });
        const own = c.ids[c.ids.length - 1]!;
        expect([c.action, denied.map((e) => e.targetId).sort()]).toEqual([
          c.action,
          [own, 'unknown id', 'unknown id', 'unknown id'].sort(),
        ]);
      }
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
