import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasHash, hasMkdir, hasRename } from '../../connectors/capabilities';
import { ConnectorError } from '../../connectors/connector-error';
import { type Driver, type Entry } from '../../connectors/driver';
import { guardDriver } from '../../connectors/guarded-driver';
import { type ConnectorErrorCode } from '../../shared/errors/connector-error-code';
import { LiveMemorySampler } from '../kit/live-memory';
import { outageCases, type ServerOutage } from './outage-cases';
import { generatedStream, readAll, sha256, streamOf } from '../kit/test-streams';

/** How a driver runs the suite. */
export interface ConformanceOptions {
  /** Skip the whole suite with this printed reason (a missing server, locally; under CI the caller throws instead). */
  readonly skipReason?: string;
  /** Size of the large streamed file; at least 64 MiB unless a test needs less. */
  readonly largeFileSize?: number;
  /** False for drivers that keep files in this process (memory): the RSS bound is then not asserted. */
  readonly boundedMemory?: boolean;
  /** Time limit of the large-file test in ms (default 120 s). */
  readonly largeFileTimeoutMs?: number;
  /** Cleans up after the suite (stop the server, remove temp folders). */
  readonly cleanup?: () => Promise<void>;
  /** Kills and restarts the test server: runs the "server goes away mid-write / mid-read" cases. */
  readonly outage?: ServerOutage;
}

const MiB = 1024 * 1024;

/** Asserts that a promise rejects with a ConnectorError of the given code. */
export async function expectCode(promise: Promise<unknown>, code: ConnectorErrorCode): Promise<ConnectorError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, `expected a ConnectorError ${code}`).toBeInstanceOf(ConnectorError);
  expect((error as ConnectorError).code, (error as Error).message).toBe(code);
  return error as ConnectorError;
}

