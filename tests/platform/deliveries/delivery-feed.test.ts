// The walk from entitled files to delivery rows, on PGlite: the entitlement rule (history, one-shot end, period end,
// removed files), the cursor, rows made once however often it walks, jobs only for active connector targets; and
// what the sweep and a resume send again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../platform/auth/secret-token';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { acquisitions, deliveries, deliveryTargets, offerFiles, organisations } from '../../../platform/db/schema';
import { deliveryQueue, resendWaiting, walkDeliveries } from '../../../platform/deliveries/delivery-feed';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addFile, insertAcquisition, insertOffer } from './delivery-fixtures';

let database: OpenDatabase;
let storage: string;
const sent: string[] = [];
// Records the delivery jobs the walk sends instead of queueing them.
const jobs = {
  send: async (_queue: unknown, data: { deliveryId: string }) => {
    sent.push(data.deliveryId);
    return 'job';
  },
} as unknown as JobsRuntime;
const queue = deliveryQueue();

beforeAll(async () => {
  database = await openDatabase({ kind: 'pglite' });
  storage = mkdtempSync(path.join(tmpdir(), 'ferry-feed-storage-'));
});

afterAll(async () => {
  await database?.close();
  rmSync(storage, { recursive: true, force: true });
});

describe('walking entitled files into delivery rows', () => {
  let buyer: string;
  let provider: string;
  let offer: { id: string; orgId: string };
  const file: Record<number, string> = {};
  const db = () => database.db;
  const walk = () => walkDeliveries(db(), jobs, queue, () => new Date(), offer.id);

  const target = async (acquisitionId: string, type: 'connector' | 'agent', status: 'active' | 'paused') => {
    const id = newId('dtg');
    const now = new Date();
    await db()
      .insert(deliveryTargets)
      .values({
        id,
        acquisitionId,
        orgId: buyer,
        type,
        connectorId: type === 'connector' ? 'con_x' : null,
        namingPattern: '{name}',
        status,
        createdAt: now,
        updatedAt: now,
      });
    return id;
  };
  const rowsOf = async (targetId: string) =>
    (await db().select().from(deliveries).where(eq(deliveries.targetId, targetId))).map((r) => r.fileId).sort();
  const filesOf = (...seqs: number[]) => seqs.map((s) => file[s]!).sort();

  beforeAll(async () => {
    buyer = newId('org');
    provider = newId('org');
    const now = new Date();
    await db()
      .insert(organisations)
      .values([
        { id: buyer, name: 'Buyer', createdAt: now },
        { id: provider, name: 'Provider', createdAt: now },
      ]);
    offer = { id: await insertOffer(db(), provider, 'Feed'), orgId: provider };
    for (let seq = 1; seq <= 6; seq++) {
      file[seq] = await addFile(db(), jobs, storage, offer, `f${seq}.csv`, Buffer.from(`file ${seq}\n`));
    }
    // A minute apart, so a period may end between two of them.
    for (let seq = 1; seq <= 6; seq++) {
      const availableAt = new Date(Date.UTC(2026, 11, 1, 12, seq));
      await db().update(offerFiles).set({ availableAt }).where(eq(offerFiles.id, file[seq]!));
    }
    // The provider withdrew file 4: its position is passed, never delivered.
    await db().update(offerFiles).set({ status: 'removed' }).where(eq(offerFiles.id, file[4]!));
  });

  it('makes one row per entitled file and target, once, and sends jobs for active connector targets only', async () => {
    const acq = await insertAcquisition(db(), offer.id, provider, buyer, newId('usr'));
    const connector = await target(acq, 'connector', 'active');
    const paused = await target(acq, 'connector', 'paused');
    const agent = await target(acq, 'agent', 'active');
    sent.length = 0;
    await walk();
    for (const t of [connector, paused, agent]) expect(await rowsOf(t)).toEqual(filesOf(1, 2, 3, 5, 6));
    const connectorRows = await db().select().from(deliveries).where(eq(deliveries.targetId, connector));
    expect(sent.sort()).toEqual(connectorRows.map((r) => r.id).sort());
    const [cursor] = await db().select().from(deliveryTargets).where(eq(deliveryTargets.id, connector));
    expect(cursor!.cursorSeq).toBe(6);

    sent.length = 0;
    await walk();
    // The cursor passed them all; and even a walk from the start again would add nothing (unique rows).
    await db().update(deliveryTargets).set({ cursorSeq: 0 }).where(eq(deliveryTargets.id, connector));
    await walk();
    expect(sent).toEqual([]);
    expect(await rowsOf(connector)).toEqual(filesOf(1, 2, 3, 5, 6));
  });

  it('follows the history policy, a one-shot end and a subscription period end', async () => {
    const history = await insertAcquisition(db(), offer.id, provider, buyer, newId('usr'));
    await db().update(acquisitions).set({ historyAfterSeq: 2 }).where(eq(acquisitions.id, history));
    const oneShot = await insertAcquisition(db(), offer.id, provider, buyer, newId('usr'));
    await db().update(acquisitions).set({ untilSeq: 3 }).where(eq(acquisitions.id, oneShot));
    const ended = await insertAcquisition(db(), offer.id, provider, buyer, newId('usr'));
    // Files 5 and 6 became available after the period's end.
    const [five] = await db().select().from(offerFiles).where(eq(offerFiles.id, file[5]!));
    await db().update(acquisitions).set({ periodEnd: five!.availableAt }).where(eq(acquisitions.id, ended));
    const cancelled = await insertAcquisition(db(), offer.id, provider, buyer, newId('usr'));
    await db().update(acquisitions).set({ status: 'cancelled' }).where(eq(acquisitions.id, cancelled));
    const targets = {
      history: await target(history, 'agent', 'active'),
      oneShot: await target(oneShot, 'agent', 'active'),
      ended: await target(ended, 'agent', 'active'),
      cancelled: await target(cancelled, 'agent', 'active'),
    };
    await walk();
    expect(await rowsOf(targets.history)).toEqual(filesOf(3, 5, 6));
    expect(await rowsOf(targets.oneShot)).toEqual(filesOf(1, 2, 3));
    expect(await rowsOf(targets.ended)).toEqual(filesOf(1, 2, 3));
    expect(await rowsOf(targets.cancelled)).toEqual([]);
  });

  it('sends again the long-waiting deliveries of active connector targets, and all of a resumed one', async () => {
    const acq = await insertAcquisition(db(), offer.id, provider, buyer, newId('usr'));
    const active = await target(acq, 'connector', 'active');
    const paused = await target(acq, 'connector', 'paused');
    await walk();
    const rowsOfTarget = (t: string) => db().select().from(deliveries).where(eq(deliveries.targetId, t));
    const [gaveUp, waiting, fresh] = await rowsOfTarget(active);
    await db().update(deliveries).set({ status: 'failed' }).where(eq(deliveries.id, gaveUp!.id));
    await db()
      .update(deliveries)
      .set({ createdAt: new Date(Date.now() - 8 * 3_600_000) })
      .where(eq(deliveries.id, waiting!.id));
    await db().update(deliveries).set({ status: 'failed' }).where(eq(deliveries.targetId, paused));
    sent.length = 0;
    const staleBefore = new Date(Date.now() - 7 * 3_600_000);
    // The sweep: a job lost long ago; a given-up delivery waits for a resume (its admins were told).
    expect(await db().transaction((tx) => resendWaiting(tx, jobs, queue, { staleBefore }))).toBe(1);
    expect(sent).toEqual([waiting!.id]);
    expect(sent).not.toContain(fresh!.id);
    sent.length = 0;
    expect(await db().transaction((tx) => resendWaiting(tx, jobs, queue, { targetId: active }))).toBe(5);
    expect(sent).toContain(gaveUp!.id);
    const [again] = await db().select().from(deliveries).where(eq(deliveries.id, gaveUp!.id));
    expect(again!.status).toBe('pending');

    // A resume (the target active again) sends every waiting delivery of that target.
    await db().update(deliveryTargets).set({ status: 'active' }).where(eq(deliveryTargets.id, paused));
    sent.length = 0;
    const resent = await db().transaction((tx) => resendWaiting(tx, jobs, queue, { targetId: paused }));
    expect(resent).toBe(5);
    expect(sent).toHaveLength(5);
  });
});
