import { Readable } from 'node:stream';
import type { FileReader, FileSource, SliceResult } from 'tus-js-client';
import type { Driver } from '../../../connectors/driver';

/** A file on any connector, as the uploader hands it to tus-js-client instead of a Buffer or a stream. */
export interface DriverFile {
  readonly driver: Driver;
  /** The connector path of the file. */
  readonly path: string;
  /** Its size when it was hashed: the upload's length. */
  readonly size: number;
  readonly signal?: AbortSignal;
}

/** The source file no longer has the bytes it had when it was hashed (it shrank or was replaced). */
export class SourceChangedError extends Error {
  override readonly name = 'SourceChangedError';
}

/** A slice's body: a stream with its byte count, which tus-js-client's Node HTTP stack sends as Content-Length. */
type SizedReadable = Readable & { size: number };

/**
 * tus-js-client's FileReader over a connectors Driver: each chunk is one ranged read from the offset the server
 * asks for, streamed into the PATCH request, so resuming reads only the missing bytes and memory stays bounded
 * whatever the chunk size (a Readable input could not seek, a Buffer would hold a whole chunk).
 */
export class DriverFileReader implements FileReader {
  private readonly sources = new Set<DriverFileSource>();

  /** Opens a DriverFile (the only input this reader takes). */
  openFile(input: unknown): Promise<FileSource> {
    if (!isDriverFile(input)) return Promise.reject(new Error('DriverFileReader reads DriverFile inputs only.'));
    const source = new DriverFileSource(input);
    this.sources.add(source);
    return Promise.resolve(source);
  }

  /** Stops every read still open (after an abort tus-js-client closes nothing itself). */
  close(): void {
    for (const source of this.sources) source.close();
    this.sources.clear();
  }
}

function isDriverFile(value: unknown): value is DriverFile {
  const file = value as Partial<DriverFile> | null;
  return typeof file?.path === 'string' && typeof file.size === 'number' && typeof file.driver === 'object';
}

/** One file opened for upload: slices become ranged reads. */
class DriverFileSource implements FileSource {
  readonly size: number;
  private readonly open = new Set<Readable>();

  constructor(private readonly file: DriverFile) {
    this.size = file.size;
  }

  async slice(start: number, end: number): Promise<SliceResult> {
    // tus-js-client sends one chunk at a time: a read still open belongs to an attempt that was given up.
    this.close();
    const stop = Math.min(end, this.size);
    const length = Math.max(0, stop - start);
    const done = stop >= this.size;
    if (length === 0) return { value: null, done };
    const { driver, path, signal } = this.file;
    const ranged = driver.capabilities.rangedRead;
    // Without ranged reads the file is read from its start and the bytes before the offset are skipped.
    const source = await driver.read(path, {
      ...(ranged ? { range: { offset: start, length } } : {}),
      ...(signal === undefined ? {} : { signal }),
    });
    const body = Readable.from(window(source, ranged ? 0 : start, length, path), {
      objectMode: false,
    }) as SizedReadable;
    body.size = length;
    this.open.add(body);
    body.once('close', () => this.open.delete(body));
    return { value: body, done };
  }

  close(): void {
    for (const stream of this.open) stream.destroy();
    this.open.clear();
  }
}

/** Yields exactly `length` bytes of `source` after skipping `skip`, failing when the file has fewer. */
async function* window(source: Readable, skip: number, length: number, path: string): AsyncGenerator<Buffer> {
  let toSkip = skip;
  let left = length;
  try {
    for await (const chunk of source) {
      let buffer = chunk as Buffer;
      if (toSkip > 0) {
        const skipped = Math.min(toSkip, buffer.length);
        toSkip -= skipped;
        buffer = buffer.subarray(skipped);
      }
      if (buffer.length === 0) continue;
      if (buffer.length >= left) {
        yield buffer.subarray(0, left);
        left = 0;
        return;
      }
      left -= buffer.length;
      yield buffer;
    }
  } finally {
    source.destroy();
  }
  if (left > 0) throw new SourceChangedError(`${path} is shorter than when it was hashed: it changed.`);
}
