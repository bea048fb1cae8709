import { PassThrough, type Readable, Writable } from 'node:stream';
import { cancelledError, ConnectorError } from '../connector-error';
import { type FtpsConnection } from './ftps-session';
import { mapFtpError } from './map-ftp-error';

/** The bytes [offset, end) of a file of `size` bytes. */
export interface DownloadRange {
  readonly offset: number;
  readonly end: number;
  readonly size: number;
}

/**
 * Streams a range of a file through REST + RETR on one pooled connection, handed back once through `giveBack`
 * (unhealthy when the transfer failed or was cut). A shorter range closes the connection once it has enough bytes.
 */
export function downloadRange(
  connection: FtpsConnection,
  remote: string,
  path: string,
  { offset, end, size }: DownloadRange,
  signal: AbortSignal | undefined,
  giveBack: (healthy: boolean) => void,
): Readable {
  const out = new PassThrough({ highWaterMark: 256 * 1024 });
  let remaining = end - offset;
  let finished = false;
  let released = false;
  const release = (healthy: boolean): void => {
    if (released) return;
    released = true;
    giveBack(healthy);
  };
  const sink = new Writable({
    highWaterMark: 256 * 1024,
    write: (chunk: Buffer, _encoding, callback) => {
      if (finished) return callback();
      const part = chunk.length > remaining ? chunk.subarray(0, remaining) : chunk;
      remaining -= part.length;
      out.write(part, () => callback());
      if (remaining === 0) {
        finished = true;
        out.end();
        // Stop the server sending the rest of the file: this connection cannot be reused.
        if (end < size) connection.client.close();
      }
    },
  });
  const onAbort = (): void => void out.destroy(cancelledError(signal, path));
  signal?.addEventListener('abort', onAbort, { once: true });
  out.once('close', () => {
    signal?.removeEventListener('abort', onAbort);
    if (!finished) {
      finished = true;
      connection.client.close();
      release(false);
    }
  });
  connection.client.downloadTo(sink, remote, offset).then(
    () => {
      if (remaining > 0 && !out.destroyed) {
        out.destroy(new ConnectorError('Retryable', `The server ended the download of ${path} early.`, { path }));
      }
      release(!connection.client.closed);
    },
    (error: unknown) => {
      if (!finished) out.destroy(mapFtpError(error, path));
      release(false);
    },
  );
  return out;
}
