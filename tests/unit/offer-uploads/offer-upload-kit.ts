// Helpers of the offer upload tests: a driver that records its reads, a temporary folder, waiting for progress.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Driver, ReadOptions } from '../../../connectors/driver';
import { guardDriver } from '../../../connectors/guarded-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import type { OfferUploadProgress } from '../../../main/services/offer-uploads/offer-uploader';

/** One read a driver served: path, range offset (0 without a range), range length when given. */
export interface ReadRecord {
  readonly path: string;
  readonly offset: number;
  readonly length?: number;
}

/** The driver, recording every read into `reads`. */
export function recordReads(driver: Driver, reads: ReadRecord[]): Driver {
  return new Proxy(driver, {
    get(target, property) {
      if (property === 'read') {
        return (file: string, options: ReadOptions = {}) => {
          reads.push({
            path: file,
            offset: options.range?.offset ?? 0,
            ...(options.range?.length === undefined ? {} : { length: options.range.length }),
          });
          return target.read(file, options);
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A temporary folder with a local-folder driver over it. */
export class LocalFolder {
  readonly root = mkdtempSync(path.join(tmpdir(), 'ferry-offer-upload-'));
  // Not through the default registry: it loads every cloud SDK, and a big heap makes the memory test's forced GCs slow.
  readonly driver: Driver = guardDriver(new LocalDriver({ root: this.root }));

  /** Absolute path of a file in the folder. */
  file(name: string): string {
    return path.join(this.root, name);
  }

  async dispose(): Promise<void> {
    await this.driver.close();
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** An AbortController that aborts once the upload phase passed `bytes`. */
export function abortAfter(bytes: number): {
  readonly controller: AbortController;
  readonly onProgress: (progress: OfferUploadProgress) => void;
} {
  const controller = new AbortController();
  return {
    controller,
    onProgress: (progress) => {
      if (progress.phase === 'uploading' && progress.bytes >= bytes) controller.abort();
    },
  };
}

/** Waits until a value stops changing (the server finishing the write of an aborted request). */
export async function settled(read: () => Promise<number>, intervalMs = 150): Promise<number> {
  let previous = await read();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    const current = await read();
    if (current === previous) return current;
    previous = current;
  }
}
