// Two platform instances on one PostgreSQL deliver an acquisition's files once between them: each file is written
// once (no conflict copy of itself), each delivery row is claimed by one run, each delivery audited once.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../platform/build-app';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { deliveries } from '../../../platform/db/schema';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';
import { PASSWORD } from '../platform-harness';
import { addFile, eventually, filesUnder, insertAcquisition, insertOffer, senderJobs } from './delivery-fixtures';

const postgres = postgresAvailability();

describe.skipIf(!postgres.available)('two instances on one PostgreSQL', () => {
  let server: PostgresServer;
  const databases: OpenDatabase[] = [];
  const apps: FastifyInstance[] = [];
  const runs: Record<string, number> = { a: 0, b: 0 };
  let storage: string;
  let drop: string;
  let jobs: JobsRuntime | undefined;

  beforeAll(async () => {
    if (!postgres.available) return;
    server = await startPostgres(postgres.bin);
    const url = await server.createDatabase();
    storage = mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-'));
    drop = mkdtempSync(path.join(tmpdir(), 'ferry-drop-'));
    for (const instance of ['a', 'b']) {
      const database = await openDatabase({ kind: 'postgres', url });
      databases.push(database);
      apps.push(
        await buildApp({
          db: database.db,
          offerStorage: { kind: 'local', folder: storage },
          jobs: { pollingIntervalSeconds: 0.5 },
          // Counts the runs of each instance (each has its own vault keys in memory: the drop folder is opened
          // directly, as a local-folder connector without secrets would be).
          deliveries: {
            retryDelaySeconds: 1,
            open: async () => {
              runs[instance]! += 1;
              return createDefaultRegistry().create({ kind: 'local', options: { root: drop } });
            },
          },
        }),
      );
    }
  }, 120_000);

  afterAll(async () => {
    await jobs?.stop();
    for (const app of apps) await app.close();
    for (const database of databases) await database.close();
    await server?.stop();
    for (const folder of [storage, drop]) if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('delivers each file once between them', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    const setup = await a.inject({
      method: 'POST',
      url: '/v1/setup',
      payload: { organisationName: 'Buyer Co', name: 'Ada', email: 'ada@buyer.example', password: PASSWORD },
    });
    expect(setup.statusCode, setup.body).toBe(201);
    const { token, organisation, user } = setup.json();
    const auth = { authorization: `Bearer ${token}` };
    const provider = (await a.inject({ method: 'POST', url: '/v1/orgs', headers: auth, payload: { name: 'P' } })).json()
      .id as string;
    const db = databases[0]!.db;
    const offer = { id: await insertOffer(db, provider, 'Ticks'), orgId: provider };
    const acq = await insertAcquisition(db, offer.id, provider, organisation.id, user.id);
    const connector = await a.inject({
      method: 'POST',
      url: `/v1/orgs/${organisation.id}/connectors`,
      headers: auth,
      payload: { name: 'Drop', kind: 'local', options: { root: drop } },
    });
    expect(connector.statusCode, connector.body).toBe(201);
    const base = `/v1/orgs/${organisation.id}/acquisitions/${acq}`;
    const target = await b.inject({
      method: 'POST',
      url: `${base}/targets`,
      headers: auth,
      payload: { type: 'connector', connectorId: connector.json().id, namingPattern: '{name}' },
    });
    expect(target.statusCode, target.body).toBe(201);

    jobs = await senderJobs(db);
    const contents = new Map<string, Buffer>();
    for (let i = 1; i <= 12; i++) {
      const bytes = Buffer.from(`tick ${i}\n`.repeat(i * 100));
      contents.set(`tick-${i}.csv`, bytes);
      await addFile(db, jobs, storage, offer, `tick-${i}.csv`, bytes);
    }
    await eventually(
      async () => {
        const res = await a.inject({ method: 'GET', url: `${base}/deliveries?status=delivered`, headers: auth });
        return res.json().total === 12 ? true : undefined;
      },
      60_000,
      'twelve deliveries',
    );
    const rows = await db.select().from(deliveries);
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.attempts === 1 && !r.conflict)).toBe(true);
    expect(runs.a! + runs.b!).toBe(12);
    const names = [...contents.keys()];
    expect(filesUnder(drop)).toEqual([...names, ...names.map((n) => `${n}.ferry-receipt.json`)].sort());
    for (const [name, bytes] of contents) expect(readFileSync(path.join(drop, name))).toEqual(bytes);
    const audit = await a.inject({
      method: 'GET',
      url: `/v1/orgs/${organisation.id}/audit?action=deliveries.delivered&limit=200`,
      headers: auth,
    });
    expect(audit.json().items).toHaveLength(12);
  });
});
