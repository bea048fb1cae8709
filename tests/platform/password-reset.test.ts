// Password reset by e-mail through a real SMTP server (smtp-server sink): same answer for any address, a one-hour
// single-use link to a human page (strict CSP, no script, English or French), and every session ends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../platform/build-app';
import { openDatabase } from '../../platform/db/open-database';
import { smtpMailer } from '../../platform/mail/mailer';
import { startSmtpSink, type SmtpSink } from '../servers/smtp-sink';
import { mailBodyText } from '../servers/mail-body-text';
import { PASSWORD, addMember, auditOf, forEachDatabase, setUp, type SetUpOrg, type TestEnv } from './platform-harness';

const NEW_PASSWORD = 'a brand new passphrase';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

/** The reset e-mails (not invitations) that reached `to`. */
const resetMails = (to: string) => sink.messages.filter((m) => m.to.includes(to) && /reset-password/.test(m.raw));

/** Waits until `count` reset e-mails reached `to`; returns their text in arrival order. */
async function mailsTo(to: string, count: number): Promise<string[]> {
  for (let i = 0; i < 200; i++) {
    const found = resetMails(to);
    if (found.length >= count) return found.map((m) => mailBodyText(m.raw));
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`fewer than ${count} e-mails reached ${to}`);
}

const linkIn = (text: string) => new URL(/https?:\/\/\S+/.exec(text)?.[0] as string);

function form(fields: Record<string, string>) {
  return {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  };
}

async function requestReset(env: TestEnv, email: string, language = 'en') {
  return env.call('POST', '/v1/auth/password-reset', { body: { email, language } });
}

