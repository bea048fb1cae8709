import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';

/** A generated stream of `size` bytes (never held in memory) and its sha256, known once the stream has ended. */
export interface GeneratedStream {
  readonly stream: Readable;
  /** Filled in when the stream ends. */
  readonly result: { sha256?: string; bytes: number };
}

/** Streams `size` pseudo-random bytes in `chunkSize` chunks, hashing them as they go. */
export function generatedStream(size: number, chunkSize = 1024 * 1024): GeneratedStream {
  const block = randomBytes(chunkSize);
  const result: { sha256?: string; bytes: number } = { bytes: 0 };
  const hash = createHash('sha256');
  function* chunks(): Generator<Buffer> {
    let index = 0;
    while (result.bytes < size) {
      const length = Math.min(chunkSize, size - result.bytes);
      const chunk = Buffer.allocUnsafe(length);
      block.copy(chunk, 0, 0, length);
      // Each chunk differs from the others so misplaced chunks change the hash.
      if (length >= 4) chunk.writeUInt32BE(index++ >>> 0, 0);
      hash.update(chunk);
      result.bytes += length;
      yield chunk;
    }
    result.sha256 = hash.digest('hex');
  }
  return { stream: Readable.from(chunks(), { objectMode: false, highWaterMark: chunkSize }), result };
}

/** A stream of the given buffers (unknown size to the receiver). */
export function streamOf(...parts: (string | Buffer)[]): Readable {
  return Readable.from(
    parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)),
    { objectMode: false },
  );
}

/** Reads a whole (small) stream into one buffer. */
export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** sha256 hex of a buffer. */
export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}