async function listAll(driver: Driver, path: string, pageSize?: number): Promise<Entry[]> {
  const entries: Entry[] = [];
  let cursor: string | undefined;
  do {
    const page = await driver.list(path, { cursor, pageSize });
    entries.push(...page.entries);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return entries;
}

async function removeTree(driver: Driver, path: string): Promise<void> {
  for (const entry of await listAll(driver, path)) {
    if (entry.type === 'directory') await removeTree(driver, entry.path);
    else await driver.remove(entry.path);
  }
  if (path !== '') await driver.remove(path);
}

/** A source that sends `chunks` chunks, then stalls until destroyed; `sent` resolves once they were all pulled. */
function stallingSource(
  chunks: number,
  chunkSize: number,
): { readonly stream: Readable; readonly sent: Promise<void> } {
  let count = 0;
  let markSent: () => void = () => {};
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const stream = new Readable({
    highWaterMark: chunkSize,
    read() {
      if (count < chunks) {
        count++;
        this.push(randomBytes(chunkSize));
      } else markSent();
    },
  });
  return { stream, sent };
}

/**
 * The generic driver suite (rclone's fstests): every driver runs it against its real test server. `makeDriver`
 * is called once, after the caller's own beforeAll (start the server there). Each test works in its own folder
 * under a fresh base folder, removed afterwards. Missing capabilities skip with their reason.
 */
export function describeConformance(
  name: string,
  makeDriver: () => Driver | Promise<Driver>,
  options: ConformanceOptions = {},
): void {
  const suite = options.skipReason === undefined ? describe : describe.skip;
  suite(`conformance: ${name}`, () => {
    let driver: Driver;
    const base = `conformance-${randomBytes(4).toString('hex')}`;
    let counter = 0;
    const folder = (): string => `${base}/t${++counter}`;

    beforeAll(async () => {
      // Wrapped like the registry wraps it: the suite checks the driver users get.
      driver = guardDriver(await makeDriver());
    });

    afterAll(async () => {
      try {
        if (driver) await removeTree(driver, base).catch(() => undefined);
        await driver?.close();
      } finally {
        await options.cleanup?.();
      }
    });

    it('writes, stats, lists and reads an empty file', async () => {
      const dir = folder();
      const result = await driver.write(`${dir}/empty.bin`, streamOf(), { size: 0 });
      expect(result.size).toBe(0);
      expect((await driver.stat(`${dir}/empty.bin`)).size).toBe(0);
      expect((await readAll(await driver.read(`${dir}/empty.bin`))).length).toBe(0);
      const entries = await listAll(driver, dir);
      expect(entries.map((e) => [e.name, e.type, e.size])).toEqual([['empty.bin', 'file', 0]]);
    });

    it('writes a stream of unknown size', async () => {
      const dir = folder();
      const parts = [randomBytes(1000), randomBytes(70_000), randomBytes(3)];
      const result = await driver.write(`${dir}/unknown.bin`, streamOf(...parts));
      const all = Buffer.concat(parts);
      expect(result.size).toBe(all.length);
      expect(result.written).toBe(all.length);
      expect((await driver.stat(`${dir}/unknown.bin`)).size).toBe(all.length);
      expect(sha256(await readAll(await driver.read(`${dir}/unknown.bin`)))).toBe(sha256(all));
    });

    it(
      'streams a large file both ways with bounded memory',
      async () => {
        const dir = folder();
        const size = options.largeFileSize ?? 64 * MiB;
        const memory = new LiveMemorySampler();
        let growthMiB: number;
        try {
          const generated = generatedStream(size);
          const result = await driver.write(`${dir}/large.bin`, generated.stream, { size, hashes: ['sha256'] });
          expect(result.size).toBe(size);
          expect(result.hashes.sha256).toBe(generated.result.sha256);
          const hash = createHash('sha256');
          let bytes = 0;
          for await (const chunk of await driver.read(`${dir}/large.bin`)) {
            hash.update(chunk as Buffer);
            bytes += (chunk as Buffer).length;
          }
          expect(bytes).toBe(size);
          expect(hash.digest('hex')).toBe(generated.result.sha256);
        } finally {
          growthMiB = memory.stop();
        }
        if (options.boundedMemory !== false) {
          // Live memory (after forced GC): a driver holding the whole file would grow by at least its size.
          const message = `live memory grew by ${growthMiB.toFixed(1)} MiB for a ${size / MiB} MiB file`;
          expect(growthMiB, message).toBeLessThan(Math.min(48, (size / MiB) * 0.75));
        }
      },
      options.largeFileTimeoutMs ?? 120_000,
    );

    it('reads byte ranges', async (ctx) => {
      if (!driver.capabilities.rangedRead) ctx.skip(`${name} has no ranged reads`);
      const dir = folder();
      const data = randomBytes(100_000);
      await driver.write(`${dir}/ranged.bin`, streamOf(data), { size: data.length });
      const read = async (offset: number, length?: number): Promise<Buffer> =>
        readAll(
          await driver.read(`${dir}/ranged.bin`, { range: length === undefined ? { offset } : { offset, length } }),
        );
      expect((await read(100, 50)).equals(data.subarray(100, 150))).toBe(true);
      expect((await read(99_990)).equals(data.subarray(99_990))).toBe(true);
      expect((await read(0, 1)).equals(data.subarray(0, 1))).toBe(true);
      expect((await read(65_000, 30_000)).equals(data.subarray(65_000, 95_000))).toBe(true);
      expect((await read(100_000)).length).toBe(0);
    });

    it('pages listings with a small page size', async () => {
      const dir = folder();
      const names = Array.from({ length: 7 }, (_, i) => `file-${i}.txt`);
      if (hasMkdir(driver)) await driver.mkdir(`${dir}/sub`);
      else await driver.write(`${dir}/sub/inner.txt`, streamOf('x'));
      for (const n of names) await driver.write(`${dir}/${n}`, streamOf(n));
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await driver.list(dir, { cursor, pageSize: 3 });
        expect(page.entries.length).toBeLessThanOrEqual(3);
        seen.push(...page.entries.map((e) => e.name));
        cursor = page.cursor;
        pages++;
        expect(pages).toBeLessThan(20);
      } while (cursor !== undefined);
      expect(pages).toBeGreaterThanOrEqual(3);
      expect([...seen].sort()).toEqual([...names, 'sub'].sort());
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('handles unicode, spaces and odd characters in names', async () => {
      const dir = folder();
      const odd = [
        'unicode ünïcödé 日本語 🚀.txt',
        '  spaces  around  .txt',
        "odd!@#$%^&()_+=[]{};',~`.txt",
        'percent%20and+plus.txt',
        '-leading-dash',
        '#hash and.dots...txt',
      ];
      for (const n of odd) await driver.write(`${dir}/${n}`, streamOf(`content of ${n}`));
      const listed = (await listAll(driver, dir)).map((e) => e.name);
      expect([...listed].sort()).toEqual([...odd].sort());
      for (const n of odd) {
        expect((await driver.stat(`${dir}/${n}`)).name).toBe(n);
        expect((await readAll(await driver.read(`${dir}/${n}`))).toString()).toBe(`content of ${n}`);
      }
    });

    it('creates nested paths and lists folders', async () => {
      const dir = folder();
      await driver.write(`${dir}/a/b/c/deep.txt`, streamOf('deep'));
      expect((await readAll(await driver.read(`${dir}/a/b/c/deep.txt`))).toString()).toBe('deep');
      const top = await listAll(driver, `${dir}/a`);
      expect(top.map((e) => [e.name, e.type, e.path])).toEqual([['b', 'directory', `${dir}/a/b`]]);
      expect((await driver.stat(`${dir}/a/b`)).type).toBe('directory');
    });

    it('overwrites an existing file', async () => {
      const dir = folder();
      await driver.write(`${dir}/over.txt`, streamOf('a much longer first version'));
      await driver.write(`${dir}/over.txt`, streamOf('second'));
      expect((await readAll(await driver.read(`${dir}/over.txt`))).toString()).toBe('second');
      expect((await driver.stat(`${dir}/over.txt`)).size).toBe(6);
      expect((await listAll(driver, dir)).map((e) => e.name)).toEqual(['over.txt']);
    });

    it('reports NotFound for missing files and folders', async () => {
      const dir = folder();
      await driver.write(`${dir}/present.txt`, streamOf('x'));
      await expectCode(driver.stat(`${dir}/missing.txt`), 'NotFound');
      await expectCode(
        driver.read(`${dir}/missing.txt`).then((s) => readAll(s)),
        'NotFound',
      );
      await expectCode(driver.list(`${dir}/missing-folder`), 'NotFound');
      await expectCode(driver.remove(`${dir}/missing.txt`), 'NotFound');
    });

    it('refuses unsafe paths before any I/O', async () => {
      for (const bad of [
        '../escape',
        '/absolute',
        'a/../b',
        'nul\u0000byte',
        'ctrl\u0007char',
        'a//b',
        'x'.repeat(300),
      ]) {
        await expectCode(driver.stat(bad), 'InvalidInput');
        await expectCode(driver.write(bad, streamOf('x')), 'InvalidInput');
      }
    });

    it('writes several files concurrently', async () => {
      const dir = folder();
      const files = Array.from({ length: 8 }, (_, i) => ({ path: `${dir}/c${i}.bin`, data: randomBytes(200_000 + i) }));
      await Promise.all(files.map((f) => driver.write(f.path, streamOf(f.data), { size: f.data.length })));
      for (const f of files) expect(sha256(await readAll(await driver.read(f.path)))).toBe(sha256(f.data));
    });

    it('keeps one whole version when two writes race on one path', async (ctx) => {
      if (!driver.capabilities.atomicWrite) ctx.skip(`${name} has no atomic writes`);
      const dir = folder();
      const a = randomBytes(300_000);
      const b = randomBytes(300_000);
      await Promise.all([driver.write(`${dir}/race.bin`, streamOf(a)), driver.write(`${dir}/race.bin`, streamOf(b))]);
      const got = sha256(await readAll(await driver.read(`${dir}/race.bin`)));
      expect([sha256(a), sha256(b)]).toContain(got);
      expect((await listAll(driver, dir)).map((e) => e.name)).toEqual(['race.bin']);
    });

    it('leaves no visible file when a write is interrupted', async (ctx) => {
      if (!driver.capabilities.atomicWrite) ctx.skip(`${name} has no atomic writes`);
      const dir = folder();
      await driver.write(`${dir}/keep.txt`, streamOf('previous version'));
      for (const target of ['new.bin', 'keep.txt']) {
        const controller = new AbortController();
        const source = stallingSource(4, 64 * 1024);
        const writing = driver.write(`${dir}/${target}`, source.stream, { signal: controller.signal });
        await source.sent;
        controller.abort();
        await expectCode(writing, 'Cancelled');
      }
      await expectCode(driver.stat(`${dir}/new.bin`), 'NotFound');
      expect((await readAll(await driver.read(`${dir}/keep.txt`))).toString()).toBe('previous version');
      expect((await listAll(driver, dir)).map((e) => e.name)).toEqual(['keep.txt']);
    });

    it('verifies size and hashes after a write', async () => {
      const dir = folder();
      const data = randomBytes(123_457);
      const result = await driver.write(`${dir}/h.bin`, streamOf(data), {
        size: data.length,
        hashes: ['sha256', 'md5'],
      });
      expect(result.size).toBe(data.length);
      expect(result.hashes.sha256).toBe(sha256(data));
      expect(result.hashes.md5).toBe(createHash('md5').update(data).digest('hex'));
      expect((await driver.stat(`${dir}/h.bin`)).size).toBe(data.length);
      if (hasHash(driver)) {
        for (const algorithm of driver.capabilities.hashes) {
          if (algorithm === 'crc32c') continue;
          expect(await driver.hash(`${dir}/h.bin`, algorithm)).toBe(createHash(algorithm).update(data).digest('hex'));
        }
      }
      // A stream shorter than announced fails with Integrity and leaves nothing.
      await expectCode(driver.write(`${dir}/short.bin`, streamOf(data), { size: data.length + 1 }), 'Integrity');
      await expectCode(driver.stat(`${dir}/short.bin`), 'NotFound');
    });

    it('resumes a write at an offset', async (ctx) => {
      if (!driver.capabilities.resumableWrite) ctx.skip(`${name} has no resumable writes`);
      const dir = folder();
      const first = randomBytes(150_000);
      const second = randomBytes(90_000);
      await driver.write(`${dir}/part.bin`, streamOf(first));
      const result = await driver.write(`${dir}/part.bin`, streamOf(second), {
        offset: first.length,
        hashes: ['sha256'],
      });
      expect(result.size).toBe(first.length + second.length);
      expect(result.written).toBe(second.length);
      expect(result.hashes.sha256).toBe(sha256(second));
      expect(sha256(await readAll(await driver.read(`${dir}/part.bin`)))).toBe(sha256(Buffer.concat([first, second])));
      await expectCode(driver.write(`${dir}/part.bin`, streamOf('x'), { offset: 5 }), 'Conflict');
      // Offset 0 starts a file that is not there yet, parents included (a copy's first attempt writes no empty file).
      const fresh = await driver.write(`${dir}/new/deeper/start.bin`, streamOf(second), { offset: 0 });
      expect(fresh.size).toBe(second.length);
      expect(sha256(await readAll(await driver.read(`${dir}/new/deeper/start.bin`)))).toBe(sha256(second));
      await expectCode(driver.write(`${dir}/absent.bin`, streamOf('x'), { offset: 3 }), 'Conflict');
    });

    it('renames a file, replacing the target', async (ctx) => {
      if (!hasRename(driver)) return ctx.skip(`${name} has no server-side rename`);
      const dir = folder();
      await driver.write(`${dir}/from.txt`, streamOf('new'));
      await driver.write(`${dir}/to.txt`, streamOf('old content'));
      await driver.rename(`${dir}/from.txt`, `${dir}/to.txt`);
      expect((await readAll(await driver.read(`${dir}/to.txt`))).toString()).toBe('new');
      await expectCode(driver.stat(`${dir}/from.txt`), 'NotFound');
    });

    it('creates and removes folders', async (ctx) => {
      if (!hasMkdir(driver)) return ctx.skip(`${name} has prefixes, not folders`);
      const dir = folder();
      await driver.mkdir(`${dir}/x/y`);
      await driver.mkdir(`${dir}/x/y`);
      expect((await driver.stat(`${dir}/x/y`)).type).toBe('directory');
      await driver.write(`${dir}/x/y/f.txt`, streamOf('f'));
      await expectCode(driver.remove(`${dir}/x/y`), 'Conflict');
      await driver.remove(`${dir}/x/y/f.txt`);
      await driver.remove(`${dir}/x/y`);
      expect(await listAll(driver, `${dir}/x`)).toEqual([]);
    });

    outageCases(name, () => driver, folder, options.outage);

    it('passes its own check with a write probe', async () => {
      const report = await driver.check({ write: true });
      const failed = report.steps.filter((s) => s.status === 'failed');
      expect(failed, JSON.stringify(failed)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.steps.find((s) => s.id === 'list')?.status).toBe('ok');
      expect(report.steps.find((s) => s.id === 'write')?.status).toBe('ok');
    });
  });
  if (options.skipReason !== undefined) console.warn(`skipping conformance: ${name}: ${options.skipReason}`);
}
