import { Transform, type TransformCallback } from 'node:stream';
import { type MultiHasher } from '../hashing';
import { type BandwidthLimiter } from './bandwidth-limiter';
import { type ProgressMeter } from './progress-meter';

/** One pass-through stage doing hashing, bandwidth limiting and progress counting (one stage keeps copies fast). */
export class TransferStream extends Transform {
  constructor(
    private readonly hasher: MultiHasher | undefined,
    private readonly limiter: BandwidthLimiter | undefined,
    private readonly meter: ProgressMeter,
    private readonly signal: AbortSignal | undefined,
  ) {
    super({ highWaterMark: 1024 * 1024 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hasher?.update(chunk);
    if (this.limiter === undefined || this.limiter.bytesPerSecond === null) {
      this.meter.add(chunk.length);
      callback(null, chunk);
      return;
    }
    this.limiter.take(chunk.length, this.signal).then(
      () => {
        this.meter.add(chunk.length);
        callback(null, chunk);
      },
      (error: unknown) => callback(error as Error),
    );
  }
}
