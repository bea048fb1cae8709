import { type Readable } from 'node:stream';

/**
 * Cuts a stream into buffers of exactly `partSize` bytes (the last one shorter, possibly empty when the stream
 * is empty), holding at most one part plus one source chunk in memory.
 */
export async function* partChunks(source: Readable, partSize: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let yielded = false;
  for await (const raw of source) {
    let chunk = raw as Buffer;
    while (pendingBytes + chunk.length >= partSize) {
      const take = partSize - pendingBytes;
      pending.push(chunk.subarray(0, take));
      chunk = chunk.subarray(take);
      const part = Buffer.concat(pending, partSize);
      pending = [];
      pendingBytes = 0;
      yielded = true;
      yield part;
    }
    if (chunk.length > 0) {
      pending.push(chunk);
      pendingBytes += chunk.length;
    }
  }
  if (pendingBytes > 0 || !yielded) yield Buffer.concat(pending, pendingBytes);
}
