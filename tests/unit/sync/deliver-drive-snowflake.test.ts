// The sync agent delivers an acquisition into a Snowflake stage and into a Google Drive folder, my-connectors on
// their FAKES (see their READMEs), from the real platform (buildApp on PGlite, listening): each file lands byte for
// byte with its receipt and is acknowledged; a second run sends nothing; a file added later is the only one sent.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Driver } from '../../../connectors/driver';
import { DriveDriver } from '../../../connectors/drive/drive-driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { SnowflakeDriver } from '../../../connectors/snowflake/snowflake-driver';
import { PlatformClient } from '../../../main/services/platform/platform-client';
import { fixedPlatform } from '../../../main/services/sync/agent-platform';
import type { RunContext } from '../../../main/services/sync/binding-runner';
import { DeliveryRunner } from '../../../main/services/sync/delivery-runner';
import { SyncLedger } from '../../../main/services/sync/sync-ledger';
import { TransferRuntime } from '../../../main/services/transfers/transfer-runtime';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import { addOfferFile } from '../../../platform/offers/offer-file-ledger';
import { type ActivityInput, type DeliverBinding, DeliverBindingSchema } from '../../../shared/ipc/sync-ipc';
import { startDriveFakeConnector, type DriveFakeConnector } from '../../kit/drive-fake-connector';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { startSnowflakeFakeConnector, type SnowflakeFakeConnector } from '../../kit/snowflake-fake-connector';
import { readAll } from '../../kit/test-streams';
import { addApiKey, setUp } from '../../platform/platform-harness';
import { listeningPlatform, type ListeningPlatform } from '../../platform/uploads/upload-kit';
import { sha256, TempFolders } from './sync-test-kit';

// The deliveries job the offer-file ledger queues is the platform's own delivery: not this suite's subject.
const noJobs = { send: async () => undefined } as unknown as JobsRuntime;
const temp = new TempFolders();

