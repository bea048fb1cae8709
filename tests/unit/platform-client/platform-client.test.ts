// The platform client against the real platform server (in-memory PGlite) over real HTTP on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../../platform';
import { PlatformApiError, PlatformUnreachableError } from '../../../main/services/platform/platform-api-error';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { checkPlatformUrl } from '../../../main/services/platform/platform-url';
import { freePort } from '../../servers/free-port';

const PASSWORD = 'correct horse battery';
let platform: RunningPlatform;
let admin: PlatformClient;
let orgId: string;

beforeAll(async () => {
  platform = await startPlatform({ logger: false });
  const anonymous = new PlatformClient(platform.url);
  expect(await anonymous.setupStatus()).toEqual({ setupRequired: true });
  const created = await anonymous.setup({
    organisationName: 'Acme',
    name: 'Ada Admin',
    email: 'ada@example.org',
    password: PASSWORD,
  });
  admin = anonymous.withToken(created.token);
  orgId = created.organisation.id;
});
afterAll(async () => {
  await platform?.stop();
});

describe('PlatformClient', () => {
  it('signs in, reads who it is, and refuses a wrong password with the platform code', async () => {
    const anonymous = new PlatformClient(platform.url);
    const session = await anonymous.login({ email: 'ada@example.org', password: PASSWORD });
    expect(session.token).toMatch(/^ferry_st_/);
    const me = await anonymous.withToken(session.token).me();
    expect(me).toMatchObject({ type: 'user', memberships: [{ orgId, orgName: 'Acme', role: 'admin' }] });
    const refused = await anonymous.login({ email: 'ada@example.org', password: 'wrong password' }).catch((e) => e);
    expect(refused).toBeInstanceOf(PlatformApiError);
    expect(refused).toMatchObject({ code: 'invalid_credentials', status: 401 });
    await anonymous.withToken(session.token).logout();
    await expect(anonymous.withToken(session.token).me()).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('runs every organisation action: rename, invite, members, API keys, audit with its CSV', async () => {
    expect((await admin.updateOrganisation(orgId, { name: 'Acme Data' })).name).toBe('Acme Data');
    const invitation = await admin.createInvitation(orgId, { email: 'ed@example.org', role: 'editor', language: 'fr' });
    expect(invitation.link).toContain('/v1/invitations/accept?token=');
    expect((await admin.invitations(orgId, { q: 'ed@', pending: 'true' })).items.map((i) => i.id)).toEqual([
      invitation.id,
    ]);
    const token = new URL(invitation.link ?? '').searchParams.get('token') ?? '';
    expect(await admin.previewInvitation(token)).toMatchObject({ organisationName: 'Acme Data', role: 'editor' });
    const joined = await new PlatformClient(platform.url).acceptInvitation({ token, name: 'Ed', password: PASSWORD });
    const edId = joined.user.id;

    const page = await admin.members(orgId, { sort: 'name', order: 'desc', limit: 1 });
    expect(page).toMatchObject({ total: 2, limit: 1, items: [{ name: 'Ed', role: 'editor' }] });
    expect((await admin.updateMember(orgId, edId, 'viewer')).role).toBe('viewer');
    const viewer = new PlatformClient(platform.url, joined.token);
    await expect(viewer.apiKeys(orgId)).rejects.toMatchObject({ code: 'forbidden', status: 403 });

    const created = await admin.createApiKey(orgId, {
      name: 'CI',
      role: 'editor',
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(created.secret).toMatch(/^ferry_ak_/);
    const listed = await admin.apiKeys(orgId);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect((await admin.apiKey(orgId, created.apiKey.id)).ownedResourceCount).toBe(0);
    await admin.deleteApiKey(orgId, created.apiKey.id);
    await expect(admin.apiKey(orgId, created.apiKey.id)).rejects.toMatchObject({ code: 'not_found' });

    // Ed owns nothing; removing him needs no transfer. The last admin cannot go.
    await admin.deleteMember(orgId, edId);
    const adaId = (await admin.members(orgId)).items[0]?.id ?? '';
    await expect(admin.deleteMember(orgId, adaId)).rejects.toMatchObject({ code: 'last_admin' });

    const audit = await admin.audit(orgId, { action: 'members.delete' });
    expect(audit.items.map((e) => e.outcome).sort()).toEqual(['denied', 'success']);
    const csv = await admin.auditCsv(orgId, { action: 'members.delete', outcome: 'denied' });
    expect(csv.split('\r\n')[0]).toBe(
      'id,at,principalType,principalId,principalLabel,action,targetType,targetId,ip,outcome,reason,targetLabel',
    );
    expect(csv.trim().split('\r\n')).toHaveLength(2);
  });

  it('says plainly when nothing answers, or when the answer is not the platform API', async () => {
    const port = await freePort();
    const error = await new PlatformClient(`http://127.0.0.1:${port}`).setupStatus().catch((e) => e);
    expect(error).toBeInstanceOf(PlatformUnreachableError);
    expect((error as Error).message).toContain(`127.0.0.1:${port}`);
    const notFound = await new PlatformClient(`${platform.url}/elsewhere`).setupStatus().catch((e) => e);
    expect(notFound).toBeInstanceOf(PlatformApiError);
    expect(notFound).toMatchObject({ code: 'not_found' });
    const html = async () => new Response('<html>proxy</html>', { status: 502 });
    const proxy = await new PlatformClient('https://platform.example', undefined, html).setupStatus().catch((e) => e);
    expect(proxy).toBeInstanceOf(PlatformUnreachableError);
  });

  it('never sends the token anywhere but its platform, in the Authorization header', async () => {
    const seen: Array<{ url: string; auth: string | null }> = [];
    const spy: typeof fetch = async (input, init) => {
      seen.push({ url: String(input), auth: new Headers(init?.headers).get('authorization') });
      return Response.json({ setupRequired: false });
    };
    await new PlatformClient('https://platform.example/base', 'ferry_st_secret', spy).setupStatus();
    expect(seen).toEqual([{ url: 'https://platform.example/base/v1/setup', auth: 'Bearer ferry_st_secret' }]);
  });
});

describe('checkPlatformUrl', () => {
  it.each([
    ['platform.example.org', 'https://platform.example.org'],
    ['https://platform.example.org/ferry/', 'https://platform.example.org/ferry'],
    ['http://127.0.0.1:8750', 'http://127.0.0.1:8750'],
    ['http://localhost:8750/', 'http://localhost:8750'],
  ])('accepts %s as %s', (input, url) => {
    expect(checkPlatformUrl(input)).toEqual({ ok: true, url });
  });

  it.each([
    ['http://platform.example.org', 'plain-http'],
    ['ftp://platform.example.org', 'unsupported-scheme'],
    ['https://ada:pw@platform.example.org', 'credentials'],
    ['https://platform.example.org/?x=1', 'query'],
    ['https://', 'not-a-url'],
  ])('refuses %s (%s)', (input, problem) => {
    expect(checkPlatformUrl(input)).toEqual({ ok: false, problem });
  });
});
