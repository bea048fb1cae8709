import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback, type Readable } from 'node:stream';
import { type HashAlgorithm, type Hashes } from '../shared/connectors/hash-algorithm';

/** Algorithms Node computes locally (crc32c only comes from servers). */
export const COMPUTABLE_HASHES: readonly HashAlgorithm[] = ['md5', 'sha1', 'sha256'];

/** Whether Node can compute this algorithm. */
export function isComputable(algorithm: HashAlgorithm): boolean {
  return COMPUTABLE_HASHES.includes(algorithm);
}

/** Incremental digests and a byte count over chunks fed to `update`. */
export class MultiHasher {
  private readonly hashes: readonly (readonly [HashAlgorithm, Hash])[];
  /** Bytes seen so far. */
  bytes = 0;

  constructor(algorithms: readonly HashAlgorithm[]) {
    this.hashes = [...new Set(algorithms)].filter(isComputable).map((a) => [a, createHash(a)] as const);
  }

  /** Feeds one chunk. */
  update(chunk: Uint8Array): void {
    this.bytes += chunk.byteLength;
    for (const [, hash] of this.hashes) hash.update(chunk);
  }

  /** The hex digests (call once, at the end). */
  digest(): Hashes {
    const out: { [A in HashAlgorithm]?: string } = {};
    for (const [algorithm, hash] of this.hashes) out[algorithm] = hash.digest('hex');
    return out;
  }
}

/** A pass-through stream that hashes and counts what flows through it. */
export class HashingStream extends Transform {
  readonly hasher: MultiHasher;

  constructor(algorithms: readonly HashAlgorithm[], highWaterMark = 1024 * 1024) {
    super({ highWaterMark });
    this.hasher = new MultiHasher(algorithms);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher.update(chunk);
    callback(null, chunk);
  }
}

/** Reads a whole stream, returning its size and digests (bounded memory). */
export async function hashReadable(
  source: Readable,
  algorithms: readonly HashAlgorithm[],
): Promise<{ readonly size: number; readonly hashes: Hashes }> {
  const hasher = new MultiHasher(algorithms);
  for await (const chunk of source) hasher.update(chunk as Buffer);
  return { size: hasher.bytes, hashes: hasher.digest() };
}
