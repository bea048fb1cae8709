// Invitation e-mails while the SMTP server is down: the first attempt records 'failed' (the link still works), a retry
// after the server comes up sends it once and records 'sent'; when every retry fails it stays 'failed' in the outbox
// and its sender is told (a notification and an audit entry by the platform).
import { afterAll, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import type * as JobQueueModule from '../../../platform/jobs/job-queue';
import { MAIL_QUEUE } from '../../../platform/mail/mail-service';
import { smtpMailer, type Mailer } from '../../../platform/mail/mailer';
import { freePort } from '../../servers/free-port';
import { startSmtpSink, type SmtpSink } from '../../servers/smtp-sink';
import { mailBodyText } from '../../servers/mail-body-text';
import { auditOf, forEachDatabase, setUp, type SetUpOrg, type TestEnv } from '../platform-harness';
import { FAST, until } from './jobs-harness';

// The app has no option for the mail queue's delays (30 s doubling to 5 min): only they shrink, the retry count stays.
vi.mock('../../../platform/jobs/job-queue', async (importOriginal) => {
  const actual = await importOriginal<typeof JobQueueModule>();
  return {
    ...actual,
    defineQueue: <T extends object>(queue: JobQueueModule.JobQueue<T>) =>
      queue.name === 'mail' ? { ...queue, retryDelay: 1, retryDelayMax: 2 } : queue,
  };
});

/** The longest wait between two attempts with the shortened delays, plus a poll. */
const RETRY_GAP_MS = 2_500;

// The app's SMTP server: a port where nothing listens until a sink is started and the port points at it.
let smtpPort = 0;
let sink: SmtpSink | undefined;
const attempts: string[] = [];
const mailer: Mailer = {
  kind: 'smtp',
  send(message) {
    attempts.push(message.to);
    return smtpMailer({ host: '127.0.0.1', port: smtpPort, from: 'ferry@acme.example' }).send(message);
  },
};
afterAll(async () => {
  await sink?.stop();
});

const attemptsTo = (email: string) => attempts.filter((to) => to === email).length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The states of the pg-boss jobs (the mail queue and its dead letters) carrying an invitation's e-mail. */
async function jobsOf(env: TestEnv, invitationId: string): Promise<string[]> {
  const result = await env.db.execute(
    sql`select name || ':' || state as job from pgboss.job where data->'subject'->>'id' = ${invitationId} order by name`,
  );
  return (result as unknown as { rows: Array<{ job: string }> }).rows.map((row) => row.job);
}

forEachDatabase(
  (env) => {
    let acme: SetUpOrg;
    let firstId = '';
    let firstLink = '';
    const first = () => `retried.${env().kind}@example.org`;
    const read = (id: string) =>
      env().call('GET', `/v1/orgs/${acme.orgId}/invitations/${id}`, { token: acme.adminToken });
    const outbox = async () =>
      (await env().call('GET', `/v1/orgs/${acme.orgId}/outbox`, { token: acme.adminToken })).json().items as Array<{
        invitationId: string;
        to: string;
        text: string;
        status: string;
        error: string | null;
      }>;
    const invite = async (email: string) => {
      const created = await env().call('POST', `/v1/orgs/${acme.orgId}/invitations`, {
        token: acme.adminToken,
        body: { email, role: 'viewer', language: 'en' },
      });
      expect(created.statusCode, created.body).toBe(201);
      expect(created.json().emailStatus).toBe('queued');
      return { id: created.json().id as string, link: created.json().link as string };
    };
    const emailNotices = async () =>
      (
        (await env().call('GET', '/v1/notifications', { token: acme.adminToken })).json().items as Array<{
          kind: string;
          subjectId: string;
          params: Record<string, unknown>;
          message: string;
        }>
      ).filter((notice) => notice.kind === 'invitation.email-failed');
    const statusBecomes = (id: string, status: string) =>
      until(`the invitation's e-mail is ${status}`, async () => (await read(id)).json().emailStatus === status);

    it('records the e-mail failed while the SMTP server is down; the link still works', async () => {
      expect(MAIL_QUEUE.retryLimit).toBeGreaterThan(0);
      smtpPort = await freePort(); // nothing listens there
      acme = await setUp(env());
      ({ id: firstId, link: firstLink } = await invite(first()));
      await statusBecomes(firstId, 'failed');
      expect(attemptsTo(first())).toBeGreaterThanOrEqual(1);
      const detail = (await read(firstId)).json();
      expect(detail.link).toBe(firstLink);
      const url = new URL(firstLink);
      const preview = await env().call('GET', url.pathname + url.search);
      expect(preview.statusCode, preview.body).toBe(200);
      expect(preview.json()).toMatchObject({ email: first(), organisationName: 'Acme', role: 'viewer' });
      expect(await outbox()).toEqual([
        expect.objectContaining({
          invitationId: firstId,
          status: 'failed',
          error: expect.stringContaining('ECONNREFUSED'),
        }),
      ]);
    });

    it('sends it once by a retry when the server comes up, and records it sent', async () => {
      sink = await startSmtpSink();
      smtpPort = sink.port;
      const mail = await sink.waitFor(first(), 10_000);
      await statusBecomes(firstId, 'sent');
      expect(mailBodyText(mail.raw)).toContain(firstLink);
      // No further attempt: the job completed, nothing waits to send it again.
      await sleep(RETRY_GAP_MS);
      expect(sink.messages.filter((m) => m.to.includes(first()))).toHaveLength(1);
      expect(attemptsTo(first())).toBeGreaterThanOrEqual(2);
      expect((await read(firstId)).json().emailStatus).toBe('sent');
      expect(await jobsOf(env(), firstId)).toEqual(['mail:completed']);
      expect(await outbox()).toEqual([]);
      expect(await emailNotices()).toEqual([]);
    });

    it('keeps it failed and in the outbox once every retry failed, and tells its sender', async () => {
      await sink?.stop(); // the server goes down again, for good
      sink = undefined;
      const email = `unreachable.${env().kind}@example.org`;
      const { id, link } = await invite(email);
      await until('every attempt was made', () => attemptsTo(email) === MAIL_QUEUE.retryLimit + 1, 30_000);
      await until('the job was given up', async () => (await jobsOf(env(), id)).includes('mail:failed'));
      await until('its sender was told', async () => (await emailNotices()).length > 0);
      await sleep(RETRY_GAP_MS);
      expect(attemptsTo(email)).toBe(MAIL_QUEUE.retryLimit + 1);
      expect(await jobsOf(env(), id)).toEqual(['mail:failed', 'mail-dead:completed']);
      const notices = await emailNotices();
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatchObject({
        subjectId: id,
        params: { email, attempts: MAIL_QUEUE.retryLimit + 1 },
      });
      expect(notices[0]?.message).toContain(`The invitation e-mail to ${email} could not be sent`);
      const audit = await auditOf(env(), acme.orgId, acme.adminToken, { action: 'invitations.email-failed' });
      expect(audit).toEqual([
        expect.objectContaining({ targetType: 'invitation', targetId: id, principalType: 'platform', ip: null }),
      ]);
      const detail = (await read(id)).json();
      expect(detail).toMatchObject({ emailStatus: 'failed', link });
      const waiting = await outbox();
      expect(waiting).toEqual([
        expect.objectContaining({
          invitationId: id,
          to: email,
          status: 'failed',
          error: expect.stringContaining('ECONNREFUSED'),
        }),
      ]);
      expect(waiting[0]?.text).toContain(link);
    });
  },
  () => ({ mailer, publicUrl: 'http://platform.test:8750', jobs: FAST }),
);
