import { expect, it } from 'vitest';
import {
  addApiKey,
  addMember,
  auditOf,
  forEachDatabase,
  setUp,
  type SetUpOrg,
  type TestMember,
} from './platform-harness';

forEachDatabase((env) => {
  let acme: SetUpOrg;
  let editor: TestMember;
  let viewer: TestMember;
  let secondAdmin: TestMember;

  it('lists members with their name, ID, e-mail, role and joining date', async () => {
    acme = await setUp(env());
    editor = await addMember(env(), acme.orgId, acme.adminToken, 'editor', 'zoe.editor@example.org');
    viewer = await addMember(env(), acme.orgId, acme.adminToken, 'viewer', 'bob.viewer@example.org');
    secondAdmin = await addMember(env(), acme.orgId, acme.adminToken, 'admin', 'carl.admin@example.org');
    const res = await env().call('GET', `/v1/orgs/${acme.orgId}/members`, { token: viewer.token });
    expect(res.statusCode).toBe(200);
    const page = res.json();
    expect(page.total).toBe(4);
    expect(page.items[0]).toEqual({
      id: acme.adminId,
      name: 'Ada Admin',
      email: 'ada@acme.example',
      role: 'admin',
      joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
  });

  it('sorts, filters and pages the member list', async () => {
    const list = async (query: string) =>
      (await env().call('GET', `/v1/orgs/${acme.orgId}/members?${query}`, { token: acme.adminToken })).json();
    const byEmailDesc = await list('sort=email&order=desc');
    expect(byEmailDesc.items.map((m: { email: string }) => m.email)).toEqual([
      'zoe.editor@example.org',
      'carl.admin@example.org',
      'bob.viewer@example.org',
      'ada@acme.example',
    ]);
    const admins = await list('role=admin');
    expect(admins.total).toBe(2);
    const text = await list('q=ZOE');
    expect(text.items.map((m: { id: string }) => m.id)).toEqual([editor.id]);
    const wildcard = await list('q=%25');
    expect(wildcard.total).toBe(0);
    const page2 = await list('sort=email&limit=3&offset=3');
    expect(page2).toMatchObject({ total: 4, limit: 3, offset: 3 });
    expect(page2.items.map((m: { email: string }) => m.email)).toEqual(['zoe.editor@example.org']);
    const bad = await env().call('GET', `/v1/orgs/${acme.orgId}/members?limit=1000`, { token: acme.adminToken });
    expect(bad.statusCode).toBe(400);
  });

  it('shows one member with the number of resources they own', async () => {
    const res = await env().call('GET', `/v1/orgs/${acme.orgId}/members/${editor.id}`, { token: editor.token });
    expect(res.json()).toMatchObject({ id: editor.id, role: 'editor', ownedResourceCount: 0 });
    const missing = await env().call('GET', `/v1/orgs/${acme.orgId}/members/usr_nobody`, { token: editor.token });
    expect(missing.statusCode).toBe(404);
  });

  it("changes a member's role and audits it", async () => {
    const res = await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${viewer.id}`, {
      token: acme.adminToken,
      body: { role: 'editor' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: viewer.id, role: 'editor' });
    const back = await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${viewer.id}`, {
      token: acme.adminToken,
      body: { role: 'viewer' },
    });
    expect(back.json().role).toBe('viewer');
    const bad = await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${viewer.id}`, {
      token: acme.adminToken,
      body: { role: 'owner' },
    });
    expect(bad.statusCode).toBe(400);
    const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'members.update', targetId: viewer.id });
    expect(events.map((e) => e.outcome)).toEqual(['denied', 'success', 'success']);
    expect(events[0]).toMatchObject({ reason: 'validation_failed', targetType: 'member' });
  });

  it('never demotes or removes the last admin', async () => {
    // Carl (second admin) is demoted first: then Ada is the last admin.
    const demoteCarl = await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${secondAdmin.id}`, {
      token: acme.adminToken,
      body: { role: 'editor' },
    });
    expect(demoteCarl.statusCode).toBe(200);
    const demoteSelf = await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${acme.adminId}`, {
      token: acme.adminToken,
      body: { role: 'viewer' },
    });
    expect(demoteSelf.statusCode).toBe(409);
    expect(demoteSelf.json().code).toBe('last_admin');
    const removeSelf = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${acme.adminId}`, {
      token: acme.adminToken,
    });
    expect(removeSelf.json().code).toBe('last_admin');
    const denied = await auditOf(env(), acme.orgId, acme.adminToken, { outcome: 'denied', targetId: acme.adminId });
    expect(denied.map((e) => e.reason)).toEqual(['last_admin', 'last_admin']);
    const restore = await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${secondAdmin.id}`, {
      token: acme.adminToken,
      body: { role: 'admin' },
    });
    expect(restore.statusCode).toBe(200);
  });

  it('refuses to remove a member who owns resources until they are transferred or deleted', async () => {
    const key = await addApiKey(env(), acme.orgId, secondAdmin.token, 'viewer');
    const detail = await env().call('GET', `/v1/orgs/${acme.orgId}/members/${secondAdmin.id}`, {
      token: acme.adminToken,
    });
    expect(detail.json().ownedResourceCount).toBe(1);
    const refused = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${secondAdmin.id}`, {
      token: acme.adminToken,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'owned_resources', ownedResourceCount: 1 });
    for (const to of [viewer.id, secondAdmin.id, 'usr_nobody']) {
      const bad = await env().call(
        'DELETE',
        `/v1/orgs/${acme.orgId}/members/${secondAdmin.id}?ownedResources=transfer&transferTo=${to}`,
        { token: acme.adminToken },
      );
      expect(bad.statusCode, to).toBe(400);
      expect(bad.json().code).toBe('invalid_transfer_target');
    }
    // Nothing changed: still a member, key still works.
    expect((await env().call('GET', '/v1/me', { token: secondAdmin.token })).statusCode).toBe(200);
    expect((await env().call('GET', '/v1/me', { token: key.secret })).statusCode).toBe(200);
  });

  it('removes a member, transferring their resources, and ends their sessions at once', async () => {
    const key = (await env().call('GET', `/v1/orgs/${acme.orgId}/api-keys`, { token: acme.adminToken })).json()
      .items[0];
    const res = await env().call(
      'DELETE',
      `/v1/orgs/${acme.orgId}/members/${secondAdmin.id}?ownedResources=transfer&transferTo=${editor.id}`,
      { token: acme.adminToken },
    );
    expect(res.statusCode).toBe(204);
    expect((await env().call('GET', '/v1/me', { token: secondAdmin.token })).statusCode).toBe(401);
    const keyDetail = await env().call('GET', `/v1/orgs/${acme.orgId}/api-keys/${key.id}`, { token: acme.adminToken });
    expect(keyDetail.json()).toMatchObject({ ownerId: editor.id, creatorId: secondAdmin.id });
    const editorDetail = await env().call('GET', `/v1/orgs/${acme.orgId}/members/${editor.id}`, {
      token: editor.token,
    });
    expect(editorDetail.json().ownedResourceCount).toBe(1);
    const gone = await env().call('GET', `/v1/orgs/${acme.orgId}/members/${secondAdmin.id}`, {
      token: acme.adminToken,
    });
    expect(gone.statusCode).toBe(404);
    const events = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'members.delete', outcome: 'success' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ targetId: secondAdmin.id, principalId: acme.adminId });
  });

  it('removes a member together with the resources they own', async () => {
    // Editor Zoe now owns the transferred key; promote her so she can also create one, then remove her with both.
    await env().call('PATCH', `/v1/orgs/${acme.orgId}/members/${editor.id}`, {
      token: acme.adminToken,
      body: { role: 'admin' },
    });
    const own = await addApiKey(env(), acme.orgId, editor.token, 'editor');
    const transferred = (await env().call('GET', `/v1/orgs/${acme.orgId}/api-keys`, { token: acme.adminToken }))
      .json()
      .items.find((k: { id: string }) => k.id !== own.id);
    const res = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${editor.id}?ownedResources=delete`, {
      token: acme.adminToken,
    });
    expect(res.statusCode).toBe(204);
    expect((await env().call('GET', '/v1/me', { token: own.secret })).statusCode).toBe(401);
    const keys = await env().call('GET', `/v1/orgs/${acme.orgId}/api-keys`, { token: acme.adminToken });
    expect(keys.json().total).toBe(0);
    const old = await env().call('GET', `/v1/orgs/${acme.orgId}/api-keys/${transferred.id}`, {
      token: acme.adminToken,
    });
    expect(old.statusCode).toBe(404);
  });

  it('lets a removed person keep their other organisations, signed in (access to this one ends)', async () => {
    const beta = (await env().call('POST', '/v1/orgs', { token: viewer.token, body: { name: 'Beta' } })).json();
    const res = await env().call('DELETE', `/v1/orgs/${acme.orgId}/members/${viewer.id}`, { token: acme.adminToken });
    expect(res.statusCode).toBe(204);
    // The session they had goes on for Beta (removed from Acme only), and Acme is closed to it.
    expect((await env().call('GET', `/v1/orgs/${beta.id}/members`, { token: viewer.token })).statusCode).toBe(200);
    expect((await env().call('GET', `/v1/orgs/${acme.orgId}/members`, { token: viewer.token })).statusCode).toBe(404);
    const login = await env().call('POST', '/v1/auth/login', {
      body: { email: viewer.email, password: 'correct horse battery' },
    });
    const token = login.json().token;
    expect((await env().call('GET', `/v1/orgs/${acme.orgId}/members`, { token })).statusCode).toBe(404);
    expect((await env().call('GET', `/v1/orgs/${beta.id}/members`, { token })).statusCode).toBe(200);
  });
});
