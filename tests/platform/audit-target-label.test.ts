import { expect, it } from 'vitest';
import { addApiKey, addMember, auditOf, forEachDatabase, setUp } from './platform-harness';

forEachDatabase((env) => {
  it('names the target of member, invitation and API key events, and still does once it is gone', async () => {
    const org = await setUp(env());
    const viewer = await addMember(env(), org.orgId, org.adminToken, 'viewer', 'marie@example.org');
    const removed = await env().call('DELETE', `/v1/orgs/${org.orgId}/members/${viewer.id}`, {
      token: org.adminToken,
    });
    expect(removed.statusCode, removed.body).toBe(204);
    // Read back after the member is gone: the label was stored with the event, not joined from the members.
    const [deleted] = await auditOf(env(), org.orgId, org.adminToken, { action: 'members.delete' });
    expect(deleted).toMatchObject({ targetId: viewer.id, targetLabel: 'Member marie@example.org' });

    const invited = await env().call('POST', `/v1/orgs/${org.orgId}/invitations`, {
      token: org.adminToken,
      body: { email: 'Pierre@Example.org', role: 'editor', language: 'fr' },
    });
    const invitationId = invited.json().id as string;
    await env().call('DELETE', `/v1/orgs/${org.orgId}/invitations/${invitationId}`, { token: org.adminToken });
    const invitationEvents = await auditOf(env(), org.orgId, org.adminToken, { targetId: invitationId });
    expect(invitationEvents.map((e) => [e.action, e.targetLabel])).toEqual([
      ['invitations.delete', 'pierre@example.org'],
      ['invitations.create', 'pierre@example.org'],
    ]);

    const key = await addApiKey(env(), org.orgId, org.adminToken, 'viewer');
    await env().call('DELETE', `/v1/orgs/${org.orgId}/api-keys/${key.id}`, { token: org.adminToken });
    const keyEvents = await auditOf(env(), org.orgId, org.adminToken, { targetId: key.id });
    expect(keyEvents.map((e) => [e.action, e.targetLabel])).toEqual([
      ['api-keys.delete', 'viewer key'],
      ['api-keys.create', 'viewer key'],
    ]);

    // A refusal stores no label: the URL's ID is the caller's text, never a name the platform looked up.
    await env().call('GET', `/v1/orgs/${org.orgId}/members/${viewer.id}`, { token: org.adminToken });
    const [refused] = await auditOf(env(), org.orgId, org.adminToken, { action: 'members.read', outcome: 'denied' });
    expect(refused).toMatchObject({ targetLabel: null });

    const csv = await env().call('GET', `/v1/orgs/${org.orgId}/audit/export?action=members.delete`, {
      token: org.adminToken,
    });
    expect(csv.body).toContain(',success,,Member marie@example.org\r\n');
  });
});
