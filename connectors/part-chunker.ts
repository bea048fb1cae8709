import { type Readable } from 'node:stream';

/**
 * Buffers of one part size, reused once their upload is over. A buffer goes back only through `release`, after
 * the request that carried it settled: parts complete out of order, so reuse by position would overwrite a part
 * still being sent. A part never released is simply garbage-collected, never reused.
 */
export class PartBufferPool {
  private readonly free: Buffer[] = [];

  constructor(readonly partSize: number) {}

  /** A buffer of `partSize` bytes, recycled when one was released. */
  take(): Buffer {
    return this.free.pop() ?? Buffer.allocUnsafe(this.partSize);
  }

  /** Gives a part's buffer back once nothing reads it any more (a shorter last part is left to the GC). */
  release(part: Buffer): void {
    if (part.length === this.partSize && part.byteOffset === 0 && !this.free.includes(part)) this.free.push(part);
  }
}

/**
 * Cuts a stream into buffers of exactly `pool.partSize` bytes (the last one shorter; one empty buffer for an empty
 * stream). From the second part on, parts are copied into buffers taken from the pool, so a long upload whose
 * consumer releases its parts allocates a handful of parts once instead of a part's worth of garbage per part.
 * The first part is sized to the data (small files stay small).
 */
export async function* partChunks(source: Readable, pool: PartBufferPool): AsyncGenerator<Buffer> {
  const partSize = pool.partSize;
  let produced = 0;
  let pending: Buffer[] = [];
  let target: Buffer | undefined;
  let filled = 0;
  for await (const raw of source) {
    let chunk = raw as Buffer;
    while (chunk.length > 0) {
      const take = Math.min(partSize - filled, chunk.length);
      if (target === undefined) pending.push(chunk.subarray(0, take));
      else chunk.copy(target, filled, 0, take);
      filled += take;
      chunk = chunk.subarray(take);
      if (filled === partSize) {
        const part = target ?? Buffer.concat(pending, partSize);
        pending = [];
        filled = 0;
        produced++;
        target = undefined;
        yield part;
        // Taken only when the consumer asks for the next part, after it had the chance to release finished ones.
        target = pool.take();
      }
    }
  }
  if (produced === 0) yield Buffer.concat(pending, filled);
  else if (filled > 0) yield target!.subarray(0, filled);
}
