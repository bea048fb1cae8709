import { type Readable, Transform } from 'node:stream';
import { ConnectorError } from '../../../connectors/connector-error';
import { type ReadOptions, type WriteOptions, type WriteResult } from '../../../connectors/driver';
import { HashingStream } from '../../../connectors/hashing';
import { MemoryDriver } from '../../../connectors/memory/memory-driver';
import { type Clock } from '../../../connectors/transfer/clock';

/** A clock whose sleeps return at once and move time forward; records every delay asked for. */
export class InstantClock implements Clock {
  time = 0;
  readonly delays: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw new ConnectorError('Cancelled', 'cancelled');
    this.delays.push(ms);
    this.time += ms;
    await Promise.resolve();
  }
}

/** A memory driver whose first `failures` reads break with Retryable after `afterBytes` bytes. */
export class FlakySourceDriver extends MemoryDriver {
  reads = 0;
  constructor(
    private failures: number,
    private readonly afterBytes: number,
  ) {
    super();
  }
  override async read(path: string, options: ReadOptions = {}): Promise<Readable> {
    const stream = await super.read(path, options);
    this.reads++;
    if (this.failures <= 0) return stream;
    this.failures--;
    let seen = 0;
    const limit = this.afterBytes;
    const breaker = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (seen + chunk.length > limit) {
          const head = chunk.subarray(0, limit - seen);
          seen = limit;
          this.push(head);
          // The connection drops a little later, once the head went through (the callback is never called).
          setTimeout(() => this.destroy(new ConnectorError('Retryable', 'connection reset (simulated)')), 20);
          return;
        }
        seen += chunk.length;
        callback(null, chunk);
      },
    });
    stream.once('error', (e) => breaker.destroy(e));
    return stream.pipe(breaker);
  }
}

/**
 * A memory driver standing for a storage that corrupts what it receives: like a real driver it hashes the bytes the
 * engine hands it, then the "storage" flips one byte and reports its own digest, of the corrupted bytes (as S3's
 * ETag would).
 */
export class CorruptingDriver extends MemoryDriver {
  override async write(path: string, source: Readable, options: WriteOptions = {}): Promise<WriteResult> {
    const received = new HashingStream(options.hashes ?? []);
    let first = true;
    const corrupt = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        if (first && chunk.length > 0) {
          first = false;
          const copy = Buffer.from(chunk);
          copy[0] = copy[0]! ^ 0xff;
          callback(null, copy);
          return;
        }
        callback(null, chunk);
      },
    });
    source.once('error', (e) => received.destroy(e));
    received.once('error', (e) => corrupt.destroy(e));
    const result = await super.write(path, source.pipe(received).pipe(corrupt), options);
    return { ...result, hashes: received.hasher.digest(), stored: result.hashes };
  }
}
