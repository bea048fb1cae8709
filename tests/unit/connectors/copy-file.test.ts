import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { MemoryDriver, MemoryStore } from '../../../connectors/memory/memory-driver';
import { BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';
import { copyFile, partialPathOf } from '../../../connectors/transfer/copy-file';
import { type TransferProgress } from '../../../connectors/transfer/progress-meter';
import { expectCode } from '../../conformance/describe-conformance';
import { readAll, sha256, streamOf } from '../../kit/test-streams';
import { CorruptingDriver, FlakySourceDriver, InstantClock } from './transfer-fakes';
import { type WriteOptions, type WriteResult } from '../../../connectors/driver';
import { ResumeRefusedError } from '../../../connectors/resume-refused-error';
import { type Readable } from 'node:stream';

/** A destination that refuses every write at an offset, as an FTP server that forbids APPE does. */
class NoResumeDriver extends MemoryDriver {
  refused = 0;
  override async write(path: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    if ((options.offset ?? 0) > 0) {
      this.refused++;
      source.destroy();
      throw new ResumeRefusedError(path, '451 Append/Restart not permitted, try again');
    }
    return super.write(path, source, options);
  }
}

const MiB = 1024 * 1024;
let dir = '';
let local: LocalDriver;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ferry-copy-'));
  local = new LocalDriver({ root: dir });
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function memoryWith(data: Buffer, driver = new MemoryDriver()): Promise<MemoryDriver> {
  await driver.write('src/data.bin', streamOf(data));
  return driver;
}

describe('copyFile', () => {
  it('copies memory to local, hashed by the strongest common hash and said to be checked by this process only', async () => {
    const data = randomBytes(3 * MiB + 17);
    const source = await memoryWith(data);
    const result = await copyFile({ driver: source, path: 'src/data.bin' }, { driver: local, path: 'out/data.bin' });
    // Neither storage keeps a digest of its own: nobody but this process looked at the bytes.
    expect(result.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: sha256(data), by: 'client' });
    expect(result.attempts).toBe(1);
    expect(sha256(await readFile(path.join(dir, 'out/data.bin')))).toBe(sha256(data));
    expect(await readdir(path.join(dir, 'out'))).toEqual(['data.bin']);
  });

  it('compares the digest the source storage keeps with the bytes that arrived, without reading either back', async () => {
    const data = randomBytes(MiB + 9);
    const source = await memoryWith(data);
    const keeping = (digest: string): MemoryDriver =>
      Object.assign(Object.create(source) as MemoryDriver, {
        stat: async (p: string) => ({ ...(await source.stat(p)), hashes: { sha256: digest } }),
        read: (p: string, options?: object) => source.read(p, options),
      });
    const result = await copyFile(
      { driver: keeping(sha256(data)), path: 'src/data.bin' },
      { driver: local, path: 'a.bin' },
    );
    expect(result.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: sha256(data), by: 'store' });
    // A storage whose digest disagrees with what it sent: the copy fails and nothing stays.
    await expectCode(
      copyFile({ driver: keeping('0'.repeat(64)), path: 'src/data.bin' }, { driver: local, path: 'b.bin' }),
      'Integrity',
    );
    expect((await readdir(dir)).filter((name) => name.startsWith('b.bin') || name.includes('partial'))).toEqual([]);
  });

  it('retries Retryable failures with exponential backoff and jitter, resuming from the partial', async () => {
    const data = randomBytes(2 * MiB);
    const source = await memoryWith(data, new FlakySourceDriver(2, 300_000));
    const clock = new InstantClock();
    const result = await copyFile(
      { driver: source, path: 'src/data.bin' },
      { driver: local, path: 'data.bin' },
      { clock, random: () => 0.5, retry: { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 10_000 } },
    );
    expect(result.attempts).toBe(3);
    expect(clock.delays).toEqual([75, 150]); // base * 2^n, "equal jitter" at random 0.5 = 3/4 of it
    expect(result.resumedAt.length).toBe(2);
    expect(result.resumedAt[0]).toBeGreaterThan(0);
    // The partial's first bytes were written by attempts nobody hashed whole: both files were read back.
    expect(result.verification).toEqual({ kind: 'hash', algorithm: 'sha256', digest: sha256(data), by: 'read-back' });
    expect(sha256(await readFile(path.join(dir, 'data.bin')))).toBe(sha256(data));
  });

  it('keeps the partial when retries run out, and a later copy resumes it', async () => {
    const data = randomBytes(2 * MiB);
    const source = await memoryWith(data, new FlakySourceDriver(3, 500_000));
    const clock = new InstantClock();
    const retry = { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 };
    await expectCode(
      copyFile({ driver: source, path: 'src/data.bin' }, { driver: local, path: 'd.bin' }, { clock, retry }),
      'Retryable',
    );
    const partial = await local.stat(partialPathOf('d.bin'));
    expect(partial.size).toBeGreaterThan(0);
    await expectCode(local.stat('d.bin'), 'NotFound');
    // One failure left in the source: the next copy resumes, fails once more, resumes again and completes.
    const result = await copyFile(
      { driver: source, path: 'src/data.bin' },
      { driver: local, path: 'd.bin' },
      { clock },
    );
    expect(result.resumedAt[0]).toBe(partial.size);
    expect(sha256(await readFile(path.join(dir, 'd.bin')))).toBe(sha256(data));
    expect(await readdir(dir)).toEqual(['d.bin']);
  });

  it('starts over from zero once when the destination refuses to resume, and never asks it to resume again', async () => {
    const data = randomBytes(2 * MiB);
    // Two cuts: the first resume is refused (restart from zero), the second cut must not try to resume again.
    const source = await memoryWith(data, new FlakySourceDriver(2, 300_000));
    const destination = new NoResumeDriver();
    const result = await copyFile(
      { driver: source, path: 'src/data.bin' },
      { driver: destination, path: 'n.bin' },
      { clock: new InstantClock(), retry: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 10 } },
    );
    expect(destination.refused).toBe(1);
    expect(result.restarts).toHaveLength(1);
    expect(result.restarts[0]).toMatch(/^resumed at \d+: The server does not allow resuming uploads \(451 /);
    expect(result.resumedAt).toEqual([]);
    expect(result.verification).toMatchObject({ kind: 'hash', digest: sha256(data) });
    expect(sha256(await readAll(await destination.read('n.bin')))).toBe(sha256(data));
    expect((await destination.list('')).entries.map((e) => e.name)).toEqual(['n.bin']);
  });

  it('fails with Integrity when the destination corrupts data, removing what it wrote', async () => {
    const data = randomBytes(MiB);
    const source = await memoryWith(data);
    const destination = new CorruptingDriver();
    const error = await expectCode(
      copyFile({ driver: source, path: 'src/data.bin' }, { driver: destination, path: 'x/data.bin' }),
      'Integrity',
    );
    expect(error.message).toContain('sha256');
    expect((await destination.list('x')).entries).toEqual([]);
  });

  it('verifies by size only when asked, and a corrupting destination then goes unnoticed only by hash', async () => {
    const data = randomBytes(1000);
    const source = await memoryWith(data);
    const result = await copyFile(
      { driver: source, path: 'src/data.bin' },
      { driver: new CorruptingDriver(), path: 'data.bin' },
      { verify: 'size' },
    );
    expect(result.verification).toEqual({ kind: 'size' });
  });

  it('writes under a hidden partial name and renames it into place at the end', async () => {
    const data = randomBytes(4 * MiB);
    const source = await memoryWith(data);
    const store = new MemoryStore();
    const destination = new MemoryDriver({}, store);
    const seen: string[][] = [];
    await copyFile(
      { driver: source, path: 'src/data.bin' },
      { driver: destination, path: 'a/b.bin' },
      { onProgress: () => seen.push([...store.nodes.keys()].filter((k) => k.startsWith('a/'))) },
    );
    // The first event comes mid-copy; the last one after the rename.
    expect(seen[0]).toEqual([partialPathOf('a/b.bin')]);
    expect(seen.at(-1)).toEqual(['a/b.bin']);
    expect([...store.nodes.keys()].filter((k) => k.startsWith('a/'))).toEqual(['a/b.bin']);
    expect(sha256(await readAll(await destination.read('a/b.bin')))).toBe(sha256(data));
  });

  it('reports progress with bytes, total, rate and ETA', async () => {
    const data = randomBytes(8 * MiB);
    const source = await memoryWith(data);
    const clock = new InstantClock();
    const tick = clock.now.bind(clock);
    clock.now = () => (clock.time += 50) && tick(); // Each look at the clock is 50 ms later.
    const events: TransferProgress[] = [];
    await copyFile(
      { driver: source, path: 'src/data.bin' },
      { driver: new MemoryDriver(), path: 'p.bin' },
      { clock, onProgress: (p) => events.push(p) },
    );
    expect(events.length).toBeGreaterThan(2);
    const bytes = events.map((e) => e.bytes);
    expect([...bytes].sort((a, b) => a - b)).toEqual(bytes);
    expect(events.at(-1)!.bytes).toBe(data.length);
    expect(events.every((e) => e.total === data.length)).toBe(true);
    const middle = events.find((e) => e.bytes < data.length && e.etaSeconds !== undefined)!;
    expect(middle.bytesPerSecond).toBeGreaterThan(0);
    expect(middle.etaSeconds!).toBeCloseTo((data.length - middle.bytes) / middle.bytesPerSecond, 5);
  });

  it('cancels through an AbortSignal, leaving nothing at the destination', async () => {
    const data = randomBytes(8 * MiB);
    const source = await memoryWith(data);
    const controller = new AbortController();
    await expectCode(
      copyFile(
        { driver: source, path: 'src/data.bin' },
        { driver: local, path: 'c/data.bin' },
        { signal: controller.signal, onProgress: (p) => p.bytes >= MiB && controller.abort() },
      ),
      'Cancelled',
    );
    expect(await readdir(path.join(dir, 'c'))).toEqual([]);
  });

  it('limits bandwidth globally and applies a new rate to a running copy', async () => {
    const data = randomBytes(4 * MiB);
    const source = await memoryWith(data);
    const clock = new InstantClock();
    const limiter = new BandwidthLimiter(MiB, clock);
    let changed = false;
    await copyFile(
      { driver: source, path: 'src/data.bin' },
      { driver: new MemoryDriver(), path: 'slow.bin' },
      {
        clock,
        limiter,
        onProgress: (p) => {
          if (!changed && p.bytes >= 2 * MiB) {
            changed = true;
            limiter.setRate(4 * MiB);
          }
        },
      },
    );
    // 2 MiB at 1 MiB/s, then 2 MiB at 4 MiB/s: about 2.5 s of (fake) time, not 4 s and not 1 s.
    const seconds = clock.delays.reduce((a, b) => a + b, 0) / 1000;
    expect(seconds).toBeGreaterThan(2.2);
    expect(seconds).toBeLessThan(2.9);
  });

  it('refuses unsafe destination paths before any I/O', async () => {
    const source = await memoryWith(Buffer.from('x'));
    await expectCode(
      copyFile({ driver: source, path: 'src/data.bin' }, { driver: local, path: '../escape' }),
      'InvalidInput',
    );
    await expectCode(copyFile({ driver: source, path: '/etc/passwd' }, { driver: local, path: 'x' }), 'InvalidInput');
    expect(await readdir(dir)).toEqual([]);
  });
});
