// The sync agent publishes from a Google Drive and from a Snowflake my-connector (their FAKES, see their READMEs) to
// a subscription offer of the real platform (buildApp on PGlite, listening): the files of the folder arrive once
// with their SHA-256 and origin agent; a second run sends nothing; a file added later is the only one sent next.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../../connectors/driver';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { SnowflakeDriver } from '../../../connectors/snowflake/snowflake-driver';
import { OfferUploader } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { fixedPlatform } from '../../../main/services/sync/agent-platform';
import type { RunContext } from '../../../main/services/sync/binding-runner';
import { PublishRunner } from '../../../main/services/sync/publish-runner';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { type ActivityInput, type PublishBinding, PublishBindingSchema } from '../../../shared/ipc/sync-ipc';
import { startDriveFakeConnector, type DriveFakeConnector } from '../../kit/drive-fake-connector';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { startSnowflakeFakeConnector, type SnowflakeFakeConnector } from '../../kit/snowflake-fake-connector';
import { streamOf } from '../../kit/test-streams';
import { addApiKey, setUp, type SetUpOrg } from '../../platform/platform-harness';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { type ReadRecord, recordReads } from '../offer-uploads/offer-upload-kit';
import { sha256, TempFolders } from './sync-test-kit';

const temp = new TempFolders();

