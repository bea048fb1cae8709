// Copies one file of a connector into the offer storage through the transfer engine, verified, with its SHA-256.
import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { Driver, Entry, ReadOptions } from '../../connectors/driver';
import { copyFile } from '../../connectors/transfer/copy-file';
import { newId } from '../auth/secret-token';
import { importedFileKey } from '../offers/offer-storage';
import { storedSha256 } from '../../connectors/stored-file';

/** A file stored in the offer storage, checked: its key, size and SHA-256. */
export interface StoredCopy {
  readonly storageKey: string;
  readonly size: number;
  readonly sha256: string;
}

interface ReadHash {
  readonly hash: ReturnType<typeof createHash>;
  complete: boolean;
}

// The source as copyFile sees it, with each whole read hashed on the way: the SHA-256 without a second read.
function hashingSource(driver: Driver): { readonly driver: Driver; last(): ReadHash | undefined } {
  let last: ReadHash | undefined;
  const read = async (path: string, options?: ReadOptions): Promise<Readable> => {
    const stream = await driver.read(path, options);
    if ((options?.range?.offset ?? 0) > 0) {
      // A resumed read: its bytes are only the tail, so this copy's hash comes from elsewhere.
      last = undefined;
      return stream;
    }
    const state: ReadHash = { hash: createHash('sha256'), complete: false };
    last = state;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        state.hash.update(chunk);
        done(null, chunk);
      },
      flush(done) {
        state.complete = true;
        done();
      },
    });
    stream.on('error', (error) => tap.destroy(error));
    tap.on('close', () => stream.destroy());
    return stream.pipe(tap);
  };
  const proxy = new Proxy(driver, {
    get(target, property) {
      if (property === 'read') return read;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { driver: proxy, last: () => last };
}

/**
 * Copies `sourcePath` into the offer storage under a new key of the offer (copyFile: partial name then rename,
 * verified by size and hash). The SHA-256 comes from the verification when it used SHA-256, else from hashing the
 * bytes as they were read; only after a resumed copy verified otherwise is the stored file read back once.
 */
export async function copyIntoOffer(
  source: Driver,
  sourcePath: string,
  storage: Driver,
  offerId: string,
  signal?: AbortSignal,
): Promise<StoredCopy> {
  const storageKey = importedFileKey(offerId, newId('imf'));
  const hashing = hashingSource(source);
  const result = await copyFile(
    { driver: hashing.driver, path: sourcePath },
    { driver: storage, path: storageKey },
    signal !== undefined ? { signal } : {},
  );
  const { verification } = result;
  const read = hashing.last();
  const sha256 =
    verification.kind === 'hash' && verification.algorithm === 'sha256'
      ? verification.digest
      : read?.complete === true
        ? read.hash.digest('hex')
        : await storedSha256(storage, storageKey, signal);
  return { storageKey, size: result.size, sha256 };
}

/** The SHA-256 of a source file without copying it: what the storage already knows, else read once. */
export async function sourceSha256(source: Driver, entry: Entry, signal?: AbortSignal): Promise<string> {
  return entry.hashes?.sha256 ?? storedSha256(source, entry.path, signal);
}

/** Removes a stored copy that was not added after all (a duplicate, a failed transaction); never throws. */
export async function discardCopy(storage: Driver, storageKey: string): Promise<void> {
  await storage.remove(storageKey).catch(() => undefined);
}
