import { expect, it } from 'vitest';
import { PASSWORD, addMember, auditOf, forEachDatabase, setUp, type SetUpOrg } from './platform-harness';

const tokenOf = (link: string) => new URL(link).searchParams.get('token') as string;

forEachDatabase(
  (env) => {
    let acme: SetUpOrg;
    let invitationId: string;
    let link: string;

    it('creates an invitation whose e-mail waits in the outbox when no SMTP is configured', async () => {
      acme = await setUp(env());
      const res = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: 'Chloe@Example.org', role: 'editor', language: 'fr' },
      });
      expect(res.statusCode).toBe(201);
      const inv = res.json();
      invitationId = inv.id;
      link = inv.link;
      expect(inv).toMatchObject({
        senderEmail: acme.adminEmail,
        email: 'chloe@example.org',
        role: 'editor',
        language: 'fr',
        emailStatus: 'outbox',
        acceptedAt: null,
      });
      expect(link).toMatch(/^https:\/\/ferry\.example\/v1\/invitations\/accept\?token=ferry_inv_[0-9A-Za-z]{49}$/);
      const lifetime = new Date(inv.expiresAt).getTime() - new Date(inv.createdAt).getTime();
      expect(lifetime).toBe(7 * 86_400_000);
      const outbox = await env().call('GET', `/v1/orgs/${acme.orgId}/outbox`, { token: acme.adminToken });
      expect(outbox.json().items).toHaveLength(1);
      const mail = outbox.json().items[0];
      expect(mail).toMatchObject({ invitationId, to: 'chloe@example.org', status: 'outbox' });
      expect(mail.subject).toBe('Invitation à rejoindre Acme sur Ferry');
      expect(mail.text).toContain('en tant que éditeur');
      expect(mail.text).toContain(link);
    });

    it('lists invitations with sender, invitee, role, created and expiry; filters and pages', async () => {
      await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: 'dan@example.org', role: 'viewer', language: 'en' },
      });
      const all = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations?sort=email`, { token: acme.adminToken });
      expect(all.json().total).toBe(2);
      expect(all.json().items[0]).toEqual({
        id: invitationId,
        senderEmail: acme.adminEmail,
        email: 'chloe@example.org',
        role: 'editor',
        createdAt: expect.any(String),
        expiresAt: expect.any(String),
        acceptedAt: null,
      });
      expect(all.json().items[0]).not.toHaveProperty('link');
      const filtered = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations?q=dan`, { token: acme.adminToken });
      expect(filtered.json().items.map((i: { email: string }) => i.email)).toEqual(['dan@example.org']);
      const paged = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations?sort=email&order=desc&limit=1`, {
        token: acme.adminToken,
      });
      expect(paged.json()).toMatchObject({ total: 2, limit: 1, items: [{ email: 'dan@example.org' }] });
      const view = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${invitationId}`, {
        token: acme.adminToken,
      });
      expect(view.json()).toMatchObject({ id: invitationId, language: 'fr', role: 'editor', link });
    });

    it('shows the invitee what the link offers before accepting', async () => {
      const preview = await env().call('GET', new URL(link).pathname + new URL(link).search);
      expect(preview.statusCode).toBe(200);
      expect(preview.json()).toMatchObject({
        organisationName: 'Acme',
        email: 'chloe@example.org',
        role: 'editor',
        language: 'fr',
      });
      expect(preview.json()).not.toHaveProperty('existingAccount');
      const wrong = await env().call('GET', '/v1/invitations/accept?token=ferry_inv_000');
      expect(wrong.statusCode).toBe(410);
      expect(wrong.json().code).toBe('invitation_invalid');
    });

    it('accepts once: the invitee becomes a member with the invited role, and the link stops working', async () => {
      const res = await env().call('POST', '/v1/invitations/accept', {
        body: { token: tokenOf(link), name: 'Chloé', password: PASSWORD },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({
        role: 'editor',
        organisation: { id: acme.orgId },
        user: { email: 'chloe@example.org', name: 'Chloé' },
      });
      const members = await env().call('GET', `/v1/orgs/${acme.orgId}/members?q=chloe`, { token: body.token });
      expect(members.json().items).toEqual([expect.objectContaining({ name: 'Chloé', role: 'editor' })]);
      const again = await env().call('POST', '/v1/invitations/accept', {
        body: { token: tokenOf(link), name: 'Mallory', password: PASSWORD },
      });
      expect(again.statusCode).toBe(410);
      const view = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${invitationId}`, {
        token: acme.adminToken,
      });
      expect(view.json()).toMatchObject({ acceptedAt: expect.any(String), link: null });
      const pending = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations?pending=true`, {
        token: acme.adminToken,
      });
      expect(pending.json().items.map((i: { email: string }) => i.email)).toEqual(['dan@example.org']);
      const outbox = await env().call('GET', `/v1/orgs/${acme.orgId}/outbox`, { token: acme.adminToken });
      expect(outbox.json().items.map((m: { to: string }) => m.to)).toEqual(['dan@example.org']);
      const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'invitations.accept' });
      expect(events.map((e) => [e.outcome, e.reason])).toEqual([
        ['denied', 'invitation_invalid'],
        ['success', null],
      ]);
    });

    it('refuses to invite someone who is already a member', async () => {
      const res = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: 'chloe@example.org', role: 'viewer', language: 'en' },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().code).toBe('already_member');
    });

    it('deletes an invitation: its link stops working at once', async () => {
      const created = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: 'erin@example.org', role: 'viewer', language: 'en' },
      });
      const { id, link: erinLink } = created.json();
      const del = await env().call('DELETE', `/v1/orgs/${acme.orgId}/invitations/${id}`, { token: acme.adminToken });
      expect(del.statusCode).toBe(204);
      const accept = await env().call('POST', '/v1/invitations/accept', {
        body: { token: tokenOf(erinLink), name: 'Erin', password: PASSWORD },
      });
      expect(accept.statusCode).toBe(410);
      expect(
        (await env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${id}`, { token: acme.adminToken })).statusCode,
      ).toBe(404);
      expect(
        (await env().call('DELETE', `/v1/orgs/${acme.orgId}/invitations/${id}`, { token: acme.adminToken })).statusCode,
      ).toBe(404);
    });

    it('expires invitations after 7 days', async () => {
      const created = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: 'frank@example.org', role: 'viewer', language: 'en' },
      });
      env().clock.advance(7 * 86_400_000 + 1000);
      try {
        const accept = await env().call('POST', '/v1/invitations/accept', {
          body: { token: tokenOf(created.json().link), name: 'Frank', password: PASSWORD },
        });
        expect(accept.statusCode).toBe(410);
        const view = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${created.json().id}`, {
          token: acme.adminToken,
        });
        expect(view.json().link).toBeNull();
      } finally {
        env().clock.advance(-(7 * 86_400_000 + 1000));
      }
    });

    it('lets a person with an account join another organisation once signed in as that account', async () => {
      const dan = await addMember(env(), acme.orgId, acme.adminToken, 'viewer', 'gina@example.org');
      const beta = (await env().call('POST', '/v1/orgs', { token: acme.adminToken, body: { name: 'Beta' } })).json();
      const inv = await env().call('POST', `/v1/orgs/${beta.id}/invitations`, {
        token: acme.adminToken,
        body: { email: 'gina@example.org', role: 'admin', language: 'en' },
      });
      const token = tokenOf(inv.json().link);
      const preview = await env().call('GET', `/v1/invitations/accept?token=${token}`);
      expect(preview.json()).not.toHaveProperty('existingAccount');
      // Her password in the body is not checked (no password oracle): she must sign in first.
      const withPassword = await env().call('POST', '/v1/invitations/accept', {
        body: { token, name: 'Gina', password: PASSWORD },
      });
      expect(withPassword.statusCode).toBe(401);
      expect(withPassword.json().code).toBe('sign_in_required');
      const login = await env().call('POST', '/v1/auth/login', {
        body: { email: 'gina@example.org', password: PASSWORD },
      });
      const right = await env().call('POST', '/v1/invitations/accept', { token: login.json().token, body: { token } });
      expect(right.statusCode, right.body).toBe(201);
      expect(right.json()).toMatchObject({ user: { id: dan.id, name: 'Member gina@example.org' }, role: 'admin' });
      const me = await env().call('GET', '/v1/me', { token: right.json().token });
      expect(me.json().memberships.map((m: { orgName: string; role: string }) => [m.orgName, m.role])).toEqual([
        ['Acme', 'viewer'],
        ['Beta', 'admin'],
      ]);
      const denied = await auditOf(env(), beta.id, acme.adminToken, { outcome: 'denied' });
      expect(denied).toEqual([expect.objectContaining({ action: 'invitations.accept', reason: 'sign_in_required' })]);
    });
  },
  () => ({ publicUrl: 'https://ferry.example/' }),
);
