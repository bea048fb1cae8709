import { expect, it } from 'vitest';
import { addApiKey, addMember, auditOf, forEachDatabase, setUp, type SetUpOrg } from './platform-harness';

forEachDatabase((env) => {
  let acme: SetUpOrg;

  it('records every change with time, principal, action, target, IP and outcome', async () => {
    acme = await setUp(env());
    const viewer = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
    await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${viewer.id}`, {
      token: acme.adminToken,
      body: { role: 'editor' },
      ip: '192.0.2.10',
    });
    const events = await auditOf(env(), acme.orgId, acme.adminToken, { order: 'asc' });
    expect(events.map((e) => e.action)).toEqual([
      'setup',
      'invitations.create',
      'invitations.accept',
      'members.update',
    ]);
    expect(events.at(-1)).toEqual({
      id: expect.stringMatching(/^evt_/),
      at: expect.any(String),
      principalType: 'user',
      principalId: acme.adminId,
      principalLabel: acme.adminEmail,
      action: 'members.update',
      targetType: 'member',
      targetId: viewer.id,
      targetLabel: `Member ${viewer.email}`,
      ip: '192.0.2.10',
      outcome: 'success',
      reason: null,
    });
    expect(events[2]).toMatchObject({ principalId: viewer.id, targetType: 'invitation' });
  });

  it('filters by action, outcome, principal, target and time, and pages', async () => {
    const before = env().clock.now().toISOString();
    env().clock.advance(1000);
    const viewer = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
    await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${viewer.id}`, { token: viewer.token });
    const since = await auditOf(env(), acme.orgId, acme.adminToken, { from: before });
    expect(since.map((e) => e.action)).toEqual(['members.delete', 'invitations.accept', 'invitations.create']);
    const untilBefore = await auditOf(env(), acme.orgId, acme.adminToken, { to: before });
    expect(untilBefore).toHaveLength(4);
    const denied = await auditOf(env(), acme.orgId, acme.adminToken, { outcome: 'denied' });
    expect(denied).toEqual([
      expect.objectContaining({
        action: 'members.delete',
        principalId: viewer.id,
        targetId: viewer.id,
        reason: 'role_too_low',
      }),
    ]);
    expect(await auditOf(env(), acme.orgId, acme.adminToken, { principalId: viewer.id })).toHaveLength(2);
    expect(await auditOf(env(), acme.orgId, acme.adminToken, { targetId: viewer.id })).toHaveLength(1);
    const page = await env().call('GET', `/v1/orgs/${acme.orgId}/audit?limit=2&offset=1&sort=action&order=asc`, {
      token: acme.adminToken,
    });
    expect(page.json()).toMatchObject({ total: 7, limit: 2, offset: 1 });
    expect(page.json().items.map((e: { action: string }) => e.action)).toEqual([
      'invitations.accept',
      'invitations.create',
    ]);
    const bad = await env().call('GET', `/v1/orgs/${acme.orgId}/audit?outcome=maybe`, { token: acme.adminToken });
    expect(bad.statusCode).toBe(400);
    // A domain by prefix: `members.*` is every members action, `invitations.*` both invitation events per member.
    const members = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'members.*' });
    expect(new Set(members.map((e) => e.action))).toEqual(new Set(['members.update', 'members.delete']));
    const invitations = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'invitations.*' });
    expect(invitations.map((e) => e.action).sort()).toEqual([
      'invitations.accept',
      'invitations.accept',
      'invitations.create',
      'invitations.create',
    ]);
    // The prefix is a whole segment (`member.*` matches nothing) and LIKE wildcards are refused, not interpreted.
    expect(await auditOf(env(), acme.orgId, acme.adminToken, { action: 'member.*' })).toEqual([]);
    for (const hostile of ['%', 'members%', 'members._', '*', 'members.*.x']) {
      const res = await env().call('GET', `/v1/orgs/${acme.orgId}/audit?action=${encodeURIComponent(hostile)}`, {
        token: acme.adminToken,
      });
      expect(res.statusCode, hostile).toBe(400);
    }
  });

  it('exports the filtered log as CSV, with formulas neutralised', async () => {
    const res = await env().call('POST', `/v1/orgs/${acme.orgId}/api-keys`, {
      token: acme.adminToken,
      body: {
        name: '=HYPERLINK("http://x"),"x"',
        role: 'viewer',
        expiresAt: new Date(env().clock.now().getTime() + 86_400_000).toISOString(),
      },
    });
    await env().call('GET', '/v1/me', { token: res.json().secret });
    await env().call('DELETE', `/v1/orgs/${acme.orgId}/api-keys/${res.json().apiKey.id}`, { token: acme.adminToken });
    await env().call('GET', '/v1/me', { token: res.json().secret });
    const csv = await env().call('GET', `/v1/orgs/${acme.orgId}/audit/export?outcome=denied`, {
      token: acme.adminToken,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toContain('attachment');
    const lines = csv.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,at,principalType,principalId,principalLabel,action,targetType,targetId,ip,outcome,reason,targetLabel',
    );
    const denied = await auditOf(env(), acme.orgId, acme.adminToken, { outcome: 'denied' });
    expect(lines).toHaveLength(1 + denied.length);
    expect(lines.at(-1)).toContain(
      `,api-key,${res.json().apiKey.id},"'=HYPERLINK(""http://x""),""x""",me.read,,,127.0.0.1,denied,api_key_deleted`,
    );
    const all = await env().call('GET', `/v1/orgs/${acme.orgId}/audit/export`, { token: acme.adminToken });
    const every = await auditOf(env(), acme.orgId, acme.adminToken);
    expect(all.body.trimEnd().split('\r\n')).toHaveLength(1 + every.length);
    expect(all.body.indexOf(every.at(-1)?.id as string)).toBeLessThan(all.body.indexOf(every[0]?.id as string));
  });

  it('keeps events for the configured retention and purges older ones', async () => {
    await env().call('PATCH', `/v1/orgs/${acme.orgId}`, { token: acme.adminToken, body: { auditRetentionDays: 2 } });
    const total = (await auditOf(env(), acme.orgId, acme.adminToken)).length;
    env().clock.advance(1 * 86_400_000);
    const none = await env().call('POST', `/v1/orgs/${acme.orgId}/audit/purge`, { token: acme.adminToken });
    expect(none.json()).toEqual({ purged: 0 });
    env().clock.advance(3 * 86_400_000);
    const purge = await env().call('POST', `/v1/orgs/${acme.orgId}/audit/purge`, { token: acme.adminToken });
    // Everything, including the first purge's own entry (3 days old by now).
    expect(purge.json()).toEqual({ purged: total + 1 });
    const left = await auditOf(env(), acme.orgId, acme.adminToken, { order: 'asc' });
    expect(left.map((e) => e.action)).toEqual(['audit.purge']);
    const tooLong = await env().call('PATCH', `/v1/orgs/${acme.orgId}`, {
      token: acme.adminToken,
      body: { auditRetentionDays: 0 },
    });
    expect(tooLong.statusCode).toBe(400);
  });

  it('keeps each organisation to its own log', async () => {
    const beta = (await env().call('POST', '/v1/orgs', { token: acme.adminToken, body: { name: 'Beta' } })).json();
    await addApiKey(env(), beta.id, acme.adminToken, 'viewer');
    const betaEvents = await auditOf(env(), beta.id, acme.adminToken);
    expect(betaEvents.map((e) => e.action)).toEqual(['api-keys.create', 'organisations.create']);
    const acmeEvents = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'api-keys.create' });
    expect(acmeEvents).toHaveLength(0);
  });
});
