import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hasHash, hasMkdir, hasRename, hasServerSideCopy } from '../../../connectors/capabilities';
import { validateConnectorOptions } from '../../../connectors/config/validate-connector-options';
import { ConnectorError } from '../../../connectors/connector-error';
import { createDefaultRegistry } from '../../../connectors/default-registry';
import { type Driver } from '../../../connectors/driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { lazyDriver } from '../../../connectors/lazy-driver';
import { MemoryDriver } from '../../../connectors/memory/memory-driver';
import { type ConnectorKind } from '../../../shared/connectors/connector-descriptors';

/** A lazy driver over a memory driver, counting how often it was loaded. */
function counted(real: Driver = new MemoryDriver()): {
  readonly driver: ReturnType<typeof lazyDriver>;
  loads(): number;
} {
  let loads = 0;
  const driver = lazyDriver('memory', real.capabilities, async () => {
    loads++;
    return real;
  });
  return { driver, loads: () => loads };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof ConnectorError ? `${error.code}: ${error.message}` : String(error)),
  );
}

const text = async (stream: Readable): Promise<string> => {
  let all = '';
  for await (const chunk of stream) all += String(chunk);
  return all;
};

describe('lazyDriver', () => {
  it('announces its kind, capabilities and optional operations before loading anything', () => {
    const { driver, loads } = counted();
    expect(driver.kind).toBe('memory');
    expect(driver.capabilities.directories).toBe('real');
    const guarded = guardDriver(driver);
    expect([hasHash(guarded), hasRename(guarded), hasServerSideCopy(guarded), hasMkdir(guarded)]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(loads()).toBe(0);
  });

  it('offers only the optional operations its capabilities announce', () => {
    const bare = lazyDriver(
      'bare',
      { ...new MemoryDriver().capabilities, hashes: [], rename: false, serverSideCopy: false, directories: 'prefixes' },
      async () => new MemoryDriver(),
    );
    expect(['hash', 'rename', 'copy', 'mkdir'].filter((name) => name in bare)).toEqual([]);
  });

  it('loads once, even for calls made at once, and forwards every operation with its arguments', async () => {
    const { driver, loads } = counted();
    const written = await Promise.all([
      driver.write('a.txt', Readable.from([Buffer.from('alpha')]), { size: 5 }),
      driver.mkdir!('folder'),
    ]);
    expect(written[0]).toMatchObject({ size: 5, written: 5 });
    expect(loads()).toBe(1);
    expect((await driver.stat('a.txt')).size).toBe(5);
    expect(await text(await driver.read('a.txt', { range: { offset: 1, length: 3 } }))).toBe('lph');
    expect(await driver.hash!('a.txt', 'sha256')).toMatch(/^[0-9a-f]{64}$/);
    await driver.copy!('a.txt', 'folder/b.txt');
    await driver.rename!('folder/b.txt', 'folder/c.txt');
    expect((await driver.list('folder')).entries.map((e) => e.name)).toEqual(['c.txt']);
    await driver.remove('folder/c.txt');
    expect((await driver.list('folder')).entries).toEqual([]);
    expect((await driver.check()).steps.length).toBeGreaterThan(0);
    expect(loads()).toBe(1);
  });

  it('closes the loaded driver', async () => {
    const { driver } = counted();
    await driver.mkdir!('x');
    await driver.close();
    expect(await failure(driver.list(''))).toBe('InvalidInput: The connector was closed.');
  });

  it('closed before any use, loads nothing and refuses to be used', async () => {
    const { driver, loads } = counted();
    await driver.close();
    expect(await failure(driver.list(''))).toBe('InvalidInput: This memory connection was closed.');
    expect(loads()).toBe(0);
  });

  it('passes a failed load to the caller', async () => {
    const driver = lazyDriver('broken', new MemoryDriver().capabilities, async () => {
      throw new ConnectorError('InvalidInput', 'Bad options.');
    });
    expect(await failure(driver.stat('a'))).toBe('InvalidInput: Bad options.');
    await driver.close();
  });

  it('refuses an announced operation the loaded driver lacks as Unsupported', async () => {
    const real = new MemoryDriver();
    const withoutRename = Object.assign(Object.create(real) as Driver, { rename: undefined });
    const driver = lazyDriver('memory', real.capabilities, async () => withoutRename);
    expect(await failure(driver.rename!('a', 'b'))).toBe('Unsupported: The memory driver has no rename operation.');
  });
});

// Valid options of each kind whose driver loads on first use (no I/O happens: drivers connect on first use).
const RAW_OPTIONS: Readonly<Partial<Record<ConnectorKind, Record<string, unknown>>>> = {
  sftp: { host: '127.0.0.1', username: 'data', password: 'secret' },
  ftps: { host: '127.0.0.1', username: 'data', password: 'secret' },
  s3: { provider: 'other', endpoint: 'http://127.0.0.1:9', bucket: 'exchange', accessKeyId: 'a', secretAccessKey: 's' },
  'azure-blob': { auth: 'sas', sasUrl: 'https://account.blob.core.windows.net/exchange?sv=2024-01-01&sig=abc' },
  gcs: { bucket: 'exchange', serviceAccountJson: '{"type":"service_account"}' },
  drive: { serviceAccountJson: '{"type":"service_account"}', driveId: '0AB1cDeFgHiJkUk9PVA' },
  snowflake: { account: 'acct', username: 'u', auth: 'password', password: 'p', stage: 'EXCHANGE' },
};

/** The real driver of a kind, created as its module would without the lazy wrapper. */
async function realDriver(kind: ConnectorKind, options: never): Promise<Driver> {
  switch (kind) {
    case 'sftp':
      return new (await import('../../../connectors/sftp/sftp-driver')).SftpDriver(options);
    case 'ftps':
      return new (await import('../../../connectors/ftps/ftps-driver')).FtpsDriver(options);
    case 's3':
      return new (await import('../../../connectors/s3/s3-driver')).S3Driver(options);
    case 'azure-blob':
      return new (await import('../../../connectors/azure-blob/azure-blob-driver')).AzureBlobDriver(options);
    case 'gcs':
      return new (await import('../../../connectors/gcs/gcs-driver')).GcsDriver(options);
    case 'drive':
      return new (await import('../../../connectors/drive/drive-driver')).DriveDriver(options);
    case 'snowflake':
      return new (await import('../../../connectors/snowflake/snowflake-driver')).SnowflakeDriver(options);
    default:
      throw new Error(`no lazy driver for ${kind}`);
  }
}

describe('the default registry', () => {
  it.each(Object.entries(RAW_OPTIONS))(
    '%s: announces, without loading it, exactly what its driver has',
    async (kind, raw) => {
      const lazy = createDefaultRegistry().create({ kind, options: raw });
      const real = await realDriver(
        kind as ConnectorKind,
        validateConnectorOptions(kind as ConnectorKind, raw) as never,
      );
      expect(lazy.kind).toBe(real.kind);
      expect(lazy.capabilities).toEqual(real.capabilities);
      const guards = [hasHash, hasRename, hasServerSideCopy, hasMkdir];
      expect(guards.map((guard) => guard(lazy))).toEqual(guards.map((guard) => guard(real)));
      await Promise.all([lazy.close(), real.close()]);
    },
  );

  it('still refuses at creation what a driver constructor refuses (an S3 provider without its endpoint)', () => {
    const registry = createDefaultRegistry();
    expect(() =>
      registry.create({
        kind: 's3',
        options: { provider: 'other', bucket: 'exchange', accessKeyId: 'a', secretAccessKey: 's' },
      }),
    ).toThrow(/needs an endpoint URL/);
  });
});
