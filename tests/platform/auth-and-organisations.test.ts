import { expect, it } from 'vitest';
import { forEachDatabase, PASSWORD, addApiKey, addMember, auditOf, setUp, type SetUpOrg } from './platform-harness';

forEachDatabase(
  (env) => {
    let acme: SetUpOrg;

    it('reports that setup is needed, then sets up the first organisation and its admin', async () => {
      expect((await env().call('GET', '/v1/setup')).json()).toEqual({ setupRequired: true });
      const bad = await env().call('POST', '/v1/setup', {
        body: { organisationName: 'X', name: 'Y', email: 'nope', password: 'short' },
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().code).toBe('validation_failed');
      expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(['body.email', 'body.password']);
      acme = await setUp(env());
      expect(acme.adminToken).toMatch(/^ferry_st_[0-9A-Za-z]{49}$/);
      expect((await env().call('GET', '/v1/setup')).json()).toEqual({ setupRequired: false });
    });

    it('refuses a second setup once an organisation exists', async () => {
      const res = await env().call('POST', '/v1/setup', {
        body: { organisationName: 'Evil', name: 'Eve', email: 'eve@example.org', password: PASSWORD },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toEqual({ code: 'already_set_up', message: expect.any(String) });
    });

    it('logs in with the right password only, case-insensitively on the e-mail, and audits both', async () => {
      const ok = await env().call('POST', '/v1/auth/login', {
        body: { email: 'ADA@acme.example', password: PASSWORD },
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().user.email).toBe('ada@acme.example');
      const wrong = await env().call('POST', '/v1/auth/login', {
        body: { email: 'ada@acme.example', password: 'wrong password' },
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.json().code).toBe('invalid_credentials');
      const unknown = await env().call('POST', '/v1/auth/login', {
        body: { email: 'who@acme.example', password: PASSWORD },
      });
      expect(unknown.statusCode).toBe(401);
      expect(unknown.json()).toEqual(wrong.json());
      const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'auth.login' });
      expect(events.map((e) => e.outcome).sort()).toEqual(['denied', 'success']);
      expect(events.find((e) => e.outcome === 'denied')).toMatchObject({
        principalLabel: 'ada@acme.example',
        reason: 'invalid_credentials',
      });
    });

    it('rate-limits login per client IP', async () => {
      const ip = '10.9.8.7';
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        const res = await env().call('POST', '/v1/auth/login', {
          ip,
          body: { email: 'x@acme.example', password: 'wrong password' },
        });
        statuses.push(res.statusCode);
        if (res.statusCode === 429) expect(res.json().code).toBe('rate_limited');
      }
      expect(statuses.slice(0, 6)).toEqual(Array(6).fill(401));
      expect(statuses.slice(6)).toEqual(Array(6).fill(429));
      // Another IP, another address (this one now also waits: failures are throttled per address too).
      const other = await env().call('POST', '/v1/auth/login', {
        ip: '10.9.8.8',
        body: { email: 'y@acme.example', password: 'wrong password' },
      });
      expect(other.statusCode).toBe(401);
    });

    it('says who the token stands for, and ends the session at logout', async () => {
      const login = await env().call('POST', '/v1/auth/login', {
        ip: '10.0.0.2',
        body: { email: 'ada@acme.example', password: PASSWORD },
      });
      const token = login.json().token;
      const me = await env().call('GET', '/v1/me', { token });
      expect(me.json()).toEqual({
        type: 'user',
        user: { id: acme.adminId, email: 'ada@acme.example', name: 'Ada Admin' },
        memberships: [{ orgId: acme.orgId, orgName: 'Acme', role: 'admin' }],
      });
      expect((await env().call('POST', '/v1/auth/logout', { token })).statusCode).toBe(204);
      const after = await env().call('GET', '/v1/me', { token });
      expect(after.statusCode).toBe(401);
      expect(after.json().code).toBe('unauthenticated');
      expect((await env().call('GET', '/v1/me')).statusCode).toBe(401);
      expect((await env().call('GET', '/v1/me', { token: 'ferry_st_garbage' })).statusCode).toBe(401);
    });

    it('expires sessions after their lifetime', async () => {
      const login = await env().call('POST', '/v1/auth/login', {
        ip: '10.0.0.3',
        body: { email: 'ada@acme.example', password: PASSWORD },
      });
      const token = login.json().token;
      expect(new Date(login.json().expiresAt).getTime() - env().clock.now().getTime()).toBeGreaterThan(29 * 86_400_000);
      env().clock.advance(31 * 86_400_000);
      try {
        expect((await env().call('GET', '/v1/me', { token })).statusCode).toBe(401);
      } finally {
        env().clock.advance(-31 * 86_400_000);
      }
      expect((await env().call('GET', '/v1/me', { token })).statusCode).toBe(401);
      const again = await env().call('POST', '/v1/auth/login', {
        ip: '10.0.0.3',
        body: { email: acme.adminEmail, password: PASSWORD },
      });
      acme = { ...acme, adminToken: again.json().token };
    });

    it('shows an API key its own identity and organisation', async () => {
      const key = await addApiKey(env(), acme.orgId, acme.adminToken, 'viewer');
      const me = await env().call('GET', '/v1/me', { token: key.secret });
      expect(me.json()).toEqual({ type: 'api-key', id: key.id, name: 'viewer key', orgId: acme.orgId, role: 'viewer' });
      const orgs = await env().call('GET', '/v1/orgs', { token: key.secret });
      expect(orgs.json().items.map((o: { id: string; role: string }) => [o.id, o.role])).toEqual([
        [acme.orgId, 'viewer'],
      ]);
      const logout = await env().call('POST', '/v1/auth/logout', { token: key.secret });
      expect(logout.statusCode).toBe(403);
      const create = await env().call('POST', '/v1/orgs', { token: key.secret, body: { name: 'Key Corp' } });
      expect(create.statusCode).toBe(403);
    });

    it('lets a signed-in person create more organisations and belong to several', async () => {
      const viewer = await addMember(env(), acme.orgId, acme.adminToken, 'viewer');
      const created = await env().call('POST', '/v1/orgs', { token: viewer.token, body: { name: 'Beta' } });
      expect(created.statusCode).toBe(201);
      const beta = created.json();
      expect(beta).toMatchObject({ name: 'Beta', auditRetentionDays: 365 });
      expect(beta.id).toMatch(/^org_/);
      const orgs = await env().call('GET', '/v1/orgs', { token: viewer.token });
      expect(orgs.json().items.map((o: { name: string; role: string }) => [o.name, o.role])).toEqual([
        ['Acme', 'viewer'],
        ['Beta', 'admin'],
      ]);
      const me = await env().call('GET', '/v1/me', { token: viewer.token });
      expect(me.json().memberships).toHaveLength(2);
      // Acme's admin is not a member of Beta: Beta is invisible to them.
      const foreign = await env().call('GET', `/v1/orgs/${beta.id}`, { token: acme.adminToken });
      expect(foreign.statusCode).toBe(404);
      const unknown = await env().call('GET', '/v1/orgs/org_doesnotexist', { token: acme.adminToken });
      expect(unknown.json()).toEqual(foreign.json());
    });

    it('lets admins rename the organisation and set the audit retention; the ID never changes', async () => {
      const patch = await env().call('PATCH', `/v1/orgs/${acme.orgId}`, {
        token: acme.adminToken,
        body: { name: 'Acme Data', auditRetentionDays: 90 },
      });
      expect(patch.statusCode).toBe(200);
      expect(patch.json()).toMatchObject({ id: acme.orgId, name: 'Acme Data', auditRetentionDays: 90 });
      const read = await env().call('GET', `/v1/orgs/${acme.orgId}`, { token: acme.adminToken });
      expect(read.json()).toMatchObject({ id: acme.orgId, name: 'Acme Data' });
      const empty = await env().call('PATCH', `/v1/orgs/${acme.orgId}`, { token: acme.adminToken, body: {} });
      expect(empty.statusCode).toBe(400);
      const idChange = await env().call('PATCH', `/v1/orgs/${acme.orgId}`, {
        token: acme.adminToken,
        body: { id: 'org_x', name: 'A' },
      });
      expect(idChange.statusCode).toBe(200);
      expect(idChange.json().id).toBe(acme.orgId);
      const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'organisations.update' });
      expect(events[0]).toMatchObject({
        outcome: 'success',
        principalId: acme.adminId,
        targetId: acme.orgId,
        ip: '127.0.0.1',
      });
    });

    it('answers unknown routes and malformed JSON with the error shape', async () => {
      const missing = await env().call('GET', '/v1/nothing');
      expect(missing.statusCode).toBe(404);
      expect(missing.json().code).toBe('not_found');
      const malformed = await env().app.inject({
        remoteAddress: '10.0.0.4',
        method: 'POST',
        url: '/v1/auth/login',
        headers: { 'content-type': 'application/json' },
        payload: '{"email":',
      });
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().code).toBe('malformed_request');
    });
  },
  () => ({ authRateLimit: { max: 6, timeWindowMs: 60_000 } }),
);
