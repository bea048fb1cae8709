// The local workspace's settings: a public URL that invitation links use, and SMTP (a real SMTP sink) with the
// password kept in the SecretStore only; the running platform restarts to use them.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JsonFileStore } from '../../../main/services/json-file-store';
import { AccountRegistry } from '../../../main/services/platform/account-registry';
import { LocalWorkspace } from '../../../main/services/platform/local-workspace';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { PlatformAddressError, PlatformConnection } from '../../../main/services/platform/platform-connection';
import { SessionSecretStore } from '../../../main/services/secrets/session-secret-store';
import { startSmtpSink, type SmtpSink } from '../../servers/smtp-sink';

const PASSWORD = 'correct horse battery';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

const dirs: string[] = [];
const workspaces: LocalWorkspace[] = [];
afterEach(async () => {
  for (const w of workspaces.splice(0)) await w.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setUp() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-local-settings-'));
  dirs.push(dir);
  const file = path.join(dir, 'settings.json');
  const store = new JsonFileStore(file);
  const secrets = new SessionSecretStore();
  const local = new LocalWorkspace({ dataDir: path.join(dir, 'platform'), store, secrets });
  workspaces.push(local);
  const connection = new PlatformConnection({ accounts: new AccountRegistry(store), secrets, local });
  return { file, secrets, local, connection };
}

async function adminOf(local: LocalWorkspace) {
  const created = await new PlatformClient(await local.url()).setup({
    organisationName: 'Acme',
    name: 'Ada Admin',
    email: 'ada@example.org',
    password: PASSWORD,
  });
  return { orgId: created.organisation.id, client: new PlatformClient(await local.url(), created.token) };
}

describe('local workspace settings', () => {
  it('puts the public URL in invitation links after a restart on the same port, and clears it', async () => {
    const { local, connection } = setUp();
    const before = await local.url();
    const { orgId } = await adminOf(local);
    await expect(connection.configureLocal({ publicUrl: 'http://ferry.example.org' })).rejects.toBeInstanceOf(
      PlatformAddressError,
    );
    const settings = await connection.configureLocal({ publicUrl: 'ferry.example.org/base/' });
    expect(settings).toMatchObject({ publicUrl: 'https://ferry.example.org/base', listenUrl: before, smtp: null });
    const token = (await new PlatformClient(before).login({ email: 'ada@example.org', password: PASSWORD })).token;
    const client = new PlatformClient(await local.url(), token);
    const invitation = await client.createInvitation(orgId, {
      email: 'bo@example.org',
      role: 'viewer',
      language: 'en',
    });
    expect(invitation.link).toMatch(/^https:\/\/ferry\.example\.org\/base\/v1\/invitations\/accept\?token=ferry_inv_/);
    expect(invitation.emailStatus).toBe('outbox');
    await connection.configureLocal({ publicUrl: null });
    expect((await client.invitation(orgId, invitation.id)).link).toMatch(
      new RegExp(`^${before.replace(/[.]/g, '\\.')}/v1/invitations/accept\\?token=`),
    );
  });

  it('sends invitation e-mails through the saved SMTP; the password stays out of the settings file', async () => {
    const { local, connection, file, secrets } = setUp();
    const { orgId } = await adminOf(local);
    const withPassword = await connection.configureLocal({
      smtp: {
        host: '127.0.0.1',
        port: sink.port,
        security: 'opportunistic',
        user: 'ada',
        from: 'ferry@acme.example',
        password: 'smtp-secret-value',
      },
    });
    expect(withPassword.smtp).toEqual({
      host: '127.0.0.1',
      port: sink.port,
      security: 'opportunistic',
      user: 'ada',
      from: 'ferry@acme.example',
      hasPassword: true,
    });
    expect(await secrets.get('local-workspace:smtp-password')).toBe('smtp-secret-value');
    expect(readFileSync(file, 'utf8')).not.toContain('smtp-secret-value');
    // The sink takes no AUTH: send without user and password.
    const saved = await connection.configureLocal({
      smtp: {
        host: '127.0.0.1',
        port: sink.port,
        security: 'opportunistic',
        user: '',
        from: 'ferry@acme.example',
        password: null,
      },
    });
    expect(saved.smtp?.hasPassword).toBe(false);
    const token = (await new PlatformClient(await local.url()).login({ email: 'ada@example.org', password: PASSWORD }))
      .token;
    const client = new PlatformClient(await local.url(), token);
    const invitation = await client.createInvitation(orgId, {
      email: 'cy@example.org',
      role: 'editor',
      language: 'fr',
    });
    expect(invitation.emailStatus).toBe('queued');
    const mail = await sink.waitFor('cy@example.org');
    expect(mail.from).toBe('ferry@acme.example');
    expect((await connection.configureLocal({ smtp: null })).smtp).toBeNull();
  });
});
