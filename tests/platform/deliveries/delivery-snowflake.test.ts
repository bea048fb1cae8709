// Automatic delivery into a Snowflake stage (the Snowflake FAKE, see its README) through a buyer's organisation
// connector, its password in the vault, on PGlite and PostgreSQL: each new file lands in the stage byte for byte with
// its receipt; running a delivered delivery again, or walking the target again, writes nothing twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import type { Driver } from '../../../connectors/driver';
import { auditEvents, deliveries } from '../../../platform/db/schema';
import { deliverFile } from '../../../platform/deliveries/deliver-file';
import { deliveryQueue, walkDeliveries } from '../../../platform/deliveries/delivery-feed';
import type { JobsRuntime } from '../../../platform/jobs/jobs-runtime';
import type { PlatformContext } from '../../../platform/platform-context';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { startSnowflakeFakeConnector, type SnowflakeFakeConnector } from '../../kit/snowflake-fake-connector';
import { forEachDatabase, setUp, type TestEnv } from '../platform-harness';
import { addFile, eventually, insertAcquisition, insertOffer, senderJobs, sha256 } from './delivery-fixtures';

const registry = createDefaultRegistry();
const storages: string[] = [];
let guard: LoopbackGuard;
let snowflake: SnowflakeFakeConnector;

beforeAll(async () => {
  guard = installLoopbackOnly();
  snowflake = await startSnowflakeFakeConnector('password', 'landing');
});

afterAll(async () => {
  await snowflake?.stop();
  for (const folder of storages) rmSync(folder, { recursive: true, force: true });
  guard.uninstall();
  expect(guard.blocked).toEqual([]);
});

async function readAll(driver: Driver, file: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of await driver.read(file)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every file under a folder of a driver, relative paths, sorted. */
async function listAll(driver: Driver, folder: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(folder, cursor === undefined ? {} : { cursor });
    for (const entry of page.entries) {
      if (entry.type === 'directory') found.push(...(await listAll(driver, entry.path)));
      else found.push(entry.path);
    }
    cursor = page.cursor;
  } while (cursor !== undefined);
  return found.sort();
}

forEachDatabase(
  (env: () => TestEnv) => {
    let buyer: string;
    let token: string;
    let offer: { id: string; orgId: string };
    let acq: string;
    let jobs: JobsRuntime;
    let targetId: string;
    let stage: Driver;
    const storage = () => storages[storages.length - 1]!;
    const folder = () => `feeds-${env().kind}`;
    const bytes: Record<string, Buffer> = {};
    const ids: Record<string, string> = {};
    const call = (method: string, url: string, body?: unknown) => env().call(method, url, { token, body });
    const base = () => `/v1/orgs/${buyer}/acquisitions/${acq}`;
    const delivered = (fileId: string) =>
      eventually(
        async () => {
          const res = await call('GET', `${base()}/deliveries?status=delivered&targetId=${targetId}`);
          return (
            res.json().items as Array<{ id: string; file: { id: string }; path: string; receiptPath: string }>
          ).find((d) => d.file.id === fileId);
        },
        60_000,
        'the delivery',
      );
    const add = async (name: string, filePath: string, content: Buffer) => {
      bytes[name] = content;
      ids[name] = await addFile(env().db, jobs, storage(), offer, filePath, content);
    };

    afterAll(async () => {
      await jobs?.stop();
      await stage?.close();
    });

    it('a buyer admin sets up a Snowflake connector (password in the vault) as an acquisition delivery target', async () => {
      const admin = await setUp(env(), 'Buyer Co');
      buyer = admin.orgId;
      token = admin.adminToken;
      const provider = (await call('POST', '/v1/orgs', { name: 'Provider Co' })).json().id as string;
      offer = { id: await insertOffer(env().db, provider, 'Market data'), orgId: provider };
      acq = await insertAcquisition(env().db, offer.id, provider, buyer, admin.adminId);
      jobs = await senderJobs(env().db);
      stage = registry.create({ kind: 'snowflake', options: snowflake.options });
      const connector = await call('POST', `/v1/orgs/${buyer}/connectors`, {
        name: 'Warehouse stage',
        kind: 'snowflake',
        ...snowflake.apiBody,
      });
      expect(connector.statusCode, connector.body).toBe(201);
      const target = await call('POST', `${base()}/targets`, {
        type: 'connector',
        connectorId: connector.json().id,
        folder: folder(),
        namingPattern: '{path}',
      });
      expect(target.statusCode, target.body).toBe(201);
      targetId = target.json().id;
    });

    it('delivers a new file into the stage byte for byte with its receipt', async () => {
      await add('first', 'eod/first.bin', randomBytes(2 * 1024 * 1024 + 17));
      const one = await delivered(ids.first!);
      expect(one.path).toBe(`${folder()}/eod/first.bin`);
      // Read back twice: the bytes the fake stores under the connector's prefix, and through the driver (GET).
      expect(snowflake.stored(`landing/${one.path}`)?.equals(bytes.first!)).toBe(true);
      expect((await readAll(stage, one.path)).equals(bytes.first!)).toBe(true);
      const receipt = JSON.parse((await readAll(stage, one.receiptPath)).toString('utf8'));
      expect(receipt).toMatchObject({ sha256: sha256(bytes.first!), size: bytes.first!.length, path: one.path });
    });

    it('running the delivered delivery again and walking the target again write nothing twice', async () => {
      const one = await delivered(ids.first!);
      const again = await deliverFile(
        {
          ctx: {
            db: env().db,
            now: () => new Date(),
            offerStorage: { driver: registry.create({ kind: 'local', options: { root: storage() } }) },
          } as unknown as PlatformContext,
          open: async () => registry.create({ kind: 'snowflake', options: snowflake.options }),
          pauseAfter: 100,
          attemptTimeoutMs: 60_000,
        },
        one.id,
      );
      expect(again).toEqual({ kind: 'nothing-to-do', why: 'delivered' });
      await walkDeliveries(env().db, jobs, deliveryQueue(), () => new Date(), offer.id);

      await add('second', 'eod/second.csv', Buffer.from('isin,close\nX2,11.0\n'));
      const two = await delivered(ids.second!);
      expect(snowflake.stored(`landing/${two.path}`)?.equals(bytes.second!)).toBe(true);
      expect(await listAll(stage, `${folder()}/eod`)).toEqual([
        `${folder()}/eod/first.bin`,
        `${folder()}/eod/first.bin.ferry-receipt.json`,
        `${folder()}/eod/second.csv`,
        `${folder()}/eod/second.csv.ferry-receipt.json`,
      ]);
      const rows = await env().db.select().from(deliveries).where(eq(deliveries.targetId, targetId));
      expect(rows.map((r) => [r.fileId, r.status]).sort()).toEqual(
        [
          [ids.first, 'delivered'],
          [ids.second, 'delivered'],
        ].sort(),
      );
      for (const row of rows) {
        const audits = await env().db.select().from(auditEvents).where(eq(auditEvents.targetId, row.id));
        expect(audits.filter((a) => a.action === 'deliveries.delivered')).toHaveLength(1);
      }
    });
  },
  () => {
    storages.push(mkdtempSync(path.join(tmpdir(), 'ferry-offer-storage-')));
    return {
      offerStorage: { kind: 'local', folder: storages[storages.length - 1]! },
      jobs: { pollingIntervalSeconds: 0.5 },
      deliveries: {
        retryDelaySeconds: 1,
        retryLimit: 5,
        pauseAfter: 3,
        copyRetry: { maxAttempts: 1, baseDelayMs: 10, maxDelayMs: 10 },
      },
    };
  },
);
