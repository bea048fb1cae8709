// NUL characters and lone surrogates in any string of a request: 400 invalid_input before the database, a quiet log.
// Issue 12: "../", absolute paths and control characters in import paths, folders, naming patterns and tus metadata.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { DrizzleQueryError } from 'drizzle-orm';
import { loggableError } from '../../platform/http/loggable-error';
import { addOfferFile } from '../../platform/offers/offer-file-ledger';
import { forEachDatabase, setUp, addMember, addApiKey, type SetUpOrg } from './platform-harness';

const lines: string[] = [];
// C0 controls and DEL, as a message must not carry them raw.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const storage = mkdtempSync(path.join(os.tmpdir(), 'ferry-hostile-'));
afterAll(() => rmSync(storage, { recursive: true, force: true }));
const stream = { write: (line: string) => void lines.push(line) };

const NUL = 'nul\u0000marker';
// Well-formed IDs of nothing: the guard refuses the strings before any lookup.
const OFFER = 'off_0000000000000000000000';
const CONNECTOR = 'con_0000000000000000000000';
const ACQUISITION = 'acq_0000000000000000000000';
const DELIVERY = 'dlv_0000000000000000000000';
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

/** A short random name part (each database's suite gets its own storage and names). */
function randomSuffix(): string {
  return Math.random().toString(36).slice(2, 8);
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
    // Issue 12: offers, imports, catalog, acquisitions, deliveries, downloads (IDs well-formed: the guard comes first).
    {
      name: 'offer title',
      method: 'POST',
      url: `/v1/orgs/${o}/offers`,
      body: JSON.stringify({ title: NUL, kind: 'one-shot' }),
    },
    {
      name: 'offer description (surrogate)',
      method: 'PATCH',
      url: `/v1/orgs/${o}/offers/${OFFER}`,
      body: json(`{"description":${LONE}}`),
    },
    {
      name: 'offer source folder',
      method: 'PATCH',
      url: `/v1/orgs/${o}/offers/${OFFER}`,
      body: JSON.stringify({ subscription: { source: { type: 'connector', connectorId: CONNECTOR, folder: NUL } } }),
    },
    { name: 'offers q', method: 'GET', url: `/v1/orgs/${o}/offers?q=nul%00marker` },
    { name: 'offer files q', method: 'GET', url: `/v1/orgs/${o}/offers/${OFFER}/files?q=nul%00marker` },
    { name: 'catalog q', method: 'GET', url: `/v1/orgs/${o}/catalog?q=nul%00marker` },
    {
      name: 'import path',
      method: 'POST',
      url: `/v1/orgs/${o}/offers/${OFFER}/imports`,
      body: JSON.stringify({ connectorId: CONNECTOR, paths: [NUL] }),
    },
    {
      name: 'import target folder (surrogate)',
      method: 'POST',
      url: `/v1/orgs/${o}/offers/${OFFER}/imports`,
      body: json(`{"connectorId":"${CONNECTOR}","paths":["a"],"targetFolder":${LONE}}`),
    },
    {
      name: 'naming pattern',
      method: 'POST',
      url: `/v1/orgs/${o}/acquisitions/${ACQUISITION}/targets`,
      body: JSON.stringify({ type: 'agent', namingPattern: `{offer}/${NUL}{name}` }),
    },
    {
      name: 'agent acknowledgement path',
      method: 'POST',
      url: `/v1/orgs/${o}/acquisitions/${ACQUISITION}/deliveries/${DELIVERY}/ack`,
      body: JSON.stringify({ path: NUL, sha256: 'a'.repeat(64), size: 1 }),
    },
    { name: 'offer ID', method: 'GET', url: `/v1/orgs/${o}/offers/nul%00marker` },
    { name: 'acquisition ID', method: 'GET', url: `/v1/orgs/${o}/acquisitions/nul%00marker/files` },
    { name: 'catalog offer ID (surrogate)', method: 'GET', url: `/v1/orgs/${o}/catalog/%ED%A0%80marker` },
    { name: 'download token', method: 'GET', url: '/v1/downloads/nul%00marker', auth: 'none' },
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
      expect(after.json().total).toBeLessThan(auditBefore + 60);
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

    /** Ada's session, Acme, a local connector, a draft subscription offer, an acquisition of another's offer. */
    let made: { token: string; o: string; connectorId: string; offerId: string; targets: string } | undefined;
    async function world() {
      if (made !== undefined) return made;
      const login = await env().call('POST', '/v1/auth/login', {
        body: { email: 'ada@acme.example', password: 'correct horse battery' },
      });
      const token = login.json().token as string;
      const mine = await env().call('GET', '/v1/orgs', { token });
      const orgId = (mine.json().items as Array<{ id: string; name: string }>).find((i) => i.name === 'Acme')!.id;
      const o = `/v1/orgs/${orgId}`;
      const ok = async (method: string, url: string, body?: unknown, status = 201) => {
        const res = await env().call(method, url, { token, body });
        expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(status);
        return res.json();
      };
      const root = path.join(storage, `source-${randomSuffix()}`);
      mkdirSync(root, { recursive: true });
      const connectorId = (await ok('POST', `${o}/connectors`, { name: 'Src', kind: 'local', options: { root } })).id;
      const offerId = (await ok('POST', `${o}/offers`, { title: 'Plain', kind: 'subscription' })).id;
      // An acquisition of another organisation's published offer, for delivery targets.
      const seller = (await ok('POST', '/v1/orgs', { name: `Seller ${randomSuffix()}` })).id as string;
      const sold = (await ok('POST', `/v1/orgs/${seller}/offers`, { title: 'Sold', kind: 'one-shot' })).id as string;
      await env().db.transaction((tx) =>
        addOfferFile(
          tx,
          { now: env().clock.now, jobs: { send: async () => undefined } as never },
          {
            offerId: sold,
            orgId: seller,
            path: 'f.csv',
            size: 1,
            sha256: createHash('sha256').update('f').digest('hex'),
            storageKey: 'never-read',
            origin: 'agent',
            pending: false,
          },
        ),
      );
      await ok('POST', `/v1/orgs/${seller}/offers/${sold}/publish`, undefined, 200);
      const acquisitionId = (await ok('POST', `${o}/acquisitions`, { offerId: sold })).id as string;
      made = { token, o, connectorId, offerId, targets: `${o}/acquisitions/${acquisitionId}/targets` };
      return made;
    }

    /** What a refused request must leave as it was. */
    async function state() {
      const { token, o, offerId, targets } = await world();
      const get = async (url: string) => (await env().call('GET', url, { token })).json();
      return {
        offers: (await get(`${o}/offers?limit=100`)).items.map((i: { title: string }) => i.title),
        offer: await get(`${o}/offers/${offerId}`),
        imports: (await get(`${o}/offers/${offerId}/imports`)).total,
        files: (await get(`${o}/offers/${offerId}/files`)).total,
        targets: (await get(targets)).items.length,
      };
    }

    /** `name: status code field clear|<body>`: clear when the message names no raw control character back. */
    async function refusal(name: string, method: string, url: string, body: unknown): Promise<string> {
      const res = await env().call(method, url, { token: (await world()).token, body });
      const answer = res.json();
      const clear = typeof answer.message === 'string' && answer.message !== '' && !CONTROL.test(answer.message);
      return `${name}: ${res.statusCode} ${answer.code} ${answer.issues?.[0]?.path ?? '-'} ${clear ? 'clear' : res.body}`;
    }

    it('refuses "../", absolute paths and control characters in import paths, folders, naming patterns and tus metadata; stores nothing', async () => {
      const { token, o, connectorId, offerId, targets } = await world();
      const before = await state();
      const results: string[] = [];
      const expected: string[] = [];
      const badPaths: Array<[string, string]> = [
        ['"../"', '../etc/passwd'],
        ['"../" inside', 'a/../../b'],
        ['absolute', '/etc/passwd'],
        ['drive letter', 'C:\\Windows'],
        ['backslash', '\\\\server\\share'],
        ['control character', 'a\u0001b'],
        ['ESC sequence', '\u001b[31mred'],
      ];
      for (const [what, bad] of badPaths) {
        const imports = `${o}/offers/${offerId}/imports`;
        results.push(await refusal(`import path ${what}`, 'POST', imports, { connectorId, paths: [bad] }));
        expected.push(`import path ${what}: 400 validation_failed - clear`);
        const folder = { connectorId, paths: ['a.csv'], targetFolder: bad };
        results.push(await refusal(`import target folder ${what}`, 'POST', imports, folder));
        expected.push(`import target folder ${what}: 400 validation_failed - clear`);
        const source = { subscription: { source: { type: 'connector', connectorId, folder: bad } } };
        results.push(await refusal(`source folder ${what}`, 'PATCH', `${o}/offers/${offerId}`, source));
        expected.push(`source folder ${what}: 400 validation_failed body.subscription.source.folder clear`);
        results.push(await refusal(`target folder ${what}`, 'POST', targets, { type: 'agent', folder: bad }));
        expected.push(`target folder ${what}: 400 validation_failed body.folder clear`);
      }
      for (const [what, pattern] of [
        ['"../"', '../{name}'],
        ['"../" inside', '{offer}/../../{name}'],
        ['absolute', '/etc/{name}'],
        ['drive letter', 'C:/{name}'],
        ['backslash', '{offer}\\..\\{name}'],
      ]) {
        results.push(
          await refusal(`naming pattern ${what}`, 'POST', targets, { type: 'agent', namingPattern: pattern }),
        );
        expected.push(`naming pattern ${what}: 400 validation_failed body.namingPattern clear`);
      }
      for (const [what, pattern] of [
        ['control character', '{offer}/\u0007{name}'],
        ['ESC sequence', '\u001b[31m{name}'],
      ]) {
        const res = await env().call('POST', targets, { token, body: { type: 'agent', namingPattern: pattern } });
        results.push(`naming pattern ${what}: ${res.statusCode} ${res.json().issues?.[0]?.path}`);
        expected.push(`naming pattern ${what}: 400 body.namingPattern`);
      }
      expect(results).toEqual(expected);
      expect(await state()).toEqual(before);

      // tus metadata is base64: the guard never sees it; the upload route checks the path and stores nothing.
      const uploads: string[] = [];
      const wanted: string[] = [];
      for (const [what, key, value] of [
        ['"../"', 'path', '../x.txt'],
        ['"../" inside', 'path', 'a/../../x.txt'],
        ['absolute', 'path', '/etc/passwd'],
        ['drive letter', 'path', 'C:\\x.txt'],
        ['NUL', 'path', 'a\u0000b.txt'],
        ['control character', 'path', 'a\u0007b.txt'],
        ['ESC sequence', 'filename', '\u001b[31mx.txt'],
        ['"..", as filename', 'filename', '..'],
        ['empty', 'path', ''],
      ] as const) {
        const meta = [key, 'sha256'].map(
          (k, i) => `${k} ${Buffer.from(i === 0 ? value : 'a'.repeat(64)).toString('base64')}`,
        );
        const res = await env().app.inject({
          method: 'POST',
          url: `${o}/offers/${offerId}/uploads`,
          headers: {
            authorization: `Bearer ${token}`,
            'tus-resumable': '1.0.0',
            'upload-length': '1',
            'upload-metadata': meta.join(','),
          },
        });
        const clear = res.body.trim() !== '' && !CONTROL.test(res.body.trimEnd());
        uploads.push(
          `upload ${what}: ${res.statusCode} ${clear ? 'clear' : JSON.stringify(res.body)} ${res.headers.location ?? ''}`,
        );
        wanted.push(`upload ${what}: 400 clear `);
      }
      expect(uploads).toEqual(wanted);
      expect(await state()).toEqual(before);
      // Nothing under any uploads folder of the offer storage (the store writes an upload's bytes and .json there).
      const stored = readdirSync(storage, { recursive: true })
        .map(String)
        .filter((f) => f.includes('uploads/'));
      expect(stored).toEqual([]);
    });

    it('keeps ordinary text in descriptions: new lines, tabs, accents, emoji', async () => {
      const { token, o, offerId } = await world();
      const description = 'Line 1\nLine 2\r\n\tindented: Zoë 🚢 שלום';
      const res = await env().call('PATCH', `${o}/offers/${offerId}`, { token, body: { description } });
      expect([res.statusCode, res.json().description]).toEqual([200, description]);
    });

    // A CR LF in a title could forge a mail header or a log line; an escape sequence recolour a terminal.
    it('refuses control characters in offer titles and descriptions; stores nothing', async () => {
      const { o, offerId } = await world();
      const before = await state();
      const results: string[] = [];
      for (const [what, text] of [
        ['BEL', 'a\u0007b'],
        ['ESC sequence', '\u001b[31mred'],
        ['CR LF', 'a\r\nInjected: yes'],
        ['DEL', 'a\u007fb'],
      ]) {
        results.push(await refusal(`new title ${what}`, 'POST', `${o}/offers`, { title: text, kind: 'one-shot' }));
        results.push(await refusal(`rename ${what}`, 'PATCH', `${o}/offers/${offerId}`, { title: text }));
      }
      for (const [what, text] of [
        ['BEL', 'a\u0007b'],
        ['ESC sequence', 'x\u001b[2Jy'],
      ]) {
        results.push(await refusal(`description ${what}`, 'PATCH', `${o}/offers/${offerId}`, { description: text }));
      }
      expect(results.map((r) => r.replace(/ (body\.\w+|-) clear$/, ' clear'))).toEqual(
        results.map((r) => `${r.slice(0, r.indexOf(':'))}: 400 validation_failed clear`),
      );
      expect(await state()).toEqual(before);
    });

    it('refuses control characters in the names people read: organisations, connectors, API keys', async () => {
      const { o, offerId } = await world();
      const results: string[] = [];
      for (const [what, text] of [
        ['CR LF', 'Acme\r\nBcc: all@example.org'],
        ['ESC sequence', '\u001b[31mAcme'],
        ['tab', 'a\tb'],
      ]) {
        results.push(await refusal(`organisation ${what}`, 'PATCH', o, { name: text }));
        results.push(await refusal(`new organisation ${what}`, 'POST', '/v1/orgs', { name: text }));
        results.push(await refusal(`connector ${what}`, 'POST', `${o}/connectors`, { name: text, kind: 'memory' }));
        results.push(await refusal(`API key ${what}`, 'POST', `${o}/api-keys`, { name: text, role: 'viewer' }));
      }
      for (const line of results) expect(line).toMatch(/^[^:]+: 400 validation_failed body\.name clear$/);
      // The offer made before is untouched by all of it.
      expect((await env().call('GET', `${o}/offers/${offerId}`, { token: (await world()).token })).statusCode).toBe(
        200,
      );
    });

    // The refusal shows the character escaped (an ESC sequence would reach a terminal or a UI as is), like path safety.
    it('names a refused naming pattern character escaped, never raw', async () => {
      const { targets } = await world();
      for (const pattern of ['{offer}/\u0007{name}', '\u001b[31m{name}']) {
        const line = await refusal('pattern', 'POST', targets, { type: 'agent', namingPattern: pattern });
        expect(line).toBe('pattern: 400 validation_failed body.namingPattern clear');
      }
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
  () => ({
    logger: { level: 'info', stream },
    offerStorage: { kind: 'local', folder: path.join(storage, `offers-${randomSuffix()}`) },
  }),
);
