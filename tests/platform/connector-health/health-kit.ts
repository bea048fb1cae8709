// Drives the daily connector checks of a test app without waiting for the clock: sends the sweep job (as its cron
// does) from a jobs runtime of the test's own on the app's database, and waits until every check it enqueued ended.
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../../platform/db/database';
import { orgConnectors } from '../../../platform/db/schema';
import { bossDatabaseOf } from '../../../platform/jobs/boss-database';
import { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { CONNECTOR_CHECKS_QUEUE } from '../../../platform/connectors/health/connector-check-queues';
import type { KeyProvider, UnwrapResult } from '../../../platform/vault/key-provider';
import { FAST, recordingLog, until } from '../jobs/jobs-harness';
import type { TestEnv } from '../platform-harness';

/** Sends the sweep and waits for the checks it enqueued; knows how many checks ended so far. */
export interface SweepDriver {
  /** Sends one sweep (one cron tick) and waits until a check of every active connector has ended. */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

const ENDED = new Set(['completed', 'failed', 'cancelled']);

/** A sweep driver on `db` (the app's database); start it once the app runs. */
export async function sweepDriver(db: Database, ms = 30_000): Promise<SweepDriver> {
  const jobs = new JobsRuntime(bossDatabaseOf(db), recordingLog(), FAST);
  jobs.queue(CONNECTOR_CHECKS_QUEUE);
  await jobs.start();
  const ended = async () => (await jobs.jobsOf('connector-check')).filter((job) => ENDED.has(job.state)).length;
  return {
    async tick() {
      const active = (
        await db.select({ id: orgConnectors.id }).from(orgConnectors).where(eq(orgConnectors.status, 'active'))
      ).length;
      const before = await ended();
      const sweeps = (await jobs.jobsOf('connector-checks')).length;
      expect(await jobs.send(CONNECTOR_CHECKS_QUEUE, { task: 'check-connectors' })).not.toBeNull();
      await until(
        'the sweep ran',
        async () => {
          const all = await jobs.jobsOf('connector-checks');
          return all.length > sweeps && all.every((job) => ENDED.has(job.state));
        },
        ms,
      );
      await until(`${active} connector check(s) ended`, async () => (await ended()) >= before + active, ms);
    },
    stop: () => jobs.stop(),
  };
}

/** A key provider that can be made to fail like an unreachable key service (a KMS outage), then recover. */
export function failingKeys(keys: KeyProvider): KeyProvider & { failing: boolean } {
  const outage = () => Object.assign(new Error('the key service does not answer'), { code: 'EKEYSERVICE' });
  const wrapper = {
    failing: false,
    description: keys.description,
    rotation: keys.rotation,
    activeKeyId: () => keys.activeKeyId(),
    heldKeyIds: () => keys.heldKeyIds(),
    wrap: (dataKey: Uint8Array, aad: Uint8Array) => keys.wrap(dataKey, aad),
    async unwrap(kekId: string, wrapped: Uint8Array, aad: Uint8Array): Promise<UnwrapResult> {
      if (wrapper.failing) throw outage();
      return keys.unwrap(kekId, wrapped, aad);
    },
  };
  return wrapper;
}

/** The connector's detail as its admin reads it. */
export async function connectorOf(env: TestEnv, orgId: string, token: string, id: string) {
  const res = await env.call('GET', `/v1/orgs/${orgId}/connectors/${id}`, { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json();
}

/** The caller's notifications, newest first. */
export async function noticesOf(env: TestEnv, token: string): Promise<Array<Record<string, unknown>>> {
  const res = await env.call('GET', '/v1/notifications?limit=200', { token });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().items;
}
