// Two platform instances (two jobs runtimes, each on its own connection pool) on one real PostgreSQL: every job runs
// exactly once between them, and a cron schedule both declare sends one job per tick.
import { expect, it } from 'vitest';
import { defineQueue } from '../../../platform/jobs/job-queue';
import { onPostgres, until } from './jobs-harness';

const queue = (name: string) =>
  defineQueue<{ readonly n: number }>({ name, retryLimit: 0, retryDelay: 0, retryBackoff: false, policy: 'standard' });

// PGlite is one process's database: sharing a queue between instances only happens on a server.
onPostgres((env) => {
  it('runs each of 50 jobs exactly once between two instances', async () => {
    const work = queue('shared-work');
    const runs: Array<{ instance: string; n: number }> = [];
    const [a, b] = [await env().runtime(), await env().runtime()];
    for (const [name, jobs] of [
      ['a', a],
      ['b', b],
    ] as const) {
      jobs.work(
        work,
        async (job) => {
          runs.push({ instance: name, n: job.data.n });
          await new Promise((resolve) => setTimeout(resolve, 20));
        },
        3,
      );
    }
    await Promise.all([a.start(), b.start()]);
    for (let n = 0; n < 50; n++) await (n % 2 === 0 ? a : b).send(work, { n });
    await until('50 runs', () => runs.length >= 50, 30_000);
    // Polls of both instances come and go for another second and a half: nothing runs twice.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(runs).toHaveLength(50);
    expect(new Set(runs.map((run) => run.n)).size).toBe(50);
    expect(new Set(runs.map((run) => run.instance))).toEqual(new Set(['a', 'b']));
  });

  it('sends a schedule both instances declare once per tick', async () => {
    const tick = queue('shared-tick');
    const runs: Array<{ instance: string; minute: number }> = [];
    const [a, b] = [await env().runtime(), await env().runtime()];
    for (const [name, jobs] of [
      ['a', a],
      ['b', b],
    ] as const) {
      jobs.work(tick, async () => void runs.push({ instance: name, minute: Math.floor(Date.now() / 60_000) }));
      jobs.schedule(tick, '* * * * *', { n: 0 });
    }
    // Not in a minute's last seconds: the first tick's job must run within the minute it was sent for.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 50_000) await new Promise((resolve) => setTimeout(resolve, 60_500 - intoMinute));
    await Promise.all([a.start(), b.start()]);
    // The first pass sends this minute's occurrence, the next comes once the minute turns. A second job for the
    // first minute would arrive before the turn (and share its minute); one for the second would make a third run.
    await until('the first tick', () => runs.length >= 1, 20_000);
    await until('the second tick', () => runs.length >= 2, 70_000);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(runs).toHaveLength(2);
    expect(runs[1]!.minute).toBeGreaterThan(runs[0]!.minute);
  }, 90_000);
});
