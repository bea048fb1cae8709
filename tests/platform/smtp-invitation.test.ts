// Invitation e-mails through a real SMTP server (smtp-server sink), accepted through the link they carry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../platform/build-app';
import { openDatabase } from '../../platform/db/open-database';
import { smtpMailer } from '../../platform/mail/mailer';
import { freePort } from '../servers/free-port';
import { startSmtpSink, type SmtpSink } from '../servers/smtp-sink';
import { mailBodyText } from '../servers/mail-body-text';
import { PASSWORD, forEachDatabase, setUp } from './platform-harness';
import { FAST, until } from './jobs/jobs-harness';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

forEachDatabase(
  (env) => {
    it('sends the invitation e-mail in its language and the invitee joins through the link it carries', async () => {
      const acme = await setUp(env());
      const invitee = `ines.${env().kind}@example.org`;
      const created = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: invitee, role: 'editor', language: 'en' },
      });
      expect(created.statusCode).toBe(201);
      // The request only enqueued the e-mail; the mail job records how it went.
      expect(created.json().emailStatus).toBe('queued');
      const mail = await sink.waitFor(invitee);
      const detail = `/v1/orgs/${acme.orgId}/invitations/${created.json().id}`;
      await until('the job recorded the e-mail sent', async () => {
        const read = await env().call('GET', detail, { token: acme.adminToken });
        return read.json().emailStatus === 'sent';
      });
      expect(mail.from).toBe('ferry@acme.example');
      expect(mail.raw).toMatch(/^Subject: Invitation to join Acme on Ferry$/m);
      const text = mailBodyText(mail.raw);
      expect(text).toContain('Ada Admin invites you to join Acme on Ferry as editor.');
      const link = /https?:\/\/\S+/.exec(text)?.[0] as string;
      expect(link).toBe(created.json().link);
      const url = new URL(link);
      const preview = await env().call('GET', url.pathname + url.search);
      expect(preview.json()).toMatchObject({ email: invitee, organisationName: 'Acme', role: 'editor' });
      const accepted = await env().call('POST', url.pathname, {
        body: { token: url.searchParams.get('token'), name: 'Inès', password: PASSWORD },
      });
      expect(accepted.statusCode).toBe(201);
      expect(accepted.json()).toMatchObject({ role: 'editor', user: { email: invitee, name: 'Inès' } });
      // Sent e-mails do not wait in the outbox.
      const outbox = await env().call('GET', `/v1/orgs/${acme.orgId}/outbox`, { token: acme.adminToken });
      expect(outbox.json().items).toEqual([]);

      const fr = `jules.${env().kind}@example.org`;
      await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: fr, role: 'viewer', language: 'fr' },
      });
      const french = mailBodyText((await sink.waitFor(fr)).raw);
      expect(french).toContain('Ada Admin vous invite à rejoindre Acme sur Ferry en tant que lecteur.');
    });
  },
  () => ({
    mailer: smtpMailer({ host: '127.0.0.1', port: sink.port, from: 'ferry@acme.example' }),
    publicUrl: 'http://platform.test:8750',
    jobs: FAST,
  }),
);

describe('when the SMTP server cannot be reached', () => {
  it('keeps the invitation, marks the e-mail failed and puts it in the outbox', async () => {
    const database = await openDatabase({ kind: 'pglite' });
    const port = await freePort(); // nothing listens there
    const app = await buildApp({
      db: database.db,
      mailer: smtpMailer({ host: '127.0.0.1', port, from: 'f@x.example' }),
      jobs: FAST,
    });
    try {
      const setup = (
        await app.inject({
          method: 'POST',
          url: '/v1/setup',
          payload: { organisationName: 'Acme', name: 'Ada', email: 'ada@x.example', password: PASSWORD },
        })
      ).json();
      const headers = { authorization: `Bearer ${setup.token}` };
      const created = await app.inject({
        method: 'POST',
        url: `/v1/orgs/${setup.organisation.id}/invitations`,
        headers,
        payload: { email: 'kim@example.org', role: 'viewer', language: 'en' },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json()).toMatchObject({
        emailStatus: 'queued',
        link: expect.stringContaining('token=ferry_inv_'),
      });
      // The job's first failed attempt records it (pg-boss retries it later; a success would turn it to 'sent').
      const detail = `/v1/orgs/${setup.organisation.id}/invitations/${created.json().id}`;
      await until('the job recorded the failure', async () => {
        const read = await app.inject({ method: 'GET', url: detail, headers });
        return read.json().emailStatus === 'failed';
      });
      const outbox = await app.inject({ method: 'GET', url: `/v1/orgs/${setup.organisation.id}/outbox`, headers });
      expect(outbox.json().items).toEqual([
        expect.objectContaining({
          to: 'kim@example.org',
          status: 'failed',
          error: expect.stringContaining('ECONNREFUSED'),
        }),
      ]);
    } finally {
      await app.close();
      await database.close();
    }
  });
});
