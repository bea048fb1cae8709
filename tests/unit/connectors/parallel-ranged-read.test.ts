import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ConnectorError, isConnectorError } from '../../../connectors/connector-error';
import {
  parallelRangedRead,
  type ParallelRangedRead,
  type RangedReadTuning,
} from '../../../connectors/object-store/parallel-ranged-read';

const KiB = 1024;
const MiB = 1024 * KiB;

/** A fake store object: every ranged GET it serves, how many are open at once, and their abort signals. */
function fakeObject(
  size: number,
  how: {
    readonly delayMs?: (index: number) => number;
    /** Replaces the answer to the `index`th GET. */
    readonly answer?: (index: number, offset: number, length: number) => Readable | Error | undefined;
  } = {},
) {
  const data = randomBytes(size);
  const calls: { offset: number; length: number; signal: AbortSignal }[] = [];
  const state = { open: 0, maxOpen: 0 };
  const getRange = async (offset: number, length: number, signal: AbortSignal): Promise<Readable> => {
    const index = calls.length;
    calls.push({ offset, length, signal });
    state.open += 1;
    state.maxOpen = Math.max(state.maxOpen, state.open);
    await sleep(how.delayMs?.(index) ?? 0);
    const replaced = how.answer?.(index, offset, length);
    if (replaced instanceof Error) {
      state.open -= 1;
      throw replaced;
    }
    const body =
      replaced ??
      Readable.from(
        (function* () {
          for (let at = offset; at < offset + length; at += 64 * KiB) {
            yield data.subarray(at, Math.min(offset + length, at + 64 * KiB));
          }
        })(),
        { objectMode: false },
      );
    body.once('close', () => (state.open -= 1));
    return body;
  };
  return { data, calls, state, getRange };
}

const tuning = (chunkSize: number, streams: number): RangedReadTuning => ({ cutoff: 0, chunkSize, streams });

