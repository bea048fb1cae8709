// Issue 9 item 10: removal revokes pending invitations; accepting for an existing account needs its session (no
// password check, so no oracle); new accounts are always the invited address's; the preview hides account existence.
import { expect, it } from 'vitest';
import { PASSWORD, addMember, auditOf, forEachDatabase, setUp, type SetUpOrg, type TestEnv } from './platform-harness';

const tokenOf = (link: string) => new URL(link).searchParams.get('token') as string;

async function invite(env: TestEnv, orgId: string, adminToken: string, email: string, role = 'viewer') {
  const res = await env.call('POST', `/v1/orgs/${orgId}/invitations`, {
    token: adminToken,
    body: { email, role, language: 'en' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { id: string; link: string };
}

async function login(env: TestEnv, email: string, password = PASSWORD): Promise<string> {
  const res = await env.call('POST', '/v1/auth/login', { body: { email, password } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().token;
}

forEachDatabase((env) => {
  let acme: SetUpOrg;

  it('removing a member revokes pending invitations to their address and those they sent', async () => {
    acme = await setUp(env());
    // Two invitations to the same address: joining with one leaves the other pending.
    const first = await invite(env(), acme.orgId, acme.adminToken, 'rita@example.org');
    const second = await invite(env(), acme.orgId, acme.adminToken, 'rita@example.org');
    const accepted = await env().call('POST', '/v1/invitations/accept', {
      body: { token: tokenOf(first.link), name: 'Rita', password: PASSWORD },
    });
    expect(accepted.statusCode).toBe(201);
    // Joining already ended the duplicate invitation.
    const duplicate = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${second.id}`, {
      token: acme.adminToken,
    });
    expect(duplicate.json().link).toBeNull();

    const sam = await addMember(env(), acme.orgId, acme.adminToken, 'admin', 'sam@example.org');
    const sentBySam = await invite(env(), acme.orgId, sam.token, 'tom@example.org');
    const sentByAda = await invite(env(), acme.orgId, acme.adminToken, 'uma@example.org');
    const removed = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${sam.id}?ownedResources=delete`, {
      token: acme.adminToken,
    });
    expect(removed.statusCode, removed.body).toBe(204);
    const tom = await env().call('POST', '/v1/invitations/accept', {
      body: { token: tokenOf(sentBySam.link), name: 'Tom', password: PASSWORD },
    });
    expect(tom.statusCode).toBe(410);
    const revoked = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'invitations.revoke' });
    expect(revoked.map((e) => e.targetId).sort()).toEqual([second.id, sentBySam.id].sort());
    expect(revoked.find((e) => e.targetId === sentBySam.id)).toMatchObject({
      principalId: acme.adminId,
      reason: 'members.delete',
    });
    // Invitations sent by others stay.
    const uma = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${sentByAda.id}`, {
      token: acme.adminToken,
    });
    expect(uma.json().link).toEqual(sentByAda.link);
  });

  it('a removed member cannot come back through an invitation to their address made before removal', async () => {
    const a = await invite(env(), acme.orgId, acme.adminToken, 'wes@example.org');
    const b = await invite(env(), acme.orgId, acme.adminToken, 'wes@example.org');
    const joined = await env().call('POST', '/v1/invitations/accept', {
      body: { token: tokenOf(a.link), name: 'Wes', password: PASSWORD },
    });
    expect(joined.statusCode).toBe(201);
    const wesId = joined.json().user.id;
    await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${wesId}?ownedResources=delete`, {
      token: acme.adminToken,
    });
    const wesToken = await login(env(), 'wes@example.org');
    const back = await env().call('POST', '/v1/invitations/accept', {
      token: wesToken,
      body: { token: tokenOf(b.link) },
    });
    expect(back.statusCode).toBe(410);
    expect(back.json().code).toBe('invitation_invalid');
  });

  it('an existing account joins only when signed in as that account; a password in the body is never checked', async () => {
    const beta = (await env().call('POST', '/v1/orgs', { token: acme.adminToken, body: { name: 'Beta' } })).json();
    const inv = await invite(env(), beta.id, acme.adminToken, 'rita@example.org');
    const token = tokenOf(inv.link);
    // Right or wrong password: the same answer, so accept cannot be used to guess passwords.
    const right = await env().call('POST', '/v1/invitations/accept', { body: { token, password: PASSWORD } });
    const wrong = await env().call('POST', '/v1/invitations/accept', { body: { token, password: 'not her password' } });
    expect([right.statusCode, right.json().code]).toEqual([401, 'sign_in_required']);
    expect(wrong.statusCode).toBe(right.statusCode);
    expect(wrong.json()).toEqual(right.json());
    // Signed in as somebody else: refused, and that account does not join.
    const adminTry = await env().call('POST', '/v1/invitations/accept', { token: acme.adminToken, body: { token } });
    expect([adminTry.statusCode, adminTry.json().code]).toEqual([403, 'wrong_account']);
    const bogus = await env().call('POST', '/v1/invitations/accept', { token: 'ferry_st_nope', body: { token } });
    expect(bogus.statusCode).toBe(401);
    // Signed in as Rita: joins, and the link is used up.
    const rita = await login(env(), 'rita@example.org');
    const joined = await env().call('POST', '/v1/invitations/accept', { token: rita, body: { token } });
    expect(joined.statusCode, joined.body).toBe(201);
    expect(joined.json()).toMatchObject({
      user: { email: 'rita@example.org', name: 'Rita' },
      organisation: { id: beta.id },
    });
    const denied = await auditOf(env(), beta.id, acme.adminToken, { action: 'invitations.accept', outcome: 'denied' });
    expect(denied.map((e) => e.reason)).toEqual(expect.arrayContaining(['sign_in_required', 'wrong_account']));
  });

  it('a link for a new address creates that address only, whatever the caller sends or is signed in as', async () => {
    const inv = await invite(env(), acme.orgId, acme.adminToken, 'xena@example.org');
    const res = await env().call('POST', '/v1/invitations/accept', {
      token: acme.adminToken,
      body: { token: tokenOf(inv.link), name: 'Xena', password: PASSWORD, email: 'ada@acme.example' },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().user).toMatchObject({ email: 'xena@example.org', name: 'Xena' });
    expect(res.json().user.id).not.toBe(acme.adminId);
    // The admin's own account is untouched: still signs in with her password.
    await login(env(), acme.adminEmail);
    // Without a name and password there is nothing to create the account with.
    const bare = await invite(env(), acme.orgId, acme.adminToken, 'yann@example.org');
    const missing = await env().call('POST', '/v1/invitations/accept', { body: { token: tokenOf(bare.link) } });
    expect([missing.statusCode, missing.json().code]).toEqual([400, 'validation_failed']);
  });

  it('the public preview looks the same whether or not the address has an account', async () => {
    const known = await invite(env(), acme.orgId, acme.adminToken, 'rita2@example.org');
    const unknown = await invite(env(), acme.orgId, acme.adminToken, 'zoe@example.org');
    const knownPreview = (await env().call('GET', `/v1/invitations/accept?token=${tokenOf(known.link)}`)).json();
    const unknownPreview = (await env().call('GET', `/v1/invitations/accept?token=${tokenOf(unknown.link)}`)).json();
    expect(Object.keys(knownPreview).sort()).toEqual(Object.keys(unknownPreview).sort());
    expect(knownPreview).not.toHaveProperty('existingAccount');
    const existing = await invite(
      env(),
      (await env().call('POST', '/v1/orgs', { token: acme.adminToken, body: { name: 'Gamma' } })).json().id,
      acme.adminToken,
      'rita@example.org',
    );
    const existingPreview = (await env().call('GET', `/v1/invitations/accept?token=${tokenOf(existing.link)}`)).json();
    expect(Object.keys(existingPreview).sort()).toEqual(Object.keys(unknownPreview).sort());
  });
});
