// NUL characters and lone surrogates in any string of a request: 400 invalid_input before the database, a quiet log.
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm';
import { loggableError } from '../../platform/http/loggable-error';
import { forEachDatabase, setUp, addMember, addApiKey, type SetUpOrg } from './platform-harness';

const lines: string[] = [];
const stream = { write: (line: string) => void lines.push(line) };

const NUL = 'nul\u0000marker';
// In JSON text, so the parser (not the test) produces the lone surrogate.
const LONE = '"lone\\ud800marker"';

/** One hostile request: where the string goes and which credentials the route needs. */
interface HostileCase {
  readonly name: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly body?: string;
  readonly auth?: 'admin' | 'none';
  readonly headers?: Record<string, string>;
}

function cases(org: SetUpOrg, memberId: string, keyId: string): HostileCase[] {
  const o = org.orgId;
  const json = (text: string): string => text;
  return [
    // Bodies: NUL as JSON escape, lone surrogate as JSON escape.
    {
      name: 'setup body',
      method: 'POST',
      url: '/v1/setup',
      auth: 'none',
      body: JSON.stringify({
        organisationName: NUL,
        name: 'A',
        email: 'a@b.example',
        password: 'correct horse battery',
      }),
    },
    {
      name: 'login e-mail',
      method: 'POST',
      url: '/v1/auth/login',
      auth: 'none',
      body: JSON.stringify({ email: NUL, password: 'x' }),
    },
    {
      name: 'login password (surrogate)',
      method: 'POST',
      url: '/v1/auth/login',
      auth: 'none',
      body: json(`{"email":"a@b.example","password":${LONE}}`),
    },
    {
      name: 'password reset e-mail',
      method: 'POST',
      url: '/v1/auth/password-reset',
      auth: 'none',
      body: JSON.stringify({ email: NUL }),
    },
    { name: 'organisation name', method: 'POST', url: '/v1/orgs', body: JSON.stringify({ name: NUL }) },
    { name: 'organisation rename (surrogate)', method: 'PATCH', url: `/v1/orgs/${o}`, body: json(`{"name":${LONE}}`) },
    {
      name: 'invitation e-mail',
      method: 'POST',
      url: `/v1/orgs/${o}/invitations`,
      body: JSON.stringify({ email: NUL, role: 'viewer', language: 'en' }),
    },
    {
      name: 'invitation accept token',
      method: 'POST',
      url: '/v1/invitations/accept',
      auth: 'none',
      body: JSON.stringify({ token: NUL, name: 'x', password: 'correct horse battery' }),
    },
    {
      name: 'API key name',
      method: 'POST',
      url: `/v1/orgs/${o}/api-keys`,
      body: JSON.stringify({ name: NUL, role: 'viewer', expiresAt: new Date(Date.now() + 86_400_000).toISOString() }),
    },
    {
      name: 'member role key (surrogate key)',
      method: 'PATCH',
      url: `/v1/orgs/${o}/members/${memberId}`,
      body: json(`{${LONE}:"x","role":"editor"}`),
    },
    // Query filters (an encoded lone surrogate is invalid UTF-8 there: the query parser makes it U+FFFD, harmless).
    { name: 'members q', method: 'GET', url: `/v1/orgs/${o}/members?q=nul%00marker` },
    { name: 'invitations q', method: 'GET', url: `/v1/orgs/${o}/invitations?q=nul%00marker` },
    { name: 'API keys q', method: 'GET', url: `/v1/orgs/${o}/api-keys?q=nul%00marker` },
    { name: 'audit action filter', method: 'GET', url: `/v1/orgs/${o}/audit?action=nul%00marker` },
    { name: 'audit principal filter', method: 'GET', url: `/v1/orgs/${o}/audit?principalId=nul%00marker` },
    { name: 'audit target filter', method: 'GET', url: `/v1/orgs/${o}/audit?targetId=nul%00marker` },
    { name: 'audit export filter', method: 'GET', url: `/v1/orgs/${o}/audit/export?action=nul%00marker` },
    { name: 'invitation preview token', method: 'GET', url: '/v1/invitations/accept?token=nul%00marker', auth: 'none' },
    // Path IDs.
    { name: 'organisation ID', method: 'GET', url: '/v1/orgs/nul%00marker' },
    { name: 'organisation ID (surrogate)', method: 'GET', url: '/v1/orgs/%ED%A0%80marker/members' },
    { name: 'organisation ID, unauthenticated', method: 'GET', url: '/v1/orgs/nul%00marker/members', auth: 'none' },
    { name: 'member ID', method: 'GET', url: `/v1/orgs/${o}/members/nul%00marker` },
    { name: 'member ID delete', method: 'DELETE', url: `/v1/orgs/${o}/members/nul%00marker` },
    { name: 'invitation ID', method: 'GET', url: `/v1/orgs/${o}/invitations/nul%00marker` },
    { name: 'API key ID', method: 'GET', url: `/v1/orgs/${o}/api-keys/nul%00marker` },
    { name: 'API key ID delete', method: 'DELETE', url: `/v1/orgs/${o}/api-keys/${keyId}%00marker` },
    { name: 'audit purge org', method: 'POST', url: '/v1/orgs/nul%00marker/audit/purge' },
    // Headers that reach queries (a real HTTP parser refuses NUL in headers; inject does not).
    {
      name: 'bearer token',
      method: 'GET',
      url: '/v1/me',
      auth: 'none',
      headers: { authorization: `Bearer ferry_st_${NUL}` },
    },
  ];
}

