import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { PartBufferPool, partChunks } from '../../../connectors/chunked-upload/part-chunker';

const digest = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A stream of `parts` parts of `size` bytes, each filled with its own byte value, in odd-sized chunks. */
function source(parts: number, size: number, tail = 0): Readable {
  const all = Buffer.alloc(parts * size + tail);
  for (let i = 0; i < parts; i++) all.fill(i + 1, i * size, (i + 1) * size);
  all.fill(0xee, parts * size);
  const chunks: Buffer[] = [];
  for (let at = 0; at < all.length; at += 777) chunks.push(all.subarray(at, Math.min(all.length, at + 777)));
  return Readable.from(chunks);
}

describe('partChunks with a PartBufferPool', () => {
  it('cuts exact parts and a shorter last one', async () => {
    const parts: number[] = [];
    for await (const part of partChunks(source(3, 4096, 100), new PartBufferPool(4096))) parts.push(part.length);
    expect(parts).toEqual([4096, 4096, 4096, 100]);
  });

  it('never overwrites a part still in flight when uploads finish out of order', async () => {
    const size = 4096;
    const pool = new PartBufferPool(size);
    const inFlight = new Set<Promise<void>>();
    const corrupted: number[] = [];
    let index = 0;
    const buffers = new Set<ArrayBufferLike>();
    for await (const part of partChunks(source(40, size), pool)) {
      const n = index++;
      buffers.add(part.buffer);
      const expected = digest(part);
      while (inFlight.size >= 4) await Promise.race(inFlight);
      // Later parts finish first: the oldest in flight is the slowest.
      const delay = 40 - (n % 5) * 8;
      const task: Promise<void> = new Promise<void>((resolve) => setTimeout(resolve, delay)).then(() => {
        if (digest(part) !== expected) corrupted.push(n);
        inFlight.delete(task);
        pool.release(part);
      });
      inFlight.add(task);
    }
    await Promise.all(inFlight);
    expect(corrupted).toEqual([]);
    expect(index).toBe(40);
    // Buffers are reused: far fewer allocations than parts.
    expect(buffers.size).toBeLessThanOrEqual(7);
  });

  it('yields one empty part for an empty stream', async () => {
    const parts: Buffer[] = [];
    for await (const part of partChunks(Readable.from([]), new PartBufferPool(1024))) parts.push(part);
    expect(parts.map((p) => p.length)).toEqual([0]);
  });
});
