// A subscription offer fed by a Snowflake stage organisation connector (the Snowflake FAKE, see its README), on
// PGlite: unloaded files become offer files once stable, byte for byte; a file rewritten in the stage under the same
// name (a new unload) becomes a new version once stable, the first one kept.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeDriver } from '../../../connectors/snowflake/snowflake-driver';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import { runScan } from '../../../platform/imports/scan-run';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { startSnowflakeFakeConnector, type SnowflakeFakeConnector } from '../../kit/snowflake-fake-connector';
import { streamOf } from '../../kit/test-streams';
import { filesOf, makeOffer, sha256, startImportsPlatform, storedBytes, type ImportsPlatform } from './imports-kit';

describe('a Snowflake stage feeding an offer, on PGlite', () => {
  let guard: LoopbackGuard;
  let snowflake: SnowflakeFakeConnector;
  let database: OpenDatabase;
  let p: ImportsPlatform;
  let writer: SnowflakeDriver;
  let offerId: string;
  const scan = () => runScan(p.ctx, { orgId: p.org.orgId, offerId });
  const unload = (name: string, bytes: Buffer) =>
    writer.write(`unload/${name}`, streamOf(bytes), { size: bytes.length });

  beforeAll(async () => {
    guard = installLoopbackOnly();
    snowflake = await startSnowflakeFakeConnector('keyPair', 'exports');
    writer = new SnowflakeDriver(snowflake.options);
    database = await openDatabase({ kind: 'pglite' });
    p = await startImportsPlatform(database.db);
  });

  afterAll(async () => {
    await writer?.close();
    await p?.close();
    await database?.close();
    await snowflake?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('an admin sets up the Snowflake connector (its private key in the vault) and an offer whose source it is', async () => {
    const created = await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors`, {
      name: 'Warehouse unloads',
      kind: 'snowflake',
      ...snowflake.apiBody,
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await p.call('POST', `/v1/orgs/${p.org.orgId}/connectors/${id}/test`)).json().report.ok).toBe(true);
    offerId = await makeOffer(p, {
      title: 'Unloads',
      sourceType: 'connector',
      sourceConnectorId: id,
      sourceFolder: 'unload',
      staging: false,
    });
  });

  it('takes the unloaded files once stable, byte for byte with their SHA-256', async () => {
    const orders = Buffer.from('id,qty\n1,5\n');
    const part = randomBytes(900_000);
    await unload('orders.csv', orders);
    await unload('part/00.bin', part);
    expect(await scan()).toBe('scanned');
    expect(await filesOf(p, offerId)).toEqual([]);
    expect(await scan()).toBe('scanned');
    const files = await filesOf(p, offerId);
    expect(files.map((f) => [f.path, f.size, f.sha256]).sort()).toEqual(
      [
        ['orders.csv', orders.length, sha256(orders)],
        ['part/00.bin', part.length, sha256(part)],
      ].sort(),
    );
    for (const file of files) {
      expect(storedBytes(p, file.storageKey).equals(file.path === 'orders.csv' ? orders : part)).toBe(true);
    }
  });

  it('a file unloaded again under the same name becomes a new version once stable; nothing is taken twice', async () => {
    const again = Buffer.from('id,qty\n1,5\n2,7\n');
    await unload('orders.csv', again);
    await scan(); // sees the change: waits for it to look the same twice
    await scan();
    await scan();
    const orders = (await filesOf(p, offerId)).filter((f) => f.path === 'orders.csv');
    expect(orders.map((f) => f.sha256)).toEqual([sha256('id,qty\n1,5\n'), sha256(again)]);
    expect(storedBytes(p, orders[1]!.storageKey).equals(again)).toBe(true);
    expect(await filesOf(p, offerId)).toHaveLength(3);
  });
});
