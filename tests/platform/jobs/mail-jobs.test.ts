// Password-reset e-mails go through the 'mail' job queue: the request only enqueues (sealed, so the job table holds
// no usable link), and with two platform instances on one PostgreSQL each e-mail leaves exactly once.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { smtpMailer } from '../../../platform/mail/mailer';
import { startPlatform, type RunningPlatform } from '../../../platform/start-platform';
import { startSmtpSink, type SmtpSink } from '../../servers/smtp-sink';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { PASSWORD, addMember, forEachDatabase, setUp } from '../platform-harness';
import { until } from './jobs-harness';

let sink: SmtpSink;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await sink?.stop();
});

const tokensIn = (to: string) =>
  sink.messages
    .filter((m) => m.to.includes(to))
    .map((m) => /ferry_pr_[0-9A-Za-z]+/.exec(m.raw.replace(/=\r?\n/g, ''))?.[0])
    .filter((token): token is string => token !== undefined);

forEachDatabase(
  (env) => {
    // One organisation per database: setup works once.
    let org: Awaited<ReturnType<typeof setUp>> | undefined;
    const acmeOf = async () => (org ??= await setUp(env()));
    it('enqueues the reset e-mail as a sealed job; the job table holds neither the link nor the address', async () => {
      const acme = await acmeOf();
      const email = `sealed.${env().kind}@example.org`;
      await addMember(env(), acme.orgId, acme.adminToken, 'viewer', email);
      const res = await env().call('POST', '/v1/auth/password-reset', { body: { email, language: 'en' } });
      expect(res.statusCode).toBe(202);
      await until('the e-mail arrived', () => tokensIn(email).length === 1);
      const [token] = tokensIn(email);
      const rows = await env().db.execute(sql`select data::text as data from pgboss.job where name = 'mail'`);
      const stored = (rows as unknown as { rows: Array<{ data: string }> }).rows.map((row) => row.data).join('\n');
      // addMember's invitation e-mail is a mail job too (about an invitation): the reset's is the one looked at.
      const [job] = stored
        .split('\n')
        .map((text) => JSON.parse(text) as { sealed: string; about: { purpose?: string } })
        .filter((data) => data.about.purpose === 'password-reset');
      expect(job?.sealed).toMatch(/^v2\.k[0-9a-f]{16}\./);
      expect(job?.about).toEqual({ purpose: 'password-reset', userId: expect.stringMatching(/^usr_/) });
      expect(stored).not.toContain(token as string);
      expect(stored).not.toContain('reset-password');
      expect(stored).not.toContain(email);
    });

    it('enqueues the invitation e-mail with the invitation (none when it is refused) and records it sent', async () => {
      const acme = await acmeOf();
      const email = `invited.${env().kind}@example.org`;
      const jobsAbout = async () => {
        const rows = await env().db.execute(sql`select data::text as data from pgboss.job where name = 'mail'`);
        return (rows as unknown as { rows: Array<{ data: string }> }).rows.map((row) => row.data);
      };
      const before = (await jobsAbout()).length;
      const created = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email, role: 'viewer', language: 'en' },
      });
      expect(created.statusCode).toBe(201);
      expect(created.json().emailStatus).toBe('queued');
      const id = created.json().id as string;
      const stored = (await jobsAbout()).find((data) => data.includes(id)) as string;
      const job = JSON.parse(stored) as { sealed: string; subject: unknown };
      expect(job.sealed).toMatch(/^v2\./);
      expect(job.subject).toEqual({ kind: 'invitation', id });
      expect(stored).not.toContain(email);
      expect(stored).not.toContain('ferry_inv_');
      await until('the job recorded the e-mail sent', async () => {
        const read = await env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${id}`, { token: acme.adminToken });
        return read.json().emailStatus === 'sent';
      });
      // Refused in its transaction (already a member): no e-mail is queued.
      const count = (await jobsAbout()).length;
      expect(count).toBe(before + 1);
      const refused = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email: acme.adminEmail, role: 'viewer', language: 'en' },
      });
      expect(refused.json().code).toBe('already_member');
      expect((await jobsAbout()).length).toBe(count);
    });
  },
  () => ({
    mailer: smtpMailer({ host: '127.0.0.1', port: sink.port, from: 'ferry@acme.example' }),
    jobs: { pollingIntervalSeconds: 0.5, cronIntervalSeconds: 1, stopTimeoutSeconds: 5 },
  }),
);

const postgres = postgresAvailability();

describe.skipIf(!postgres.available)('two platform instances on one PostgreSQL', () => {
  let server: PostgresServer | undefined;
  let keyDir: string | undefined;
  const platforms: RunningPlatform[] = [];
  afterAll(async () => {
    for (const platform of platforms) await platform.stop();
    await server?.stop();
    if (keyDir !== undefined) rmSync(keyDir, { recursive: true, force: true });
  });

  it('sends each reset e-mail exactly once, whichever instance took the request', async () => {
    if (!postgres.available) return;
    server = await startPostgres(postgres.bin);
    const databaseUrl = await server.createDatabase();
    keyDir = mkdtempSync(path.join(os.tmpdir(), 'ferry-jobs-key-'));
    // Instances of one deployment share the vault's key, so either can open what the other queued.
    const vaultKeyFile = path.join(keyDir, 'vault-keys.json');
    const smtp = { host: '127.0.0.1', port: sink.port, from: 'ferry@acme.example' };
    // One after the other: Drizzle's migrator does not guard against two first starts on an empty database.
    const a = await startPlatform({ databaseUrl, vaultKeyFile, smtp });
    platforms.push(a);
    const b = await startPlatform({ databaseUrl, vaultKeyFile, smtp });
    platforms.push(b);
    const post = (base: string, url: string, body: unknown) =>
      fetch(base + url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const email = 'twice@example.org';
    const setup = await post(a.url, '/v1/setup', { organisationName: 'Acme', name: 'Ada', email, password: PASSWORD });
    expect(setup.status).toBe(201);
    for (const base of [a.url, b.url, a.url]) {
      expect((await post(base, '/v1/auth/password-reset', { email, language: 'en' })).status).toBe(202);
    }
    await until('three e-mails arrived', () => tokensIn(email).length >= 3);
    // Both instances poll every 2 s: two more rounds send nothing twice.
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(new Set(tokensIn(email)).size).toBe(3);
    expect(tokensIn(email)).toHaveLength(3);
  }, 60_000);
});
