import { type Readable, Transform } from 'node:stream';
import { cancelledError, ConnectorError } from '../connector-error';
import { destroyOnAbort } from '../stream-abort';

const MiB = 1024 * 1024;
const ignore = (): void => {};

/** A digest computed while a download streams and compared with the one the store keeps. */
export interface DigestCheck {
  /** How messages name it ('MD5', 'CRC32C'). */
  readonly label: string;
  update(chunk: Buffer): void;
  /** True when the digest of all bytes seen equals the stored one. */
  matches(): boolean;
}

/**
 * The stream handed to the caller for an object's body: the SDK's errors become ConnectorErrors (Cancelled after
 * an abort), closing it stops the download, and each check failing at the end fails the stream with Integrity.
 */
export function pipeObjectBody(
  body: Readable,
  how: {
    readonly path: string;
    readonly signal?: AbortSignal;
    readonly mapError: (error: unknown) => ConnectorError;
    readonly checks?: readonly DigestCheck[];
  },
): Readable {
  const p = how.path;
  const checks = how.checks ?? [];
  const out = new Transform({
    highWaterMark: MiB,
    transform(chunk: Buffer, _encoding, callback) {
      for (const check of checks) check.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      const failed = checks.find((check) => !check.matches());
      if (failed === undefined) return callback();
      callback(
        new ConnectorError('Integrity', `Downloaded bytes do not match the stored ${failed.label}: ${p}`, { path: p }),
      );
    },
  });
  body.on('error', (error) => {
    // Nobody may be reading yet (parallel ranges fail early): a consumer attaching later sees the `errored` state.
    out.once('error', ignore);
    out.destroy(how.signal?.aborted ? cancelledError(how.signal, p) : how.mapError(error));
  });
  out.on('close', () => body.destroy());
  body.pipe(out);
  destroyOnAbort(out, how.signal, p);
  return out;
}
