import { type Readable, type Writable } from 'node:stream';
import { cancelledError } from './connector-error';

const ignore = (): void => {};

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
  const onAbort = (): void => {
    // Nobody may be reading yet (the writer is still opening its target): the error must not become uncaught.
    // A consumer that attaches later still sees it, through the stream's `errored` state.
    stream.once('error', ignore);
    stream.destroy(cancelledError(signal, path));
  };
  if (signal.aborted) {
    onAbort();
    return () => {};
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
