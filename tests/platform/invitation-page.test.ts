// The invitation link opened in a browser: a human page (strict CSP, no script) in the invitation's language, the
// form accepting it (new account, or the existing account's password), and the JSON API unchanged for clients.
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { PASSWORD, auditOf, forEachDatabase, setUp, type SetUpOrg, type TestEnv } from './platform-harness';

const HTML = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

const logLines: string[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

function form(fields: Record<string, string>) {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: HTML },
    payload: new URLSearchParams(fields).toString(),
  };
}

async function invite(env: TestEnv, org: SetUpOrg, email: string, language: 'en' | 'fr', role = 'editor') {
  const res = await env.call('POST', `/v1/orgs/${org.orgId}/invitations`, {
    token: org.adminToken,
    body: { email, role, language },
  });
  expect(res.statusCode, res.body).toBe(201);
  const link = new URL(res.json().link as string);
  return { link, path: link.pathname + link.search, token: link.searchParams.get('token') as string };
}

const page = (env: TestEnv, url: string, language?: string) =>
  env.app.inject({
    method: 'GET',
    url,
    headers: { accept: HTML, ...(language !== undefined ? { 'accept-language': language } : {}) },
  });

forEachDatabase(
  (env) => {
    let acme: SetUpOrg;

    it('opens a French page for a French invitation: organisation, sender, role, deep link, form; strict CSP', async () => {
      acme = await setUp(env());
      const { path, token } = await invite(env(), acme, `chloe.${env().kind}@example.org`, 'fr');
      const res = await page(env(), path, 'en-GB');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("form-action 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
      expect(csp).not.toContain('script-src');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toContain('<html lang="fr">');
      expect(res.body).toContain(
        'Ada Admin (ada@acme.example) vous invite à rejoindre Acme sur Ferry en tant que éditeur.',
      );
      expect(res.body).toContain('<form method="post" action="/v1/invitations/accept">');
      expect(res.body).toContain(
        `href="ferry://join?platform=${encodeURIComponent('https://ferry.example')}&amp;token=${token}"`,
      );
      expect(res.body).toContain('Ouvrir dans Ferry');
      expect(res.body).not.toMatch(/<script|\son[a-z]+=/i);
      // A programmatic client on the same URL still gets the JSON preview.
      const json = await env().call('GET', path);
      expect(json.statusCode).toBe(200);
      expect(json.json()).toMatchObject({ organisationName: 'Acme', role: 'editor', language: 'fr' });
    });

    it('opens an English page for an English invitation, whatever the browser prefers', async () => {
      const { path } = await invite(env(), acme, `sam.${env().kind}@example.org`, 'en', 'viewer');
      const res = await page(env(), path, 'fr-FR');
      expect(res.statusCode).toBe(200);
      expect(res.body).toContain('<html lang="en">');
      expect(res.body).toContain('Ada Admin (ada@acme.example) invites you to join Acme on Ferry as viewer.');
      expect(res.body).toContain('Open in Ferry');
    });

    it('accepts through the form: the account is created with the invited role, and the link then stops working', async () => {
      const email = `chloe.${env().kind}@example.org`;
      const own = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email, role: 'editor', language: 'fr' },
      });
      expect(own.statusCode).toBe(201);
      const mine = new URL(own.json().link as string).searchParams.get('token') as string;

      const differ = await env().app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        ...form({ token: mine, mode: 'create', name: 'Chloé', password: PASSWORD, confirm: 'another passphrase' }),
      });
      expect(differ.statusCode).toBe(400);
      expect(differ.body).toContain('Les deux mots de passe diffèrent');
      expect(differ.body).toContain('value="Chloé"');

      const done = await env().app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        ...form({ token: mine, mode: 'create', name: 'Chloé', password: PASSWORD, confirm: PASSWORD }),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.headers['content-security-policy']).toContain("default-src 'none'");
      expect(done.body).toContain('Vous avez rejoint Acme en tant que éditeur.');
      const login = await env().call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
      expect(login.statusCode).toBe(200);
      const me = await env().call('GET', '/v1/me', { token: login.json().token });
      expect(me.json().memberships).toEqual([expect.objectContaining({ orgId: acme.orgId, role: 'editor' })]);
      const again = await page(env(), `/v1/invitations/accept?token=${mine}`);
      expect(again.statusCode).toBe(410);
      expect(again.body).toContain("Ce lien d'invitation n'est pas valable");
      const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'invitations.accept' });
      expect(events.filter((e) => e.outcome === 'success').map((e) => e.principalLabel)).toContain(email);
    });

    it('an existing account joins with its password; a wrong password is refused and counted', async () => {
      const email = `lou.${env().kind}@example.org`;
      const first = await invite(env(), acme, email, 'en', 'viewer');
      const created = await env().app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        ...form({ token: first.token, mode: 'create', name: 'Lou', password: PASSWORD, confirm: PASSWORD }),
      });
      expect(created.statusCode).toBe(200);
      // Lou leaves; a new invitation finds the account existing.
      const list = await env().call('GET', `/v1/orgs/${acme.orgId}/members?q=${encodeURIComponent(email)}`, {
        token: acme.adminToken,
      });
      const louId = list.json().items[0].id as string;
      const removed = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${louId}`, {
        token: acme.adminToken,
      });
      expect(removed.statusCode, removed.body).toBeLessThan(300);
      const second = await invite(env(), acme, email, 'en', 'editor');
      const asNew = await env().app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        ...form({ token: second.token, mode: 'create', name: 'Lou', password: PASSWORD, confirm: PASSWORD }),
      });
      expect(asNew.statusCode).toBe(409);
      expect(asNew.body).toContain(`An account already exists for ${email}: type its password to join.`);
      expect(asNew.body).toContain('name="mode" value="sign-in"');
      const wrong = await env().app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        ...form({ token: second.token, mode: 'sign-in', password: 'not the password at all' }),
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body).toContain('The password is wrong.');
      const joined = await env().app.inject({
        method: 'POST',
        url: '/v1/invitations/accept',
        ...form({ token: second.token, mode: 'sign-in', password: PASSWORD }),
      });
      expect(joined.statusCode, joined.body).toBe(200);
      expect(joined.body).toContain('You joined Acme as editor.');
      const denied = await auditOf(env(), acme.orgId, acme.adminToken, {
        action: 'invitations.accept',
        outcome: 'denied',
      });
      expect(denied.map((e) => e.reason)).toEqual(expect.arrayContaining(['sign_in_required', 'invalid_credentials']));
    });

    it('an unknown, used or expired token gets a page saying so, in the invitation language or the browser one', async () => {
      const unknown = await page(env(), `/v1/invitations/accept?token=ferry_inv_${'x'.repeat(49)}`, 'fr-CH,fr;q=0.9');
      expect(unknown.statusCode).toBe(410);
      expect(unknown.body).toContain('<html lang="fr">');
      expect(unknown.body).toContain("Ce lien d'invitation n'est pas valable");
      expect(unknown.headers['content-security-policy']).toContain("default-src 'none'");
      const { path } = await invite(env(), acme, `eve.${env().kind}@example.org`, 'en');
      env().clock.advance(8 * 86_400_000);
      try {
        const expired = await page(env(), path, 'fr');
        expect(expired.statusCode).toBe(410);
        expect(expired.body).toContain('<html lang="en">');
        expect(expired.body).toContain('This invitation link is not valid');
        expect(expired.body).not.toContain('<form');
      } finally {
        env().clock.advance(-8 * 86_400_000);
      }
    });
  },
  () => ({ publicUrl: 'https://ferry.example', logger: { level: 'info', stream: logStream } }),
);

it('never writes an invitation token or a password to the log', () => {
  const log = logLines.join('');
  expect(log).toContain('/v1/invitations/accept?token=[redacted]');
  expect(log).not.toMatch(/ferry_inv_[0-9A-Za-z]{49}/);
  expect(log).not.toContain(PASSWORD);
});
