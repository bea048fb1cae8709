import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hasMkdir, hasRename, hasServerSideCopy } from '../../../connectors/capabilities';
import { ConnectorError } from '../../../connectors/connector-error';
import { DriverRegistry } from '../../../connectors/driver-registry';
import { type Driver } from '../../../connectors/driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { MemoryDriver } from '../../../connectors/memory/memory-driver';
import { memoryFactory } from '../../../connectors/memory/memory-factory';

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof ConnectorError ? `${error.code}: ${error.message}` : String(error)),
  );
}

describe('guardDriver', () => {
  it('is what the registry returns, and wraps once', () => {
    const driver = new DriverRegistry().register(memoryFactory).create({ kind: 'memory', options: {} });
    expect(guardDriver(driver)).toBe(driver);
    expect(driver.kind).toBe('memory');
    expect(hasMkdir(driver) && hasRename(driver) && hasServerSideCopy(driver)).toBe(true);
  });

  it('hands the driver normalised paths and refuses unsafe ones before any call', async () => {
    const seen: string[] = [];
    const inner = new MemoryDriver();
    const spy = Object.assign(Object.create(inner) as Driver, {
      stat: (path: string) => {
        seen.push(path);
        return inner.stat(path);
      },
    });
    const driver = guardDriver(spy);
    await driver.write('./a/b.txt', Readable.from([Buffer.from('x')]));
    expect((await driver.stat('a/b.txt/')).path).toBe('a/b.txt');
    expect(seen).toEqual(['a/b.txt']);
    expect(await codeOf(driver.stat('../x'))).toMatch(/^InvalidInput: Refused path/);
    expect(seen).toEqual(['a/b.txt']);
  });

  it('refuses writing or removing the root, and cancelled calls', async () => {
    const driver = guardDriver(new MemoryDriver());
    expect(await codeOf(driver.write('', Readable.from([])))).toBe(
      'InvalidInput: Cannot write to the root folder itself.',
    );
    expect(await codeOf(driver.remove('./'))).toBe('InvalidInput: Cannot remove the root folder.');
    const controller = new AbortController();
    controller.abort();
    expect(await codeOf(driver.list('', { signal: controller.signal }))).toMatch(/^Cancelled/);
    expect(await codeOf(driver.mkdir!('f', { signal: controller.signal }))).toMatch(/^Cancelled/);
    await expect(driver.list('')).resolves.toMatchObject({ entries: [] });
  });

  it('lists entries sorted by name', async () => {
    const inner = new MemoryDriver();
    const unsorted = Object.assign(Object.create(inner) as Driver, {
      list: async () => ({
        entries: [
          { name: 'b', path: 'b', type: 'file' as const },
          { name: 'B', path: 'B', type: 'file' as const },
          { name: 'a', path: 'a', type: 'directory' as const },
        ],
        rejected: [],
      }),
    });
    const page = await guardDriver(unsorted).list('');
    expect(page.entries.map((e) => e.name)).toEqual(['B', 'a', 'b']);
  });
});
