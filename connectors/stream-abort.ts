import { type Readable, type Writable } from 'node:stream';
import { cancelledError } from './connector-error';

/**
 * Destroys a stream with a Cancelled error when the signal aborts, so a consumer waiting on it wakes up.
 * Returns the function that detaches the listener (call it in `finally`).
 */
export function destroyOnAbort(
  stream: Readable | Writable,
  signal: AbortSignal | undefined,
  path?: string,
): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    stream.destroy(cancelledError(signal, path));
    return () => {};
  }
  const onAbort = (): void => {
    stream.destroy(cancelledError(signal, path));
  };
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
