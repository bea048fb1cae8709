// GET /v1/notifications and marking read: the caller's own, newest first, paged, unread filter; sessions only.
import { expect, it } from 'vitest';
import { notify, type Notice } from '../../platform/notifications/notify';
import { addApiKey, addMember, forEachDatabase, setUp, type TestEnv } from './platform-harness';

const notice = (orgId: string, n: number): Notice => ({
  orgId,
  kind: 'job.failed',
  subject: { type: 'connector', id: `con_${n}` },
  params: { queue: 'connector-check', attempts: 3, what: `job ${n}` },
  message: `job ${n} failed`,
});

forEachDatabase((env: () => TestEnv) => {
  it('lists the caller’s own notifications newest first, paged, with the unread count and filter', async () => {
    const acme = await setUp(env());
    const editor = await addMember(env(), acme.orgId, acme.adminToken, 'editor');
    const base = env().clock.now().getTime();
    for (let n = 1; n <= 3; n++) await notify(env().db, notice(acme.orgId, n), [acme.adminId], new Date(base + n));
    await notify(env().db, notice(acme.orgId, 9), [editor.id], new Date(base));

    const all = await env().call('GET', '/v1/notifications', { token: acme.adminToken });
    expect(all.statusCode, all.body).toBe(200);
    expect(all.json()).toMatchObject({ total: 3, unread: 3, limit: 50, offset: 0 });
    expect(all.json().items.map((i: { message: string }) => i.message)).toEqual([
      'job 3 failed',
      'job 2 failed',
      'job 1 failed',
    ]);
    expect(all.json().items[0]).toMatchObject({
      orgId: acme.orgId,
      kind: 'job.failed',
      subjectType: 'connector',
      subjectId: 'con_3',
      params: { queue: 'connector-check', attempts: 3, what: 'job 3' },
      readAt: null,
    });
    const page = await env().call('GET', '/v1/notifications?limit=2&offset=2', { token: acme.adminToken });
    expect(page.json().items.map((i: { message: string }) => i.message)).toEqual(['job 1 failed']);

    const newest = all.json().items[0].id as string;
    const read = await env().call('POST', `/v1/notifications/${newest}/read`, { token: acme.adminToken });
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().readAt).not.toBeNull();
    const again = await env().call('POST', `/v1/notifications/${newest}/read`, { token: acme.adminToken });
    expect(again.json().readAt).toBe(read.json().readAt);
    const unread = await env().call('GET', '/v1/notifications?unread=true', { token: acme.adminToken });
    expect(unread.json()).toMatchObject({ total: 2, unread: 2 });
    expect(unread.json().items.map((i: { id: string }) => i.id)).not.toContain(newest);

    // Someone else's notification is unknown to the caller, like an ID that does not exist.
    const theirs = await env().call('GET', '/v1/notifications', { token: editor.token });
    expect(theirs.json().items.map((i: { message: string }) => i.message)).toEqual(['job 9 failed']);
    const foreign = await env().call('POST', `/v1/notifications/${theirs.json().items[0].id}/read`, {
      token: acme.adminToken,
    });
    expect(foreign.statusCode).toBe(404);
    expect((await env().call('POST', '/v1/notifications/ntf_nope/read', { token: acme.adminToken })).statusCode).toBe(
      404,
    );

    const all2 = await env().call('POST', '/v1/notifications/read-all', { token: acme.adminToken });
    expect(all2.json()).toEqual({ marked: 2 });
    const after = await env().call('GET', '/v1/notifications', { token: acme.adminToken });
    expect(after.json()).toMatchObject({ total: 3, unread: 0 });
    expect((await env().call('GET', '/v1/notifications', { token: editor.token })).json().unread).toBe(1);
  });

  it('refuses API keys (forbidden) and anonymous callers', async () => {
    const res = await env().call('POST', '/v1/auth/login', {
      body: { email: 'ada@acme.example', password: 'correct horse battery' },
    });
    const token = res.json().token as string;
    const orgId = (await env().call('GET', '/v1/me', { token })).json().memberships[0].orgId as string;
    const key = await addApiKey(env(), orgId, token, 'editor');
    for (const [method, url] of [
      ['GET', '/v1/notifications'],
      ['POST', '/v1/notifications/read-all'],
      ['POST', '/v1/notifications/ntf_x/read'],
    ] as const) {
      const byKey = await env().call(method, url, { token: key.secret });
      expect(byKey.statusCode, url).toBe(403);
      expect(byKey.json().code).toBe('forbidden');
      expect((await env().call(method, url)).statusCode, url).toBe(401);
    }
  });
});
