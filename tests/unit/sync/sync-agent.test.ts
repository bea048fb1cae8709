// The agent's scheduler, pause, graceful stop, status, activity (filter, CSV) and run notifications, with scripted
// runners (the runners themselves are tested against the real platform in delivery-runner and publish-runner).
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliverBinding, PublishBinding, SyncBinding, SyncStatus } from '../../../shared/ipc/sync-ipc';
import { SyncBindingSchema } from '../../../shared/ipc/sync-ipc';
import type { BindingRunner, RunContext, RunSummary } from '../../../main/services/sync/binding-runner';
import { SyncAgent } from '../../../main/services/sync/sync-agent';
import { SyncBindingsStore } from '../../../main/services/sync/sync-bindings-store';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { syncNotificationOf } from '../../../main/services/sync/sync-notification';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import type { DriverProvider } from '../../../main/services/connectors/driver-provider';

// Like electron-store, it refuses to set undefined (a pause lifted must be stored as something else).
const memoryStore = () => {
  const map = new Map<string, unknown>();
  return {
    get: (k: string) => map.get(k),
    set: (k: string, v: unknown) => {
      if (v === undefined) throw new TypeError('Use delete() to clear values');
      map.set(k, v);
    },
  };
};

const publish = (id: string, intervalMinutes = 60): SyncBinding =>
  SyncBindingSchema.parse({
    kind: 'publish',
    id,
    name: `Publish ${id}`,
    orgId: 'org_1',
    connectorId: 'c',
    folder: '',
    offerId: 'off_1',
    intervalMinutes,
  });
const deliver = (id: string): SyncBinding =>
  SyncBindingSchema.parse({
    kind: 'deliver',
    id,
    name: `Deliver ${id}`,
    orgId: 'org_1',
    connectorId: 'c',
    folder: 'in',
    acquisitionId: 'acq_1',
  });

/** A runner whose runs the test scripts: each run reports, then waits for `release` when `hold` is set. */
class ScriptedRunner<B extends SyncBinding> implements BindingRunner<B> {
  runs: string[] = [];
  hold: Promise<void> | undefined;
  files = 1;
  outcome: Partial<RunSummary> = {};
  stoppedEarly = 0;

  async run(binding: B, context: RunContext): Promise<RunSummary> {
    this.runs.push(binding.id);
    let sent = 0;
    for (let i = 0; i < this.files; i++) {
      if (context.stopping()) {
        this.stoppedEarly++;
        break;
      }
      await this.hold;
      context.report({
        kind: binding.kind === 'deliver' ? 'delivered' : 'published',
        bindingId: binding.id,
        path: `f${i}.csv`,
        size: 10,
      });
      sent++;
    }
    return { sent, bytes: sent * 10, failed: 0, ...this.outcome };
  }

  async preview(binding: B) {
    return {
      bindingId: binding.id,
      wouldSend: [{ path: 'x', size: 1 }],
      skipped: [],
      warning: null,
      truncatedAt: null,
    };
  }
}

let agents: SyncAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.map((a) => a.stop(false)));
  agents = [];
});

function setup(bindings: SyncBinding[], now = { t: Date.parse('2026-12-07T10:00:00Z') }) {
  const expiry: { value: { expiresAt: Date; source: string } | null } = { value: null };
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ferry-agent-'));
  const ledger = new SyncLedger(path.join(dir, 'ledger.sqlite'), () => now.t);
  const store = memoryStore();
  const bindingStore = new SyncBindingsStore(store);
  for (const b of bindings) bindingStore.save(b);
  const publishRunner = new ScriptedRunner<PublishBinding>();
  const deliverRunner = new ScriptedRunner<DeliverBinding>();
  const make = () =>
    new SyncAgent({
      ledger,
      bindings: bindingStore,
      drivers: {} as DriverProvider,
      platform: {
        client: async () => {
          throw new Error('unused');
        },
      },
      runtime: new TransferRuntime(memoryStore()),
      runners: { publish: publishRunner, deliver: deliverRunner },
      store,
      tickMs: 3_600_000,
      credentialExpiry: async () => expiry.value,
    });
  const agent = make();
  agents.push(agent);
  return { agent, make, ledger, now, store, bindingStore, publishRunner, deliverRunner, expiry };
}