describe('the sync agent delivers an acquisition into Snowflake and Drive my-connectors (real platform, PGlite)', () => {
  let guard: LoopbackGuard;
  let database: OpenDatabase;
  let env: ListeningPlatform;
  let storage: string;
  let provider: string;
  let buyer: string;
  let admin: string;
  let editorKey: string;
  let drive: DriveFakeConnector;
  let snowflake: SnowflakeFakeConnector;
  const drivers: Driver[] = [];
  const runner = new DeliveryRunner();

  beforeAll(async () => {
    guard = installLoopbackOnly();
    storage = temp.make('ferry-sync-offer-storage-');
    database = await openDatabase({ kind: 'pglite' });
    env = await listeningPlatform(database.db, 'pglite', { offerStorage: { kind: 'local', folder: storage } });
    const org = await setUp(env, 'Buyer Co');
    buyer = org.orgId;
    admin = org.adminToken;
    const created = await env.call('POST', '/v1/orgs', { token: admin, body: { name: 'Provider Co' } });
    expect(created.statusCode, created.body).toBe(201);
    provider = created.json().id as string;
    editorKey = (await addApiKey(env, buyer, admin, 'editor')).secret;
    [drive, snowflake] = await Promise.all([startDriveFakeConnector(), startSnowflakeFakeConnector('password', 'in')]);
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

  /** Adds a file to the provider's offer (stored in the offer storage, available at once); its ID. */
  async function addFile(offerId: string, filePath: string, bytes: Buffer): Promise<string> {
    const key = `agent/${randomUUID()}`;
    mkdirSync(path.join(storage, 'agent'), { recursive: true });
    writeFileSync(path.join(storage, key), bytes);
    return env.db.transaction((tx) =>
      addOfferFile(
        tx,
        { now: () => new Date(), jobs: noJobs },
        {
          offerId,
          orgId: provider,
          path: filePath,
          size: bytes.length,
          sha256: sha256(bytes),
          storageKey: key,
          origin: 'agent',
          pending: false,
        },
      ),
    );
  }

  /** A published subscription offer of the provider with these files, acquired by the buyer. */
  async function acquisitionOf(title: string, files: ReadonlyArray<readonly [string, Buffer]>) {
    const created = await env.call('POST', `/v1/orgs/${provider}/offers`, {
      token: admin,
      body: {
        title,
        kind: 'subscription',
        subscription: { source: { type: 'agent' }, staging: false, historyPolicy: { type: 'all' } },
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const offerId = created.json().id as string;
    const fileIds: string[] = [];
    for (const [filePath, bytes] of files) fileIds.push(await addFile(offerId, filePath, bytes));
    const published = await env.call('POST', `/v1/orgs/${provider}/offers/${offerId}/publish`, { token: admin });
    expect(published.statusCode, published.body).toBe(200);
    const acquired = await env.call('POST', `/v1/orgs/${buyer}/acquisitions`, {
      token: admin,
      body: { offerId, months: 1 },
    });
    expect(acquired.statusCode, acquired.body).toBe(201);
    return { offerId, acquisitionId: acquired.json().id as string, fileIds };
  }

  /** A deliver binding of the acquisition into `folder` of one connector, and the context of its runs. */
  function bindingInto(acquisitionId: string, connector: () => Driver, folder: string) {
    const binding: DeliverBinding = DeliverBindingSchema.parse({
      kind: 'deliver',
      id: `deliver-${randomUUID()}`,
      name: 'Prices',
      orgId: buyer,
      connectorId: 'remote',
      folder,
      acquisitionId,
    });
    const reports: ActivityInput[] = [];
    const ledger = new SyncLedger(path.join(temp.make('ferry-sync-ledger-'), 'sync-ledger.sqlite'));
    const context: RunContext = {
      ledger,
      drivers: {
        open: async () => {
          const made = guardDriver(connector());
          drivers.push(made);
          return made;
        },
        localLocation: () => {
          throw new Error('not used');
        },
      },
      platform: fixedPlatform(new PlatformClient(env.base, editorKey)),
      runtime: new TransferRuntime({ get: () => undefined, set: () => undefined }),
      report: (entry) => reports.push(entry),
      signal: new AbortController().signal,
      stopping: () => false,
    };
    return {
      reports,
      run: async () => {
        reports.length = 0;
        return runner.run(binding, context);
      },
      close: () => ledger.close(),
    };
  }

  /** The buyer's acknowledged deliveries of the acquisition's one agent target: file ID -> path. */
  async function acknowledged(acquisitionId: string): Promise<Record<string, string | null>> {
    const base = `/v1/orgs/${buyer}/acquisitions/${acquisitionId}`;
    const targets = (await env.call('GET', `${base}/targets`, { token: admin })).json().items as Array<{
      id: string;
      type: string;
    }>;
    expect(targets.map((t) => t.type)).toEqual(['agent']);
    const res = await env.call('GET', `${base}/deliveries?targetId=${targets[0]!.id}&limit=100`, { token: admin });
    const rows = res.json().items as Array<{
      file: { id: string };
      status: string;
      path: string | null;
      acknowledgedAt: string | null;
    }>;
    return Object.fromEntries(
      rows.filter((r) => r.status === 'delivered' && r.acknowledgedAt !== null).map((r) => [r.file.id, r.path]),
    );
  }

  /** Delivers two files, then nothing, then a third alone; `stored` reads a delivered path back from the target. */
  async function deliversOnce(
    kind: string,
    connector: () => Driver,
    stored: (p: string) => Promise<Buffer | undefined>,
  ) {
    const a = randomBytes(1_200_000);
    const b = Buffer.from('day,price\n1,10\n2,11\n');
    const acq = await acquisitionOf(`Daily ${kind}`, [
      ['2026/a.bin', a],
      ['b.csv', b],
    ]);
    const agent = bindingInto(acq.acquisitionId, connector, 'incoming');
    const pathA = `incoming/Daily ${kind}/a.bin`;
    const pathB = `incoming/Daily ${kind}/b.csv`;
    try {
      expect(await agent.run()).toEqual({ sent: 2, bytes: a.length + b.length, failed: 0 });
      expect(agent.reports).toEqual([
        expect.objectContaining({ kind: 'delivered', path: pathA, size: a.length }),
        expect.objectContaining({ kind: 'delivered', path: pathB, size: b.length }),
      ]);
      expect((await stored(pathA))?.equals(a)).toBe(true);
      expect((await stored(pathB))?.equals(b)).toBe(true);
      const receipt = JSON.parse((await stored(`${pathA}.ferry-receipt.json`))!.toString('utf8'));
      expect(receipt).toMatchObject({ path: pathA, size: a.length, sha256: sha256(a) });
      expect(await acknowledged(acq.acquisitionId)).toEqual({ [acq.fileIds[0]!]: pathA, [acq.fileIds[1]!]: pathB });

      expect(await agent.run()).toEqual({ sent: 0, bytes: 0, failed: 0 });
      expect(agent.reports).toEqual([]);

      const c = Buffer.from('day,price\n3,12\n');
      const fileC = await addFile(acq.offerId, 'c.csv', c);
      expect(await agent.run()).toEqual({ sent: 1, bytes: c.length, failed: 0 });
      expect((await stored(`incoming/Daily ${kind}/c.csv`))?.equals(c)).toBe(true);
      expect(Object.keys(await acknowledged(acq.acquisitionId)).sort()).toEqual([...acq.fileIds, fileC].sort());
    } finally {
      agent.close();
    }
  }

  it('into a Snowflake stage: byte for byte with receipts, acknowledged, once; a later file alone', async () => {
    // What the fake holds in the stage, under the connector's prefix "in".
    await deliversOnce(
      'Snowflake',
      () => new SnowflakeDriver(snowflake.options),
      async (p) => snowflake.stored(`in/${p}`),
    );
  });

  it('into a Drive folder: byte for byte with receipts, acknowledged, once; a later file alone', async () => {
    const files = (p: string) => drive.fake.filesNamed(path.posix.basename(p));
    await deliversOnce(
      'Drive',
      () => new DriveDriver(drive.options),
      async (p) => {
        // One file of that name in the whole Drive (no duplicate from a second run), read back through the driver too.
        expect(files(p)).toHaveLength(1);
        const reader = new DriveDriver(drive.options);
        try {
          const read = await readAll(await reader.read(p));
          expect(read.equals(files(p)[0]!.content)).toBe(true);
          return read;
        } finally {
          await reader.close();
        }
      },
    );
  });
});
