import { type Readable } from 'node:stream';

/**
 * Cuts a stream into buffers of exactly `partSize` bytes (the last one shorter; one empty buffer for an empty
 * stream). From the second part on, parts are copied into a ring of `ringSize` reused buffers, so a long upload
 * allocates `ringSize` parts once instead of producing a part's worth of garbage per part: the consumer must be
 * done with a part before `ringSize` more parts were taken. The first part is sized to the data (small files
 * stay small).
 */
export async function* partChunks(source: Readable, partSize: number, ringSize: number): AsyncGenerator<Buffer> {
  const ring: Buffer[] = [];
  let index = 0;
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
        const slot = index++ % ringSize;
        ring[slot] ??= Buffer.allocUnsafe(partSize);
        target = ring[slot];
        yield part;
      }
    }
  }
  if (index === 0) yield Buffer.concat(pending, filled);
  else if (filled > 0) yield target!.subarray(0, filled);
}
