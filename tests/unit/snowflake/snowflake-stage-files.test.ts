import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../../connectors/connector-error';
import { guardDriver } from '../../../connectors/guarded-driver';
import { SnowflakeDriver } from '../../../connectors/snowflake/snowflake-driver';
import { type SnowflakeOptions } from '../../../shared/connectors/snowflake-descriptor';
import { installLoopbackOnly, type LoopbackGuard } from '../../kit/loopback-only';
import { readAll, streamOf } from '../../kit/test-streams';
import { freePort } from '../../servers/free-port';
import { startSnowflakeFake, type SnowflakeFake } from '../../servers/snowflake-fake/snowflake-fake-server';

const MiB = 1024 * 1024;

let before = new Set<string>();

/** Temporary folders the driver made (GET and PUT spools) since the tests started that are still there. */
async function leftoverSpools(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((n) => /^ferry-snowflake-(get|put)-/.test(n) && !before.has(n));
}

describe('snowflake stage files against the REST fake (a FAKE: tests/servers/snowflake-fake/README.md)', () => {
  let fake: SnowflakeFake;
  let guard: LoopbackGuard;
  let options: SnowflakeOptions;

  beforeAll(async () => {
    guard = installLoopbackOnly();
    before = new Set(await readdir(tmpdir()));
    fake = await startSnowflakeFake({
      account: 'fakeacct',
      users: [{ name: 'ferry', password: 'secret', roles: ['FERRY_ROLE'] }],
    });
    fake.createStage({ database: 'DB', schema: 'PUBLIC', name: 'EXCHANGE', grants: { FERRY_ROLE: ['READ', 'WRITE'] } });
    // Hostile identifiers: a quote, spaces and an apostrophe in the stage name, a case-sensitive schema.
    fake.createStage({
      database: 'DB',
      schema: 'My Schema',
      name: `odd "stage" it's`,
      grants: { FERRY_ROLE: ['READ', 'WRITE'] },
    });
    fake.createStage({
      database: 'DB',
      schema: 'PUBLIC',
      name: 'ORDERS',
      table: true,
      grants: { FERRY_ROLE: ['READ', 'WRITE'] },
    });
    options = {
      account: 'fakeacct',
      username: 'ferry',
      auth: 'password',
      password: 'secret',
      role: 'FERRY_ROLE',
      database: 'DB',
      schema: 'PUBLIC',
      stage: 'exchange',
      prefix: 'in',
      accessUrl: fake.accessUrl,
    };
  });

  afterAll(async () => {
    await fake?.stop();
    guard.uninstall();
    expect(guard.blocked).toEqual([]);
  });

  it('round-trips a binary file of several MiB byte for byte (stored unchanged, not gzipped), name with spaces', async () => {
    const driver = guardDriver(new SnowflakeDriver(options));
    const data = randomBytes(5 * MiB + 123);
    const result = await driver.write('reports 2026/data file.bin', streamOf(data), {
      size: data.length,
      hashes: ['md5'],
    });
    expect(result.size).toBe(data.length);
    // Exactly these bytes under exactly this name in the stage: AUTO_COMPRESS=FALSE (Snowflake would gzip to .gz).
    expect(fake.storedFile('DB.PUBLIC.EXCHANGE', 'in/reports 2026/data file.bin')?.equals(data)).toBe(true);
    expect(fake.statements.some((s) => /^PUT .* AUTO_COMPRESS = FALSE OVERWRITE = TRUE$/.test(s))).toBe(true);
    const back = await readAll(await driver.read('reports 2026/data file.bin'));
    expect(back.equals(data)).toBe(true);
    expect((await driver.stat('reports 2026/data file.bin')).size).toBe(data.length);
    await expect.poll(leftoverSpools).toEqual([]);
    await driver.close();
  });

  it('quotes hostile stage names and paths (quotes, spaces, apostrophes, dots) and touches only the named file', async () => {
    const driver = guardDriver(
      new SnowflakeDriver({ ...options, schema: 'My Schema', stage: `odd "stage" it's`, prefix: `it's a..b` }),
    );
    const names = [`o'brien's file.txt`, 'a..b', 'semi;colon "quoted".txt', 'x'];
    for (const n of names) await driver.write(`dir/${n}`, streamOf(`content of ${n}`));
    // A file whose path starts with another's ('x' and 'x2/x'): REMOVE and GET must not take both.
    await driver.write('dir/x2/x', streamOf('the other x'));
    for (const n of names) {
      expect((await readAll(await driver.read(`dir/${n}`))).toString()).toBe(`content of ${n}`);
    }
    expect(fake.storedFile(`DB.My Schema.odd "stage" it's`, `it's a..b/dir/o'brien's file.txt`)?.toString()).toBe(
      `content of o'brien's file.txt`,
    );
    await driver.remove('dir/x');
    expect((await readAll(await driver.read('dir/x2/x'))).toString()).toBe('the other x');
    const listed = (await driver.list('dir')).entries.map((e) => `${e.type}:${e.name}`);
    expect(listed).toEqual(['file:a..b', `file:o'brien's file.txt`, 'file:semi;colon "quoted".txt', 'directory:x2']);
    await driver.close();
  });

  it("uses a table's stage (@%TABLE)", async () => {
    const driver = guardDriver(new SnowflakeDriver({ ...options, stage: '%orders', prefix: '' }));
    await driver.write('load/part 1.csv', streamOf('a,b\n1,2\n'));
    expect(fake.storedFile('DB.PUBLIC.%ORDERS', 'load/part 1.csv')?.toString()).toBe('a,b\n1,2\n');
    expect((await driver.list('load')).entries.map((e) => e.name)).toEqual(['part 1.csv']);
    expect((await readAll(await driver.read('load/part 1.csv'))).toString()).toBe('a,b\n1,2\n');
    await driver.close();
  });

  it('removes the temporary file of a read that is abandoned halfway', async () => {
    const driver = guardDriver(new SnowflakeDriver(options));
    await driver.write('big.bin', streamOf(randomBytes(3 * MiB)));
    const controller = new AbortController();
    const stream = await driver.read('big.bin', { signal: controller.signal });
    const errors: unknown[] = [];
    stream.on('error', (e) => errors.push(e));
    await new Promise((resolve) => stream.once('data', resolve));
    controller.abort();
    await new Promise((resolve) => stream.once('close', resolve));
    expect((errors[0] as ConnectorError).code).toBe('Cancelled');
    await expect.poll(leftoverSpools).toEqual([]);
    await driver.close();
  });

  it('fails fast against a dead server (no two-minute login retries)', async () => {
    const port = await freePort();
    const driver = new SnowflakeDriver({ ...options, accessUrl: `http://127.0.0.1:${port}` });
    const started = Date.now();
    const error = await driver.list('').then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('Retryable');
    expect(elapsed).toBeLessThan(10_000);
    // The SDK logs the failure; by default it would append it to ./snowflake.log in the working directory
    // (asynchronously: give its file logger time to open the file).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(existsSync(path.join(process.cwd(), 'snowflake.log'))).toBe(false);
    await driver.close();
  }, 30_000);
});