forEachDatabase(
  (env) => {
    let acme: SetUpOrg;

    it('answers the same for a known and an unknown address; only the known one gets an e-mail', async () => {
      acme = await setUp(env());
      const known = `lea.${env().kind}@example.org`;
      const lea = await addMember(env(), acme.orgId, acme.adminToken, 'editor', known);
      const a = await requestReset(env(), known, 'fr');
      const b = await requestReset(env(), `nobody.${env().kind}@example.org`, 'fr');
      expect(a.statusCode).toBe(202);
      expect([b.statusCode, b.json()]).toEqual([a.statusCode, a.json()]);
      const [text = ''] = await mailsTo(known, 1);
      const raw = resetMails(known)[0]?.raw ?? '';
      expect(raw).toMatch(/^Subject: Choisir un nouveau mot de passe Ferry$/m);
      expect(text).toContain('pendant 60 minutes');
      const link = linkIn(text);
      expect(link.origin + link.pathname).toBe('http://platform.test:8750/reset-password');
      expect(link.searchParams.get('lang')).toBe('fr');
      expect(link.searchParams.get('token')).toMatch(/^ferry_pr_[0-9A-Za-z]{49}$/);
      expect(resetMails(`nobody.${env().kind}@example.org`)).toEqual([]);
      const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'auth.password-reset.request' });
      expect(events).toEqual([
        expect.objectContaining({
          outcome: 'success',
          principalType: 'anonymous',
          targetType: 'member',
          targetId: lea.id,
        }),
      ]);
    });

    it('the link opens a French page without script; the form sets the password once and ends every session', async () => {
      const email = `lea.${env().kind}@example.org`;
      const oldSession = (await env().call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } })).json()
        .token as string;
      const link = linkIn((await mailsTo(email, 1))[0] ?? '');
      const page = await env().app.inject({ method: 'GET', url: link.pathname + link.search });
      expect(page.statusCode).toBe(200);
      expect(page.headers['content-type']).toMatch(/^text\/html/);
      expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      expect(page.headers['content-security-policy']).toContain("form-action 'self'");
      expect(page.headers['referrer-policy']).toBe('no-referrer');
      expect(page.body).toContain('<html lang="fr">');
      expect(page.body).toContain('Nouveau mot de passe');
      expect(page.body).not.toMatch(/<script|\son[a-z]+=/i);
      const token = link.searchParams.get('token') as string;
      expect(page.headers['content-security-policy']).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
      expect(page.body).toContain('<form method="post" action="/reset-password">');

      const differ = await env().app.inject({
        method: 'POST',
        url: '/reset-password',
        ...form({ token, lang: 'fr', password: NEW_PASSWORD, confirm: 'something else entirely' }),
      });
      expect(differ.statusCode).toBe(400);
      expect(differ.body).toContain('Les deux mots de passe diffèrent');
      const done = await env().app.inject({
        method: 'POST',
        url: '/reset-password',
        ...form({ token, lang: 'fr', password: NEW_PASSWORD, confirm: NEW_PASSWORD }),
      });
      expect(done.statusCode, done.body).toBe(200);
      expect(done.body).toContain('Votre mot de passe est changé');
      expect((await env().call('GET', '/v1/me', { token: oldSession })).statusCode).toBe(401);
      const old = await env().call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
      expect(old.statusCode).toBe(401);
      const fresh = await env().call('POST', '/v1/auth/login', { body: { email, password: NEW_PASSWORD } });
      expect(fresh.statusCode).toBe(200);
      // Single use: the page and the form now say the link is no longer valid.
      const again = await env().app.inject({ method: 'GET', url: link.pathname + link.search });
      expect(again.statusCode).toBe(410);
      expect(again.body).toContain("Ce lien n'est plus valable");
      expect(again.body).toContain('<a href="/reset-password?lang=fr">Demander un nouveau lien</a>');
      const reuse = await env().app.inject({
        method: 'POST',
        url: '/reset-password',
        ...form({ token, lang: 'en', password: 'yet another passphrase', confirm: 'yet another passphrase' }),
      });
      expect(reuse.statusCode).toBe(410);
      expect(reuse.body).toContain('This link is not valid any more');
      const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'auth.password-reset.complete' });
      expect(events.map((e) => [e.outcome, e.reason])).toEqual([
        ['denied', 'password_reset_invalid'],
        ['success', null],
      ]);
    });

    it('the API completes a reset once, within one hour, and completing ends the other links', async () => {
      const email = `max.${env().kind}@example.org`;
      await addMember(env(), acme.orgId, acme.adminToken, 'viewer', email);
      await requestReset(env(), email);
      await requestReset(env(), email);
      const [first = '', second = ''] = await mailsTo(email, 2);
      expect(first).toContain('Choosing a new password signs your account out everywhere.');
      const tokenOf = (text: string) => linkIn(text).searchParams.get('token') as string;
      const complete = (token: string, password = NEW_PASSWORD) =>
        env().call('POST', '/v1/auth/password-reset/complete', { body: { token, password } });
      expect((await complete(tokenOf(first))).statusCode).toBe(204);
      const used = await complete(tokenOf(first));
      expect([used.statusCode, used.json().code]).toEqual([410, 'password_reset_invalid']);
      expect((await complete(tokenOf(second))).statusCode).toBe(410);
      const wrongKind = await complete('ferry_inv_' + 'x'.repeat(49));
      expect(wrongKind.statusCode).toBe(410);

      await requestReset(env(), email);
      const [, , third = ''] = await mailsTo(email, 3);
      env().clock.advance(60 * 60_000 + 1000);
      try {
        expect((await complete(tokenOf(third))).statusCode).toBe(410);
      } finally {
        env().clock.advance(-(60 * 60_000 + 1000));
      }
    });

    it('sends at most 3 reset e-mails per hour to one account, still answering the same', async () => {
      const email = `noa.${env().kind}@example.org`;
      await addMember(env(), acme.orgId, acme.adminToken, 'viewer', email);
      const answers = [];
      for (let i = 0; i < 5; i++) answers.push((await requestReset(env(), email)).statusCode);
      expect(answers).toEqual([202, 202, 202, 202, 202]);
      await mailsTo(email, 3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(resetMails(email)).toHaveLength(3);
      const denied = await auditOf(env(), acme.orgId, acme.adminToken, {
        action: 'auth.password-reset.request',
        outcome: 'denied',
      });
      expect(denied.filter((e) => e.principalLabel === email).map((e) => e.reason)).toEqual([
        'reset_throttled',
        'reset_throttled',
      ]);
    });

    it('a person without the app asks for a link on the page itself', async () => {
      const email = `ona.${env().kind}@example.org`;
      await addMember(env(), acme.orgId, acme.adminToken, 'viewer', email);
      const ask = await env().app.inject({
        method: 'GET',
        url: '/reset-password',
        headers: { 'accept-language': 'en-GB' },
      });
      expect(ask.statusCode).toBe(200);
      expect(ask.body).toContain('<html lang="en">');
      expect(ask.body).toContain('<form method="post" action="/reset-password/request">');
      expect(ask.body).not.toMatch(/<script|\son[a-z]+=/i);
      const bad = await env().app.inject({
        method: 'POST',
        url: '/reset-password/request',
        ...form({ lang: 'en', email: 'not an address' }),
      });
      expect(bad.statusCode).toBe(400);
      expect(bad.body).toContain('Type a whole e-mail address');
      const answers = [];
      for (const address of [email, `nobody-else.${env().kind}@example.org`]) {
        const sent = await env().app.inject({
          method: 'POST',
          url: '/reset-password/request',
          ...form({ lang: 'en', email: address }),
        });
        answers.push([sent.statusCode, sent.body]);
      }
      expect(answers[0]).toEqual(answers[1]);
      expect(answers[0]?.[0]).toBe(202);
      expect(answers[0]?.[1]).toContain('If an account exists for this address');
      const [text = ''] = await mailsTo(email, 1);
      expect(linkIn(text).searchParams.get('lang')).toBe('en');
    });

    it('documents the reset routes in the OpenAPI document', async () => {
      const doc = (await env().call('GET', '/v1/openapi.json')).json();
      expect(doc.paths['/v1/auth/password-reset'].post.responses).toHaveProperty('202');
      expect(doc.paths['/v1/auth/password-reset/complete'].post.responses).toHaveProperty('204');
      expect(doc.paths).not.toHaveProperty('/reset-password');
    });
  },
  () => ({
    mailer: smtpMailer({ host: '127.0.0.1', port: sink.port, from: 'ferry@acme.example' }),
    publicUrl: 'http://platform.test:8750',
  }),
);

describe('without SMTP', () => {
  it('refuses every reset request alike with mail_unavailable', async () => {
    const database = await openDatabase({ kind: 'pglite' });
    const app = await buildApp({ db: database.db });
    try {
      await app.inject({
        method: 'POST',
        url: '/v1/setup',
        payload: { organisationName: 'Acme', name: 'Ada', email: 'ada@x.example', password: PASSWORD },
      });
      for (const email of ['ada@x.example', 'nobody@x.example']) {
        const res = await app.inject({ method: 'POST', url: '/v1/auth/password-reset', payload: { email } });
        expect([res.statusCode, res.json().code]).toEqual([503, 'mail_unavailable']);
        const page = await app.inject({
          method: 'POST',
          url: '/reset-password/request',
          ...form({ lang: 'fr', email }),
        });
        expect(page.statusCode).toBe(503);
        expect(page.body).toContain("Ce serveur ne peut pas envoyer d'e-mails");
      }
    } finally {
      await app.close();
      await database.close();
    }
  });
});
