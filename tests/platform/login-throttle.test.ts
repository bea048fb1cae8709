// Issue 9 item 11: failed sign-ins are throttled per address (not only per IP) with a growing, capped delay kept in
// the database, so servers sharing it agree; the owner's right password works again once the short wait is over.
import { expect, it } from 'vitest';
import { buildApp } from '../../platform/build-app';
import { PASSWORD, addMember, auditOf, forEachDatabase, setUp, type SetUpOrg, type TestEnv } from './platform-harness';

let ip = 0;
/** Each attempt from another IP, so the per-IP limit is not what stops them. */
const nextIp = () => `198.51.100.${(ip++ % 250) + 1}`;

async function attempt(env: TestEnv, email: string, password: string) {
  return env.call('POST', '/v1/auth/login', { body: { email, password }, ip: nextIp() });
}

forEachDatabase((env) => {
  let acme: SetUpOrg;

  it('after 5 failures from many IPs the address waits, then the right password works again', async () => {
    acme = await setUp(env());
    const email = 'owner@example.org';
    await addMember(env(), acme.orgId, acme.adminToken, 'editor', email);
    for (let i = 0; i < 6; i++) expect((await attempt(env(), email, 'wrong password')).statusCode).toBe(401);
    // Even the right password waits (it is not checked while the address waits).
    const waiting = await attempt(env(), email, PASSWORD);
    expect(waiting.statusCode).toBe(429);
    expect(waiting.json().code).toBe('rate_limited');
    expect(waiting.headers['retry-after']).toBe('2');
    expect(waiting.json().message).toContain('wait 2 seconds');
    env().clock.advance(2_000);
    const owner = await attempt(env(), email, PASSWORD);
    expect(owner.statusCode, owner.body).toBe(200);
    // Success forgets the failures: the next mistake is an ordinary one.
    expect((await attempt(env(), email, 'wrong password')).statusCode).toBe(401);
    expect((await attempt(env(), email, PASSWORD)).statusCode).toBe(200);
    const throttled = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'auth.login', outcome: 'denied' });
    expect(throttled.filter((e) => e.reason === 'login_throttled')).toHaveLength(1);
  });

  it('the wait doubles with each further failure and stops growing at one minute', async () => {
    const email = 'growing@example.org';
    await addMember(env(), acme.orgId, acme.adminToken, 'viewer', email);
    for (let i = 0; i < 5; i++) await attempt(env(), email, 'wrong password');
    const waits: string[] = [];
    for (let i = 0; i < 7; i++) {
      expect((await attempt(env(), email, 'wrong password')).statusCode).toBe(401);
      const blocked = await attempt(env(), email, 'wrong password');
      expect(blocked.statusCode).toBe(429);
      const wait = blocked.headers['retry-after'] as string;
      waits.push(wait);
      env().clock.advance(Number(wait) * 1000);
    }
    expect(waits).toEqual(['2', '4', '8', '16', '32', '60', '60']);
    // The owner is never kept out longer than the last wait.
    expect((await attempt(env(), email, PASSWORD)).statusCode).toBe(200);
  });

  it('an address without an account is throttled the same way, so throttling reveals nothing', async () => {
    const email = 'nobody-here@example.org';
    for (let i = 0; i < 6; i++) expect((await attempt(env(), email, 'wrong password')).statusCode).toBe(401);
    const blocked = await attempt(env(), email, 'wrong password');
    expect([blocked.statusCode, blocked.headers['retry-after']]).toEqual([429, '2']);
    env().clock.advance(2_000);
  });

  it('servers sharing the database share the count', async () => {
    const email = 'shared@example.org';
    await addMember(env(), acme.orgId, acme.adminToken, 'viewer', email);
    const other = await buildApp({
      db: env().db,
      now: env().clock.now,
      authRateLimit: { max: 1000, timeWindowMs: 60_000 },
    });
    try {
      for (let i = 0; i < 6; i++) await attempt(env(), email, 'wrong password');
      const there = await other.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email, password: PASSWORD },
        remoteAddress: nextIp(),
      });
      expect([there.statusCode, there.headers['retry-after']]).toEqual([429, '2']);
    } finally {
      await other.close();
    }
  });
});
