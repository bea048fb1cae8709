// The platform routes the screens call through IPC: validated by the routes' own schemas, always for the active
// organisation (a payload cannot name another), 204 answers as null, boolean queries sent back as the server reads them.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningPlatform, startPlatform } from '../../../platform';
import { API } from '../../../shared/platform';
import { type IpcHandlers, createDispatcher } from '../../../main/ipc/ipc-dispatcher';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { AccountRegistry } from '../../../main/services/platform/account-registry';
import { LocalWorkspace } from '../../../main/services/platform/local-workspace';
import { orgApiHandlers } from '../../../main/services/platform/org-api-handlers';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { PlatformConnection } from '../../../main/services/platform/platform-connection';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';

const PASSWORD = 'correct horse battery';
let platform: RunningPlatform;
let dir: string;
let local: LocalWorkspace;
let dispatch: ReturnType<typeof createDispatcher>;
// An organisation ID of the right shape that is not the active one.
const OTHER_ORG = '0190a7f2-0000-7000-8000-000000000001';

beforeAll(async () => {
  platform = await startPlatform({ logger: false });
  await new PlatformClient(platform.url).setup({
    organisationName: 'Provider Co',
    name: 'Ada',
    email: 'ada@example.org',
    password: PASSWORD,
  });
  dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-org-api-'));
  const store = new JsonFileStore(path.join(dir, 'settings.json'));
  local = new LocalWorkspace({ dataDir: path.join(dir, 'platform'), store });
  const connection = new PlatformConnection({
    accounts: new AccountRegistry(store),
    secrets: new SessionSecretStore(),
    local,
  });
  await connection.signIn({ kind: 'remote', url: platform.url }, 'ada@example.org', PASSWORD);
  dispatch = createDispatcher(orgApiHandlers(connection) as IpcHandlers, () => undefined);
});
afterAll(async () => {
  await local?.stop();
  await platform?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('platform routes over IPC', () => {
  it('creates, reads and deletes an offer of the active organisation; a 204 answers null', async () => {
    const created = await dispatch('offers.create', { body: { title: 'Daily prices', kind: 'one-shot' } });
    expect(created.ok).toBe(true);
    const offer = (created as { value: { id: string; title: string } }).value;
    expect(offer.title).toBe('Daily prices');
    const read = await dispatch('offers.get', { params: { offerId: offer.id } });
    expect(read).toMatchObject({ ok: true, value: { id: offer.id, title: 'Daily prices' } });
    expect(await dispatch('offers.delete', { params: { offerId: offer.id } })).toEqual({ ok: true, value: null });
    const gone = await dispatch('offers.get', { params: { offerId: offer.id } });
    expect(gone).toMatchObject({ ok: false, error: { code: 'PlatformRefused', reason: 'not_found' } });
  });

  it('refuses a payload naming an organisation, an unknown field or a missing path parameter', async () => {
    const named = await dispatch('offers.list', { params: { orgId: OTHER_ORG } });
    expect(named).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    const extra = await dispatch('offers.create', { body: { title: 'x', kind: 'one-shot' }, orgId: OTHER_ORG });
    expect(extra).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    expect(await dispatch('offers.get', {})).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
    const badBody = await dispatch('offers.create', { body: { title: 'x', kind: 'forever' } });
    expect(badBody).toMatchObject({ ok: false, error: { code: 'InvalidInput' } });
  });

  it('sends a validated boolean query back as the text the server reads', async () => {
    const unread = await dispatch('notifications.list', { query: { unread: 'true', limit: 5 } });
    expect(unread).toMatchObject({ ok: true, value: { items: [], unread: 0 } });
    const urls: string[] = [];
    const recording = (async (url: URL) => {
      urls.push(url.toString());
      return Response.json({ items: [], total: 0, limit: 5, offset: 0, unread: 0 });
    }) as unknown as typeof fetch;
    await new PlatformClient('http://platform.test', 'token', recording)
      .call(API.notifications.list, { query: { unread: true, limit: 5 } as never })
      .catch(() => undefined);
    expect(urls[0]).toContain('unread=true');
  });
});
