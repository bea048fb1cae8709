// Resending an invitation: the same link again, by SMTP when configured (a real SMTP sink) or back in the outbox;
// refused once the invitation is no longer pending. The list carries each invitation's role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../platform/mail/mailer';
import { startSmtpSink, type SmtpSink } from '../servers/smtp-sink';
import { mailBodyText } from '../servers/mail-body-text';
import { forEachDatabase, setUp, type SetUpOrg } from './platform-harness';
import { FAST, until } from './jobs/jobs-harness';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

describe('with SMTP', () => {
  forEachDatabase(
    (env) => {
      it('sends the e-mail again with the same link, and refuses an expired invitation', async () => {
        const acme = await setUp(env());
        const invitee = `rose.${env().kind}@example.org`;
        const created = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
          token: acme.adminToken,
          body: { email: invitee, role: 'viewer', language: 'fr' },
        });
        expect(created.statusCode).toBe(201);
        await sink.waitFor(invitee);
        const detail = `/v1/orgs/${acme.orgId}/invitations/${created.json().id}`;
        await until('the first e-mail recorded sent', async () => {
          return (await env().call('GET', detail, { token: acme.adminToken })).json().emailStatus === 'sent';
        });
        const resent = await env().call('POST', `${detail}/resend`, { token: acme.adminToken });
        expect(resent.statusCode, resent.body).toBe(200);
        expect(resent.json()).toMatchObject({ emailStatus: 'queued', link: created.json().link, role: 'viewer' });
        await until(
          'a second e-mail arrived',
          async () => sink.messages.filter((m) => m.to.includes(invitee)).length === 2,
        );
        const second = sink.messages.filter((m) => m.to.includes(invitee))[1]!;
        expect(mailBodyText(second.raw)).toContain('vous invite à rejoindre Acme sur Ferry en tant que lecteur');
        expect(mailBodyText(second.raw)).toContain(created.json().link);
        const events = await env().call('GET', `/v1/orgs/${acme.orgId}/audit?action=invitations.resend`, {
          token: acme.adminToken,
        });
        expect(events.json().items).toEqual([
          expect.objectContaining({ outcome: 'success', targetType: 'invitation', targetId: created.json().id }),
        ]);

        env().clock.advance(8 * 86_400_000);
        try {
          const late = await env().call('POST', `${detail}/resend`, { token: acme.adminToken });
          expect([late.statusCode, late.json().code]).toEqual([410, 'invitation_invalid']);
        } finally {
          env().clock.advance(-8 * 86_400_000);
        }
      });
    },
    () => ({
      mailer: smtpMailer({ host: '127.0.0.1', port: sink.port, from: 'ferry@acme.example' }),
      jobs: FAST,
      publicUrl: 'https://ferry.example',
    }),
  );
});

describe('without SMTP', () => {
  forEachDatabase(
    (env) => {
      let acme: SetUpOrg;
      it('puts the e-mail back in the outbox; an unknown invitation is not found; the list shows roles', async () => {
        acme = await setUp(env());
        const created = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
          token: acme.adminToken,
          body: { email: `tom.${env().kind}@example.org`, role: 'editor', language: 'en' },
        });
        const detail = `/v1/orgs/${acme.orgId}/invitations/${created.json().id}`;
        const resent = await env().call('POST', `${detail}/resend`, { token: acme.adminToken });
        expect(resent.statusCode).toBe(200);
        expect(resent.json()).toMatchObject({ emailStatus: 'outbox', link: created.json().link });
        const outbox = await env().call('GET', `/v1/orgs/${acme.orgId}/outbox`, { token: acme.adminToken });
        expect(outbox.json().items).toEqual([
          expect.objectContaining({ invitationId: created.json().id, subject: 'Invitation to join Acme on Ferry' }),
        ]);
        const list = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations`, { token: acme.adminToken });
        expect(list.json().items).toEqual([expect.objectContaining({ id: created.json().id, role: 'editor' })]);
        const unknown = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations/inv_unknown/resend`, {
          token: acme.adminToken,
        });
        expect(unknown.statusCode).toBe(404);
      });
    },
    () => ({ publicUrl: 'https://ferry.example' }),
  );
});
