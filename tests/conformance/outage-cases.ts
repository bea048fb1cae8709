import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { expect, it } from 'vitest';
import { canResumeInto } from '../../connectors/capabilities';
import { ConnectorError } from '../../connectors/connector-error';
import { type Driver } from '../../connectors/driver';
import { LocalDriver } from '../../connectors/local/local-driver';
import { BandwidthLimiter } from '../../connectors/transfer/bandwidth-limiter';
import { copyFile } from '../../connectors/transfer/copy-file';
import { generatedStream, readAll, sha256, streamOf } from '../kit/test-streams';

/** Makes a driver's test server go away and come back, as a crash and a restart would. */
export interface ServerOutage {
  /** Kills the server (with its session processes) so every open connection is cut; keeps its data. */
  readonly stop: () => Promise<void>;
  /** Starts it again on the same address and port with the same data. */
  readonly start: () => Promise<void>;
}

const MiB = 1024 * 1024;
const CASE_TIMEOUT_MS = 120_000;

/** A source producing `size` bytes at a steady pace, counting what the writer pulled. */
function pacedSource(size: number): { readonly stream: Readable; pulled: () => number } {
  const block = randomBytes(256 * 1024);
  let pulled = 0;
  const stream = new Readable({
    highWaterMark: block.length,
    read() {
      if (pulled >= size) return void this.push(null);
      const length = Math.min(block.length, size - pulled);
      pulled += length;
      // About 50 MiB/s at most: fast enough for the test, slow enough to be cut midway.
      setTimeout(() => this.push(block.subarray(0, length)), 5);
    },
  });
  return { stream, pulled: () => pulled };
}

