// A failing job is retried, then its owner is told (workOwnedQueue): on PGlite and on a real PostgreSQL.
import { eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import type { Database } from '../../platform/db/database';
import {
  apiKeys,
  auditEvents,
  memberships,
  notifications,
  organisations,
  ownedResources,
  users,
} from '../../platform/db/schema';
import { workOwnedQueue, type JobOwnership } from '../../platform/jobs/job-owner';
import { defineQueue } from '../../platform/jobs/job-queue';
import { forEachJobsDatabase, until } from './jobs/jobs-harness';

let counter = 0;

interface Work {
  readonly orgId: string;
  readonly resourceId: string;
  /** Attempts that fail before one succeeds (99: all of them). */
  readonly failures: number;
}

async function org(db: Database) {
  const n = ++counter;
  const at = new Date();
  const orgId = `org_dl${n}`;
  await db.insert(organisations).values({ id: orgId, name: `Org ${n}`, createdAt: at });
  const person = async (name: string, role: 'admin' | 'editor') => {
    const id = `usr_dl${n}${name}`;
    await db.insert(users).values({ id, email: `${name}${n}@example.org`, name, passwordHash: 'x', createdAt: at });
    await db.insert(memberships).values({ orgId, userId: id, role, joinedAt: at });
    return id;
  };
  const admin = await person('admin', 'admin');
  const editor = await person('editor', 'editor');
  const own = async (resourceId: string, ownerType: 'user' | 'api-key', ownerId: string) =>
    db.insert(ownedResources).values({ orgId, kind: 'connector', resourceId, ownerType, ownerId });
  return { orgId, admin, editor, own };
}

const ownership: JobOwnership<Work> = {
  subjectOf: (data) => ({ orgId: data.orgId, kind: 'connector', id: data.resourceId }),
  describe: async (_db, data) => (data.resourceId.endsWith('gone') ? null : `The import into "${data.resourceId}"`),
};

const noticesOf = async (db: Database, userId: string) =>
  db.select().from(notifications).where(eq(notifications.userId, userId));

forEachJobsDatabase((env) => {
  it('retries a failing job, then notifies its owner once and audits it, without the error’s message', async () => {
    const { db } = env();
    const acme = await org(db);
    await acme.own('con_failing', 'user', acme.editor);
    await acme.own('con_flaky', 'user', acme.editor);
    const queue = defineQueue<Work>({
      name: `owned-${counter}`,
      retryLimit: 1,
      retryDelay: 0,
      retryBackoff: false,
      deadLetter: `owned-${counter}-dead`,
      policy: 'standard',
    });
    const attempts = new Map<string, number>();
    const jobs = await env().runtime();
    workOwnedQueue(
      jobs,
      db,
      () => new Date(),
      queue,
      async (job) => {
        const n = (attempts.get(job.data.resourceId) ?? 0) + 1;
        attempts.set(job.data.resourceId, n);
        if (n <= job.data.failures) {
          throw Object.assign(new Error('cannot reach s3cr3t-host with password hunter2'), { code: 'EVAULTDOWN' });
        }
      },
      ownership,
    );
    await jobs.start();
    await jobs.send(queue, { orgId: acme.orgId, resourceId: 'con_failing', failures: 99 });
    await jobs.send(queue, { orgId: acme.orgId, resourceId: 'con_flaky', failures: 1 });

    await until('the owner was told', async () => (await noticesOf(db, acme.editor)).length > 0, 30_000);
    await until('the flaky job succeeded on its retry', () => attempts.get('con_flaky') === 2);
    expect(attempts.get('con_failing')).toBe(2);
    // A poll or two later, still one notice: the job that succeeded on its retry tells nobody.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    const notices = await noticesOf(db, acme.editor);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      orgId: acme.orgId,
      kind: 'job.failed',
      subjectType: 'connector',
      subjectId: 'con_failing',
      params: { queue: queue.name, attempts: 2, errorCode: 'EVAULTDOWN', what: 'The import into "con_failing"' },
      readAt: null,
    });
    expect(notices[0]?.message).toMatch(/^The import into "con_failing" failed 2 time\(s\) in a row/);
    expect(JSON.stringify(notices)).not.toMatch(/hunter2|s3cr3t/);
    expect(await noticesOf(db, acme.admin)).toHaveLength(0);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.orgId, acme.orgId));
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'jobs.failed',
      targetType: 'connector',
      targetId: 'con_failing',
      principalType: 'platform',
      principalLabel: 'Ferry platform (background job)',
      outcome: 'success',
      reason: `${queue.name}: given up after 2 attempt(s) (EVAULTDOWN)`,
    });
    expect(JSON.stringify(audit)).not.toMatch(/hunter2|s3cr3t/);
  });

  it('tells the member who created an owning API key, the admins when nobody owns it, nobody when it is gone', async () => {
    const { db } = env();
    const acme = await org(db);
    await db.insert(apiKeys).values({
      id: `key_dl${counter}`,
      orgId: acme.orgId,
      name: 'importer',
      role: 'editor',
      secretHash: `hash${counter}`,
      prefix: 'ferry_ak_x',
      creatorId: acme.editor,
      createdAt: new Date(),
      expiresAt: new Date(Date.now() + 86_400_000),
    });
    await acme.own('con_by_key', 'api-key', `key_dl${counter}`);
    const queue = defineQueue<Work>({
      name: `owned-${counter}`,
      retryLimit: 0,
      retryDelay: 0,
      retryBackoff: false,
      deadLetter: `owned-${counter}-dead`,
      policy: 'standard',
    });
    const jobs = await env().runtime();
    workOwnedQueue(
      jobs,
      db,
      () => new Date(),
      queue,
      async () => {
        throw new Error('always');
      },
      ownership,
    );
    await jobs.start();
    for (const resourceId of ['con_by_key', 'con_unowned', 'con_gone']) {
      await jobs.send(queue, { orgId: acme.orgId, resourceId, failures: 99 });
    }
    await until('three dead letters handled', async () => {
      const dead = await jobs.jobsOf(queue.deadLetter as string);
      return dead.length === 3 && dead.every((job) => job.state === 'completed');
    });
    expect((await noticesOf(db, acme.editor)).map((n) => n.subjectId)).toEqual(['con_by_key']);
    expect((await noticesOf(db, acme.admin)).map((n) => n.subjectId)).toEqual(['con_unowned']);
    const audit = await db.select().from(auditEvents).where(eq(auditEvents.orgId, acme.orgId));
    expect(audit.map((a) => a.targetId).sort()).toEqual(['con_by_key', 'con_unowned']);
    expect(audit.every((a) => a.reason === `${queue.name}: given up after 1 attempt(s)`)).toBe(true);
  });
});