describe('SyncAgent', () => {
  it('runs each binding when its interval has passed, not before, and only enabled ones', async () => {
    const env = setup([publish('p', 60), deliver('d')]);
    env.bindingStore.save({ ...publish('off'), enabled: false });
    await env.agent.runOnce();
    expect(env.publishRunner.runs.sort()).toEqual(['p']);
    expect(env.deliverRunner.runs).toEqual(['d']);
    env.agent.runDue();
    await new Promise((r) => setTimeout(r, 20));
    expect(env.publishRunner.runs).toEqual(['p']);
    env.now.t += 60 * 60_000;
    env.agent.runDue();
    await new Promise((r) => setTimeout(r, 20));
    expect(env.publishRunner.runs).toEqual(['p', 'p']);
    // A new agent (a restart) knows when each binding last ran: nothing is due yet.
    const again = env.make();
    agents.push(again);
    again.runDue();
    await new Promise((r) => setTimeout(r, 20));
    expect(env.publishRunner.runs).toEqual(['p', 'p']);
    expect(again.status().lastRunAt).toBe(new Date(env.now.t).toISOString());
  });

  it('pauses for some hours (remembered across a restart), lets sync now lift it, and resumes on its own', async () => {
    const env = setup([publish('p')]);
    const states: SyncStatus['state'][] = [];
    env.agent.onStatus((s) => states.push(s.state));
    const paused = env.agent.pauseFor(8);
    expect(paused.state).toBe('paused');
    expect(paused.pausedUntil).toBe(new Date(env.now.t + 8 * 3_600_000).toISOString());
    env.agent.runDue();
    expect(env.publishRunner.runs).toEqual([]);
    const restarted = env.make();
    agents.push(restarted);
    expect(restarted.status().state).toBe('paused');
    env.now.t += 8 * 3_600_000 + 1;
    expect(restarted.status().state).toBe('idle');
    env.agent.pauseFor(null);
    expect(env.agent.status()).toMatchObject({ state: 'paused', pausedUntil: null });
    env.agent.syncNow();
    expect(env.agent.status().state).toBe('syncing');
    await env.agent.stop(true);
    expect(env.publishRunner.runs).toEqual(['p']);
    expect(states).toContain('paused');
    expect(states).toContain('syncing');
  });

  it('a graceful stop lets the file under way finish and starts no other; a pause does the same', async () => {
    const env = setup([publish('p')]);
    env.publishRunner.files = 3;
    let release!: () => void;
    env.publishRunner.hold = new Promise((r) => (release = r));
    env.agent.syncNow();
    await new Promise((r) => setTimeout(r, 10));
    const stopped = env.agent.stop(true);
    release();
    await stopped;
    // The first file was under way: it finished; the other two did not start.
    expect(env.agent.activity.list().entries.map((e) => e.path)).toEqual(['f0.csv']);
    expect(env.publishRunner.stoppedEarly).toBe(1);
  });

  it('says error while a run failed, with the problem, until a clean run', async () => {
    const env = setup([deliver('d')]);
    env.deliverRunner.outcome = { failed: 2 };
    await env.agent.runOnce();
    expect(env.agent.status()).toMatchObject({ state: 'error', problem: 'Deliver d: 2 file(s) failed.' });
    env.deliverRunner.outcome = {};
    await env.agent.runOnce();
    expect(env.agent.status()).toMatchObject({ state: 'idle', problem: null });
  });

  it('reports a run that crashed as a failure in the activity', async () => {
    const env = setup([deliver('d')]);
    env.deliverRunner.run = async () => {
      throw new Error('The platform at https://x did not answer.');
    };
    const outcomes = await env.agent.runOnce();
    expect(outcomes.get('d')?.kind).toBe('crashed');
    const [entry] = env.agent.activity.list().entries;
    expect(entry).toMatchObject({
      kind: 'failed',
      bindingName: 'Deliver d',
      message: 'The platform at https://x did not answer.',
    });
  });

  it('lists activity newest first with filters and paging, and exports CSV a spreadsheet cannot run', async () => {
    const env = setup([deliver('d'), publish('p')]);
    env.deliverRunner.files = 3;
    await env.agent.runOnce();
    env.agent.activity.add(
      { kind: 'failed', bindingId: 'p', path: '=HYPERLINK("http://evil")', message: 'x; y' },
      'Publish p',
    );
    const all = env.agent.activity.list({ limit: 2 });
    expect(all.entries.map((e) => e.kind)).toEqual(['failed', 'delivered']);
    expect(all.hasMore).toBe(true);
    const older = env.agent.activity.list({ before: all.entries[1]!.id, limit: 10 });
    expect(older.entries.length).toBe(3);
    expect(env.agent.activity.list({ kinds: ['delivered'] }).entries).toHaveLength(3);
    expect(env.agent.activity.list({ bindingId: 'p', kinds: ['published'] }).entries).toHaveLength(1);
    expect(env.agent.activity.list({ text: 'f2' }).entries.map((e) => e.path)).toEqual(['f2.csv']);
    // LIKE wildcards in the words are literal.
    expect(env.agent.activity.list({ text: '%' }).entries).toHaveLength(0);
    const { csv, rows } = env.agent.activity.csv({ kinds: ['failed'] });
    expect(rows).toBe(1);
    expect(csv.split('\r\n')[0]).toBe('time,kind,binding,path,size,reason,code,message,what to do');
    expect(csv).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(csv).toContain('"x; y"');
  });

  it('notifies deliveries and failures in the user language, and stays quiet for publishing', () => {
    const at = '2026-12-07T10:00:00.000Z';
    const entry = (kind: 'delivered' | 'failed' | 'published', p: string) => ({
      id: 1,
      at,
      kind,
      bindingId: 'd',
      bindingName: 'Daily',
      path: p,
    });
    expect(syncNotificationOf('Daily', [entry('delivered', 'a/report.csv')], 'en')).toEqual({
      kind: 'sync-delivered',
      title: 'Files delivered',
      body: '"report.csv" arrived in Daily.',
    });
    expect(syncNotificationOf('Daily', [entry('delivered', 'a'), entry('delivered', 'b')], 'fr')?.body).toBe(
      '2 fichiers sont arrivés dans Daily.',
    );
    expect(syncNotificationOf('Daily', [entry('delivered', 'a'), entry('failed', 'b')], 'en')?.kind).toBe(
      'sync-failed',
    );
    expect(syncNotificationOf('Daily', [entry('published', 'a')], 'en')).toBeUndefined();
  });

  it('a binding saved again finds or makes its delivery target anew (after the old one was deleted)', () => {
    const env = setup([deliver('d')]);
    env.ledger.db.prepare("INSERT INTO binding_state (binding_id, target_id) VALUES ('d', 'dt_gone')").run();
    env.agent.bindingSaved('d');
    const row = env.ledger.db.prepare("SELECT target_id FROM binding_state WHERE binding_id = 'd'").get() as {
      target_id: string | null;
    };
    expect(row.target_id).toBeNull();
  });

  it("warns once per threshold that a connector's credentials expire, and says error once they have", async () => {
    const env = setup([deliver('d')]);
    const day = 86_400_000;
    env.expiry.value = { expiresAt: new Date(env.now.t + 20 * day), source: 'sasToken' };
    await env.agent.runOnce();
    expect(env.agent.activity.list({ kinds: ['credential-expiry'] }).entries).toHaveLength(0);
    env.expiry.value = { expiresAt: new Date(env.now.t + 10 * day), source: 'sasToken' };
    await env.agent.runOnce();
    await env.agent.runOnce();
    const warned = env.agent.activity.list({ kinds: ['credential-expiry'] }).entries;
    expect(warned).toHaveLength(1);
    expect(warned[0]).toMatchObject({ reason: 'credential-expiring', code: 'sasToken' });
    expect(env.agent.status().state).toBe('idle');
    env.now.t += 10 * day + 1;
    await env.agent.runOnce();
    expect(env.agent.activity.list({ kinds: ['credential-expiry'] }).entries[0]).toMatchObject({
      reason: 'credential-expired',
    });
    expect(env.agent.status()).toMatchObject({ state: 'error' });
    expect(env.agent.status().problem).toMatch(/expired/);
  });

  it('asked to deliver a file again, records the ask and runs the binding at once; not for a file never delivered', async () => {
    const env = setup([deliver('d'), publish('p')]);
    expect(env.agent.redeliver('d', 'ofl_1')).toBe(false);
    env.ledger.db
      .prepare(
        `INSERT INTO delivered (binding_id, file_id, seq, path, size, sha256, conflict, receipt_path, delivered_at)
         VALUES ('d', 'ofl_1', 1, 'in/a.csv', 1, 'x', 0, NULL, ?)`,
      )
      .run(env.now.t - 1000);
    expect(env.agent.redeliver('p', 'ofl_1')).toBe(false);
    expect(env.agent.redeliver('d', 'ofl_1')).toBe(true);
    await env.agent.stop(true);
    expect(env.deliverRunner.runs).toEqual(['d']);
    const asked = env.ledger.db.prepare("SELECT file_id FROM redeliveries WHERE binding_id = 'd'").all();
    expect(asked).toEqual([{ file_id: 'ofl_1' }]);
  });
});
