// The jobs runtime on pg-boss, on PGlite and on a real PostgreSQL: enqueue inside a transaction, retries then the
// dead-letter queue, singleton keys, and a cron schedule that fires.
import { expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { defineQueue, type JobQueue } from '../../../platform/jobs/job-queue';
import { forEachJobsDatabase, until } from './jobs-harness';

let counter = 0;
/** A queue of its own for each test: names never collide between tests on one database. */
function testQueue<T extends object>(rules: Partial<JobQueue<T>> = {}): JobQueue<T> {
  return defineQueue<T>({
    name: `test-${++counter}-${Date.now()}`,
    retryLimit: 0,
    retryDelay: 0,
    retryBackoff: false,
    policy: 'standard',
    ...rules,
  });
}

forEachJobsDatabase((env) => {
  it('runs a job enqueued in a committed transaction, never one enqueued in a rolled-back transaction', async () => {
    const queue = testQueue<{ readonly n: number }>();
    const ran: number[] = [];
    const jobs = await env().runtime();
    jobs.work(queue, async (job) => void ran.push(job.data.n));
    await jobs.start();
    await env()
      .db.transaction(async (tx) => {
        await jobs.send(queue, { n: 1 }, { executor: tx });
        await tx.execute(sql`select 1`);
        throw new Error('roll back');
      })
      .catch((error: unknown) => expect(String(error)).toContain('roll back'));
    await env().db.transaction(async (tx) => {
      await jobs.send(queue, { n: 2 }, { executor: tx });
    });
    await until('the committed job ran', () => ran.includes(2));
    // A worker polls every half second: two more polls find nothing else.
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(ran).toEqual([2]);
    expect((await jobs.jobsOf<{ n: number }>(queue.name)).map((job) => job.data.n)).toEqual([2]);
  });

  it('retries a failing job with backoff, then moves it to the dead-letter queue', async () => {
    const deadLetter = `${testQueue().name}-dead`;
    const queue = testQueue<{ readonly what: string }>({
      retryLimit: 2,
      retryDelay: 1,
      retryBackoff: true,
      deadLetter,
    });
    const attempts: Array<{ retry: number; at: number }> = [];
    const jobs = await env().runtime();
    jobs.work(queue, async (job) => {
      attempts.push({ retry: job.retryCount, at: Date.now() });
      throw new Error(`attempt ${job.retryCount + 1} failed`);
    });
    await jobs.start();
    await jobs.send(queue, { what: 'always fails' });
    await until(
      'the job reached the dead-letter queue',
      async () => (await jobs.jobsOf(deadLetter)).length === 1,
      30_000,
    );
    expect(attempts.map((a) => a.retry)).toEqual([0, 1, 2]);
    // Backoff: each retry waits at least the base delay (1 s), the second longer than the first's minimum.
    const [first, second, third] = attempts.map((a) => a.at) as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(900);
    expect(third - second).toBeGreaterThanOrEqual(900);
    const [dead] = await jobs.jobsOf<{ what: string }>(deadLetter);
    expect(dead?.data).toEqual({ what: 'always fails' });
    expect((await jobs.jobsOf(queue.name)).map((job) => job.state)).toEqual(['failed']);
  });

  it('never runs two jobs of one singleton key at once; other keys run beside them', async () => {
    const queue = testQueue<{ readonly key: string }>({ policy: 'singleton' });
    const running = new Map<string, number>();
    const most = new Map<string, number>();
    let overall = 0;
    let overallMost = 0;
    let done = 0;
    const jobs = await env().runtime();
    jobs.work(
      queue,
      async (job) => {
        const now = (running.get(job.data.key) ?? 0) + 1;
        running.set(job.data.key, now);
        most.set(job.data.key, Math.max(most.get(job.data.key) ?? 0, now));
        overallMost = Math.max(overallMost, ++overall);
        await new Promise((resolve) => setTimeout(resolve, 400));
        running.set(job.data.key, (running.get(job.data.key) ?? 1) - 1);
        overall--;
        done++;
      },
      4,
    );
    await jobs.start();
    for (const key of ['a', 'a', 'a', 'b', 'b', 'b']) await jobs.send(queue, { key }, { singletonKey: key });
    await until('every job ran', () => done === 6, 30_000);
    expect(Object.fromEntries(most)).toEqual({ a: 1, b: 1 });
    expect(overallMost).toBe(2);
  });

  it('sends a job on a cron schedule', async () => {
    const queue = testQueue<{ readonly from: string }>();
    const ran: string[] = [];
    const jobs = await env().runtime();
    jobs.work(queue, async (job) => void ran.push(job.data.from));
    jobs.schedule(queue, '* * * * *', { from: 'cron' });
    await jobs.start();
    // The first pass sends the occurrence of the current minute; later ones come each minute.
    await until('the scheduled job ran', () => ran.length > 0, 70_000);
    expect(ran).toEqual(['cron']);
  }, 80_000);
});