describe('publishing from Drive and Snowflake my-connectors to a subscription offer (real platform, PGlite)', () => {
  let guard: LoopbackGuard;
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let org: SetUpOrg;
  let apiKey: string;
  let drive: DriveFakeConnector;
  let snowflake: SnowflakeFakeConnector;
  const drivers: Driver[] = [];

  beforeAll(async () => {
    guard = installLoopbackOnly();
    database = await openDatabase({ kind: 'pglite' });
    const storage = temp.make('ferry-publish-storage-');
    env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder: storage } });
    org = await setUp(env);
    apiKey = (await addApiKey(env, org.orgId, org.adminToken, 'editor')).secret;
    [drive, snowflake] = await Promise.all([startDriveFakeConnector(), startSnowflakeFakeConnector('keyPair')]);
  });

  afterAll(async () => {
    await Promise.all(drivers.map((d) => d.close()));
    await Promise.all([drive?.stop(), snowflake?.stop()]);
    await env?.app.close();
    await database?.close();
    temp.removeAll();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  /** A subscription offer whose source is a desktop agent, made with the editor key. */
  async function agentOffer(): Promise<string> {
    const res = await env.call('POST', `/v1/orgs/${org.orgId}/offers`, {
      token: apiKey,
      body: {
        title: `Agent feed ${randomBytes(3).toString('hex')}`,
        kind: 'subscription',
        subscription: { source: { type: 'agent' } },
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  }

  async function platformFiles(offerId: string) {
    const res = await env.call('GET', `/v1/orgs/${org.orgId}/offers/${offerId}/files?sort=path&limit=200`, {
      token: apiKey,
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json().items as Array<{ path: string; size: number; sha256: string; origin: string }>;
  }

  /** One publish round of a binding of `folder` on a connector, with the agent's state kept between runs. */
  function agentOf(connector: () => Driver, folder: string, offerId: string) {
    const dataDir = temp.make('ferry-publish-agent-');
    const ledger = new SyncLedger(path.join(dataDir, 'sync-ledger.sqlite'));
    const store = new UploadUrlStore(path.join(dataDir, 'offer-uploads.sqlite'));
    const runner = new PublishRunner(new OfferUploader({ store }), { settleMs: 200 });
    const reports: ActivityInput[] = [];
    const reads: ReadRecord[] = [];
    const values = new Map<string, unknown>();
    const binding: PublishBinding = PublishBindingSchema.parse({
      kind: 'publish',
      id: `pub-${randomUUID()}`,
      name: 'Feed',
      orgId: org.orgId,
      connectorId: 'remote',
      folder,
      offerId,
    });
    const context = (): RunContext => ({
      ledger,
      drivers: {
        open: async () => {
          const made = guardDriver(connector());
          drivers.push(made);
          return recordReads(made, reads);
        },
        localLocation: () => {
          throw new Error('not used');
        },
      },
      platform: fixedPlatform(new PlatformClient(env.base, apiKey)),
      runtime: new TransferRuntime({ get: (k) => values.get(k), set: (k, v) => values.set(k, v) }),
      report: (entry) => reports.push(entry),
      signal: new AbortController().signal,
      stopping: () => false,
    });
    return {
      reports,
      reads,
      run: async () => {
        reports.length = 0;
        reads.length = 0;
        return runner.run(binding, context());
      },
      close: () => {
        store.close();
        ledger.close();
      },
    };
  }

  it('publishes the files of a Drive folder once with their SHA-256, then only the one added later', async () => {
    const a = randomBytes(1_300_000);
    const b = Buffer.from('isin,price\nX1,10.5\n');
    drive.put('outbox/prices.csv', b);
    drive.put('outbox/2026/blob.bin', a);
    drive.put('elsewhere/not-mine.csv', 'x');
    const offerId = await agentOffer();
    const agent = agentOf(() => new DriveDriver(drive.options), 'outbox', offerId);
    try {
      expect(await agent.run()).toEqual({ sent: 2, bytes: a.length + b.length, failed: 0 });
      expect(await platformFiles(offerId)).toEqual([
        expect.objectContaining({ path: '2026/blob.bin', size: a.length, sha256: sha256(a), origin: 'agent' }),
        expect.objectContaining({ path: 'prices.csv', size: b.length, sha256: sha256(b), origin: 'agent' }),
      ]);
      expect(await agent.run()).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(agent.reports).toEqual([]);
      // Unchanged files with a known SHA-256: not a byte downloaded from Drive again.
      expect(agent.reads).toEqual([]);

      const c = Buffer.from('isin,price\nX2,11.0\n');
      drive.put('outbox/prices-2.csv', c);
      expect(await agent.run()).toEqual({ sent: 1, bytes: c.length, failed: 0 });
      expect(agent.reports).toEqual([expect.objectContaining({ kind: 'published', path: 'prices-2.csv' })]);
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual([
        '2026/blob.bin',
        'prices-2.csv',
        'prices.csv',
      ]);
    } finally {
      agent.close();
    }
  });

  it('publishes the files of a Snowflake stage folder once with their SHA-256, then only the one added later', async () => {
    const a = randomBytes(700_000);
    const b = Buffer.from('id,qty\n1,5\n');
    const writer = guardDriver(new SnowflakeDriver(snowflake.options));
    drivers.push(writer);
    await writer.write('unload/orders.csv', streamOf(b), { size: b.length });
    await writer.write('unload/part/00.bin', streamOf(a), { size: a.length });
    const offerId = await agentOffer();
    const agent = agentOf(() => new SnowflakeDriver(snowflake.options), 'unload', offerId);
    try {
      expect(await agent.run()).toEqual({ sent: 2, bytes: a.length + b.length, failed: 0 });
      expect(await platformFiles(offerId)).toEqual([
        expect.objectContaining({ path: 'orders.csv', size: b.length, sha256: sha256(b), origin: 'agent' }),
        expect.objectContaining({ path: 'part/00.bin', size: a.length, sha256: sha256(a), origin: 'agent' }),
      ]);
      expect(await agent.run()).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(agent.reads).toEqual([]);

      const c = Buffer.from('id,qty\n2,7\n');
      await writer.write('unload/orders-2.csv', streamOf(c), { size: c.length });
      expect(await agent.run()).toEqual({ sent: 1, bytes: c.length, failed: 0 });
      expect((await platformFiles(offerId)).map((f) => f.path)).toEqual(['orders-2.csv', 'orders.csv', 'part/00.bin']);
    } finally {
      agent.close();
    }
  });
});
