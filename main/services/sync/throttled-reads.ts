// Publishing shares the transfers' bandwidth limit: an upload's bytes are the reads of its source driver.
import { pipeline, type Readable, Transform, type TransformCallback } from 'node:stream';
import type { Driver, ReadOptions } from '../../../connectors/driver';
import type { BandwidthLimiter } from '../../../connectors/transfer/bandwidth-limiter';

/** Passes each chunk once the shared bandwidth limiter lets it (the limit may change live). */
class Throttle extends Transform {
  constructor(
    private readonly limiter: BandwidthLimiter,
    private readonly signal: AbortSignal,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.limiter.take(chunk.length, this.signal).then(
      () => callback(null, chunk),
      (error: unknown) => callback(error as Error),
    );
  }
}

/** The driver, its reads (the upload's bytes) passing through the shared bandwidth limiter. */
export function throttledReads(driver: Driver, limiter: BandwidthLimiter, signal: AbortSignal): Driver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'read') {
        return async (file: string, options?: ReadOptions): Promise<Readable> => {
          const source = await target.read(file, options);
          return pipeline(source, new Throttle(limiter, signal), () => undefined);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