async function until(condition: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Settles with the promise's outcome, or fails the test when it hangs (the bug this suite exists for). */
async function outcomeOf<T>(
  promise: Promise<T>,
  what: string,
  timeoutMs = 60_000,
): Promise<{ readonly value?: T; readonly error?: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} neither failed nor finished in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([
      promise.then(
        (value) => ({ value }),
        (error: unknown) => ({ error }),
      ),
      hang,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * "The server goes away mid-write / mid-read": every driver with a real server runs these. A lost connection
 * must fail a write (never resolve it) and fail a read stream (never end it cleanly short); the same driver then
 * reconnects; and the engine's retries resume the same copy once the server is back, verified byte for byte.
 */
export function outageCases(
  name: string,
  driverOf: () => Driver,
  folder: () => string,
  outage: ServerOutage | undefined,
): void {
  const withOutage = async (body: (server: ServerOutage) => Promise<void>): Promise<void> => {
    if (outage === undefined) return;
    let down = false;
    const server: ServerOutage = {
      stop: async () => {
        down = true;
        await outage.stop();
      },
      start: async () => {
        await outage.start();
        down = false;
      },
    };
    try {
      await body(server);
    } finally {
      // Whatever happened, the next test finds the server running (and only one of it).
      if (down) await outage.start();
    }
  };

  it(
    'fails a write, never reports it done, when the server goes away mid-write',
    async (ctx) => {
      if (outage === undefined) return ctx.skip(`${name}: the test server cannot be stopped and restarted`);
      const driver = driverOf();
      const dir = folder();
      await withOutage(async (server) => {
        const size = 64 * MiB;
        const source = pacedSource(size);
        const writing = driver.write(`${dir}/cut.bin`, source.stream, { size });
        writing.catch(() => undefined);
        await until(() => source.pulled() >= 8 * MiB, 'the write is under way');
        await server.stop();
        const outcome = await outcomeOf(writing, 'the write');
        expect(outcome.value, 'a write cut by a lost connection resolved').toBeUndefined();
        expect(outcome.error).toBeInstanceOf(ConnectorError);
        expect((outcome.error as ConnectorError).code, (outcome.error as Error).message).toBe('Retryable');
        await server.start();
        if (driver.capabilities.atomicWrite) {
          const left = await driver.stat(`${dir}/cut.bin`).then(
            (entry) => entry,
            () => undefined,
          );
          expect(left, 'an interrupted atomic write left a file').toBeUndefined();
        }
        // The same driver reconnects.
        await driver.write(`${dir}/after.txt`, streamOf('after the restart'));
        expect((await readAll(await driver.read(`${dir}/after.txt`))).toString()).toBe('after the restart');
      });
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'fails a read stream, never ends it short, when the server goes away mid-read',
    async (ctx) => {
      if (outage === undefined) return ctx.skip(`${name}: the test server cannot be stopped and restarted`);
      const driver = driverOf();
      const dir = folder();
      const size = 64 * MiB;
      await driver.write(`${dir}/read.bin`, generatedStream(size).stream, { size });
      await withOutage(async (server) => {
        const stream = await driver.read(`${dir}/read.bin`);
        const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
        let got = 0;
        while (got < MiB) {
          const next = await chunks.next();
          if (next.done === true) throw new Error(`the read ended after ${got} bytes`);
          got += next.value.length;
        }
        await server.stop();
        const drained = (async (): Promise<number> => {
          for (;;) {
            const next = await chunks.next();
            if (next.done === true) return got;
            got += next.value.length;
          }
        })();
        const outcome = await outcomeOf(drained, 'the read');
        expect(outcome.value, `the read ended cleanly after ${got} of ${size} bytes`).toBeUndefined();
        expect(outcome.error, String(outcome.error)).toBeInstanceOf(ConnectorError);
        expect(got).toBeLessThan(size);
        await server.start();
        expect((await driver.stat(`${dir}/read.bin`)).size).toBe(size);
      });
    },
    CASE_TIMEOUT_MS,
  );

  it(
    'resumes the same copy when the server comes back while retries last',
    async (ctx) => {
      if (outage === undefined) return ctx.skip(`${name}: the test server cannot be stopped and restarted`);
      const driver = driverOf();
      const dir = folder();
      const local = await mkdtemp(path.join(tmpdir(), 'ferry-outage-'));
      try {
        const data = randomBytes(32 * MiB);
        await writeFile(path.join(local, 'source.bin'), data);
        const source = new LocalDriver({ root: local });
        await withOutage(async (server) => {
          let cutAt = 0;
          const copying = copyFile(
            { driver: source, path: 'source.bin' },
            { driver, path: `${dir}/copy.bin` },
            {
              // Slow enough that the cut lands seconds before the end, also on a loaded machine.
              limiter: new BandwidthLimiter(6 * MiB),
              retry: { maxAttempts: 40, baseDelayMs: 200, maxDelayMs: 1000 },
              onProgress: (p) => {
                if (cutAt === 0 && p.bytes >= 2 * MiB) cutAt = p.bytes;
              },
            },
          );
          let settled = false;
          copying.then(
            () => (settled = true),
            () => (settled = true),
          );
          await until(() => cutAt > 0, 'the copy is under way');
          await server.stop();
          // The outage landed mid-copy (else this case would prove nothing).
          expect(settled, 'the copy ended before the server went away').toBe(false);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          await server.start();
          const outcome = await outcomeOf(copying, 'the copy', 90_000);
          expect(outcome.error, String(outcome.error)).toBeUndefined();
          const result = outcome.value!;
          // The cut failed an attempt (attempts count across a restart), and the next one resumed from the partial.
          expect(result.attempts).toBeGreaterThan(1);
          if (canResumeInto(driver)) {
            // Resumed from the partial, never started over (a restart's reason would say why the partial was bad).
            expect(result.restarts).toEqual([]);
            expect(result.resumedAt.length).toBeGreaterThan(0);
          }
          // The whole file was verified by a hash, not only its size.
          expect(result.verification.kind).toBe('hash');
          const copied = await readAll(await driver.read(`${dir}/copy.bin`));
          expect(copied.length).toBe(data.length);
          expect(createHash('sha256').update(copied).digest('hex')).toBe(sha256(data));
          const names: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await driver.list(dir, { cursor });
            names.push(...page.entries.map((e) => e.name));
            cursor = page.cursor;
          } while (cursor !== undefined);
          expect(names).toEqual(['copy.bin']);
        });
      } finally {
        await rm(local, { recursive: true, force: true });
      }
    },
    CASE_TIMEOUT_MS,
  );
}