forEachDatabase(
  (env) => {
    it('refuses every route family with 400 invalid_input, writes nothing, logs no stack and no value', async () => {
      const org = await setUp(env());
      const member = await addMember(env(), org.orgId, org.adminToken, 'viewer');
      const key = await addApiKey(env(), org.orgId, org.adminToken, 'viewer');
      const auditBefore = (
        await env().call('GET', `/v1/orgs/${org.orgId}/audit?limit=1`, { token: org.adminToken })
      ).json().total as number;
      lines.length = 0;
      const results: string[] = [];
      for (const c of cases(org, member.id, key.id)) {
        const res = await env().app.inject({
          method: c.method,
          url: c.url,
          headers: {
            ...(c.auth === 'none' ? {} : { authorization: `Bearer ${org.adminToken}` }),
            ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...c.headers,
          },
          ...(c.body !== undefined ? { payload: c.body } : {}),
        });
        const body = res.json();
        const echoed = JSON.stringify(body).includes('marker') ? ' (echoes the value)' : '';
        results.push(`${c.name}: ${res.statusCode} ${body.code}${echoed}`);
      }
      expect(results).toEqual(cases(org, member.id, key.id).map((c) => `${c.name}: 400 invalid_input`));
      const log = lines.join('');
      expect(log).not.toMatch(/"stack"|\n\s+at /);
      expect(log).not.toMatch(/\\u0000|\\ud800|lone|"params"|"query"/);
      expect(log).not.toContain(NUL);
      expect(log).not.toMatch(/"level":50/);
      // Refusals after authentication with clean IDs are audited; nothing else was written.
      const after = await env().call('GET', `/v1/orgs/${org.orgId}/audit?outcome=denied&limit=200`, {
        token: org.adminToken,
      });
      expect(after.json().items.every((e: { reason: string }) => e.reason === 'invalid_input')).toBe(true);
      expect(after.json().total).toBeGreaterThan(0);
      expect(after.json().total).toBeLessThan(auditBefore + 30);
    });

    it('still accepts ordinary Unicode: accents, emoji (surrogate pairs), right-to-left text', async () => {
      const org = (await env().call('POST', '/v1/setup')).statusCode;
      expect(org).toBe(400); // already set up, body missing: an ordinary validation error
      const login = await env().app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'ada@acme.example', password: 'correct horse battery' },
      });
      const token = login.json().token as string;
      const created = await env().call('POST', '/v1/orgs', { token, body: { name: 'Zoë 🚢 שלום' } });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().name).toBe('Zoë 🚢 שלום');
      const search = await env().call('GET', `/v1/orgs/${created.json().id}/members?q=${encodeURIComponent('🚢')}`, {
        token,
      });
      expect(search.statusCode).toBe(200);
    });

    it('logs a failed query without its SQL, bound parameters or the values PostgreSQL quotes in its detail', async () => {
      const secret = 'param-value-8c1f';
      await env().db.execute(sql`create temporary table dup (v text primary key)`);
      await env().db.execute(sql`insert into dup values (${secret})`);
      const error = await env()
        .db.execute(sql`insert into dup values (${secret})`)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(DrizzleQueryError);
      const cause = (error as DrizzleQueryError).cause;
      // What the drivers attach: PGlite the query and its params, both the detail with the value.
      expect(JSON.stringify(cause, Object.getOwnPropertyNames(cause)) + String((error as Error).message)).toContain(
        secret,
      );
      const logged = JSON.stringify(loggableError(cause));
      expect(logged).not.toContain(secret);
      expect(logged).toContain('23505');
      expect(logged).toContain('duplicate key');
      expect(JSON.stringify(loggableError(error))).not.toContain(secret);
    });
  },
  () => ({ logger: { level: 'info', stream } }),
);
