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
 * Cuts a stream (or any iterable of byte chunks) into buffers of exactly `pool.partSize` bytes (the last one shorter; one empty buffer for an empty
 * stream). From the second part on, parts are copied into buffers taken from the pool, so a long upload whose
 * consumer releases its parts allocates a handful of parts once instead of a part's worth of garbage per part.
 * The first part is sized to the data (small files stay small).
 */
export async function* partChunks(source: AsyncIterable<Uint8Array>, pool: PartBufferPool): AsyncGenerator<Buffer> {
  const partSize = pool.partSize;
  let produced = 0;
  let pending: Buffer[] = [];
  let target: Buffer | undefined;
  let filled = 0;
  for await (const raw of source) {
    let chunk = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
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

/** A stream cut into parts whose buffers are reused: give each part to `release` once its request settled. */
export function pooledParts(
  source: AsyncIterable<Uint8Array>,
  partSize: number,
): { readonly parts: AsyncGenerator<Buffer>; readonly release: (part: Buffer) => void } {
  const pool = new PartBufferPool(partSize);
  return { parts: partChunks(source, pool), release: (part) => pool.release(part) };
}