function read(
  object: ReturnType<typeof fakeObject>,
  options: Partial<ParallelRangedRead> & { readonly tuning: RangedReadTuning },
): Readable {
  return parallelRangedRead({
    path: 'big.bin',
    start: 0,
    end: object.data.length,
    getRange: object.getRange,
    // As a store's mapping: a reset connection or a 503 may succeed if asked again, a 403 not.
    mapError: (error) =>
      new ConnectorError(
        /503|hang up/.test(String(error)) ? 'Retryable' : 'PermissionDenied',
        `mapped: ${String(error)}`,
      ),
    ...options,
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

async function failure(stream: Readable): Promise<ConnectorError> {
  try {
    await collect(stream);
  } catch (error) {
    if (isConnectorError(error)) return error;
    throw error;
  }
  throw new Error('the stream ended without an error');
}

describe('parallelRangedRead', () => {
  it('yields every byte in order while ranges finish out of order', async () => {
    const object = fakeObject(10 * 100 * KiB + 123, { delayMs: (i) => (i % 3 === 0 ? 30 : 1) });
    const bytes = await collect(read(object, { tuning: tuning(100 * KiB, 4) }));
    expect(bytes.equals(object.data)).toBe(true);
    expect(object.calls.map((c) => c.offset)).toEqual(Array.from({ length: 11 }, (_, i) => i * 100 * KiB));
    expect(object.calls.at(-1)!.length).toBe(123);
  });

  it('reads a sub-range [start, end)', async () => {
    const object = fakeObject(1 * MiB);
    const bytes = await collect(read(object, { start: 1000, end: 900_000, tuning: tuning(64 * KiB, 3) }));
    expect(bytes.equals(object.data.subarray(1000, 900_000))).toBe(true);
  });

  it('keeps at most `streams` ranges and starts none while the consumer does not read', async () => {
    const object = fakeObject(32 * MiB);
    const stream = read(object, { tuning: tuning(2 * MiB, 3) });
    stream.once('readable', () => undefined); // reads up to the high-water mark, then nothing
    await sleep(100);
    expect(object.calls.length).toBe(3);
    await sleep(100);
    expect(object.calls.length).toBe(3);
    const bytes = await collect(stream);
    expect(bytes.equals(object.data)).toBe(true);
    expect(object.calls.length).toBe(16);
    expect(object.state.maxOpen).toBeLessThanOrEqual(3);
  });

  it('uses an already open response for the first range and discards its surplus', async () => {
    const object = fakeObject(1 * MiB);
    const first = Readable.from([object.data.subarray(0, 700 * KiB), object.data.subarray(700 * KiB)], {
      objectMode: false,
    });
    const bytes = await collect(read(object, { first, tuning: tuning(256 * KiB, 2) }));
    expect(bytes.equals(object.data)).toBe(true);
    expect(object.calls.map((c) => c.offset)).toEqual([256 * KiB, 512 * KiB, 768 * KiB]);
    expect(first.destroyed).toBe(true);
  });

  it("fails with the store's mapped error when a range fails, and aborts the others", async () => {
    const object = fakeObject(1 * MiB, {
      delayMs: (i) => (i === 2 ? 5 : 50),
      answer: (i) => (i === 2 ? new Error('403 Forbidden') : undefined),
    });
    const error = await failure(read(object, { tuning: tuning(128 * KiB, 4) }));
    expect(error.code).toBe('PermissionDenied');
    expect(error.message).toContain('403 Forbidden');
    expect(object.calls).toHaveLength(4);
    expect(object.calls.filter((c, i) => i !== 2).every((c) => c.signal.aborted)).toBe(true);
  });

  it('asks again for the missing bytes of a range whose connection breaks midway', async () => {
    const object = fakeObject(1 * MiB, {
      answer: (i, offset) =>
        i === 1
          ? new Readable({
              read() {
                this.push(object.data.subarray(offset, offset + 1000));
                this.destroy(new Error('socket hang up'));
              },
            })
          : undefined,
    });
    const bytes = await collect(read(object, { tuning: tuning(256 * KiB, 2) }));
    expect(bytes.equals(object.data)).toBe(true);
    expect(object.calls.map((c) => [c.offset, c.length])).toContainEqual([256 * KiB + 1000, 256 * KiB - 1000]);
  });

  it('fails with the Retryable error once a range has failed three times', async () => {
    const object = fakeObject(1 * MiB, {
      answer: (_i, offset) => (offset === 512 * KiB ? new Error('503 Slow Down') : undefined),
    });
    const error = await failure(read(object, { tuning: tuning(256 * KiB, 2) }));
    expect(error.code).toBe('Retryable');
    expect(error.message).toContain('503 Slow Down');
    expect(object.calls.filter((c) => c.offset === 512 * KiB)).toHaveLength(3);
  });

  it('fails with Integrity when a range is short, never truncating silently', async () => {
    const object = fakeObject(1 * MiB, {
      answer: (i, offset, length) => (i === 3 ? Readable.from([Buffer.alloc(length - 1)]) : undefined),
    });
    const error = await failure(read(object, { tuning: tuning(128 * KiB, 2) }));
    expect(error.code).toBe('Integrity');
    expect(error.message).toMatch(/sent 131071 of the 131072 bytes asked from offset 393216: big.bin/);
  });

  it('fails with Integrity when a range is long (a store ignoring Range)', async () => {
    const object = fakeObject(1 * MiB, {
      answer: (i) => (i === 1 ? Readable.from([Buffer.alloc(1000), Buffer.alloc(1 * MiB)]) : undefined),
    });
    const error = await failure(read(object, { tuning: tuning(128 * KiB, 2) }));
    expect(error.code).toBe('Integrity');
    expect(error.message).toContain('more than the 131072 bytes asked');
  });

  it('fails with Integrity when the already open response is short', async () => {
    const object = fakeObject(1 * MiB);
    const first = Readable.from([object.data.subarray(0, 100)], { objectMode: false });
    const error = await failure(read(object, { first, tuning: tuning(256 * KiB, 2) }));
    expect(error.code).toBe('Integrity');
  });

  it('aborts every request in flight when the signal aborts', async () => {
    const object = fakeObject(4 * MiB, { delayMs: () => 20 });
    const controller = new AbortController();
    const stream = read(object, { tuning: tuning(256 * KiB, 4), signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    const error = await failure(stream);
    expect(error.code).toBe('Cancelled');
    expect(object.calls).toHaveLength(4);
    expect(object.calls.every((c) => c.signal.aborted)).toBe(true);
    await sleep(40);
    expect(object.calls).toHaveLength(4);
    expect(object.state.open).toBe(0);
  });

  it('aborts every request in flight when the consumer destroys the stream', async () => {
    const object = fakeObject(4 * MiB, { delayMs: (i) => (i === 0 ? 0 : 30) });
    const stream = read(object, { tuning: tuning(256 * KiB, 3) });
    await new Promise((resolve) => stream.once('data', resolve));
    stream.destroy();
    await sleep(60);
    expect(object.calls).toHaveLength(3);
    expect(object.calls.every((c) => c.signal.aborted)).toBe(true);
    expect(object.state.open).toBe(0);
  });
});
