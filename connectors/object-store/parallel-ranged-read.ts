import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { cancelledError, ConnectorError } from '../connector-error';

const MiB = 1024 * 1024;
// A range retries itself a little before failing the whole read (the engine then retries the file from its offset).
const RANGE_RETRIES = 2;
const RETRY_DELAY_MS = 100;

/** When and how an object-store read is split into parallel ranged GETs. */
export interface RangedReadTuning {
  /** Reads of at least this many bytes are split; smaller ones stay one GET. */
  readonly cutoff: number;
  /** Bytes asked by each ranged GET (and the most one range holds in memory). */
  readonly chunkSize: number;
  /** Ranged GETs in flight at once; 1 turns splitting off. */
  readonly streams: number;
}

/**
 * rclone's defaults (--multi-thread-cutoff 256M, --multi-thread-streams 4): on loopback, where the servers share the
 * client's cores, splitting gained nothing measurable (issue 16), so only large files pay for the extra requests;
 * 8 MiB ranges beat 4 MiB ones there and hold 32 MiB at most.
 */
export const DEFAULT_RANGED_READ: RangedReadTuning = { cutoff: 256 * MiB, chunkSize: 8 * MiB, streams: 4 };

/** Whether a read of `span` bytes is split under `tuning`. */
export function splitsRead(span: number, tuning: RangedReadTuning): boolean {
  return tuning.streams > 1 && span >= tuning.cutoff && span > tuning.chunkSize;
}

/** Opens a stream of exactly `length` bytes of the object from `offset`; `signal` aborts that one request. */
export type GetRange = (offset: number, length: number, signal: AbortSignal) => Promise<Readable>;

/** What `parallelRangedRead` reads and how. */
export interface ParallelRangedRead {
  /** Connector path, for messages. */
  readonly path: string;
  /** First byte to read. */
  readonly start: number;
  /** One past the last byte to read. */
  readonly end: number;
  readonly tuning: RangedReadTuning;
  readonly getRange: GetRange;
  /**
   * The response already open from `start` (the one that told the size): its first range is read from it, the rest
   * of it discarded, which saves a round trip.
   */
  readonly first?: Readable;
  /** The store's error as a ConnectorError. */
  readonly mapError: (error: unknown) => ConnectorError;
  readonly signal?: AbortSignal;
}

/** One range being fetched: its bytes so far, until the consumer has taken them all. */
class RangeFetch {
  readonly buffers: Buffer[] = [];
  received = 0;
  done = false;
  readonly controller = new AbortController();
  body: Readable | undefined = undefined;

  constructor(
    readonly offset: number,
    readonly length: number,
  ) {}
}

/**
 * One stream of the bytes [start, end) in order, fetched as up to `tuning.streams` ranged GETs running ahead of the
 * consumer, as rclone's multi-thread streams do. Memory stays within `streams` ranges whatever the size: a new GET
 * starts only once the consumer has taken every byte of the oldest range. A range failing with Retryable asks again
 * for its missing bytes (twice at most); any other failure destroys the stream with the store's mapped error, a
 * range of the wrong length with Integrity; destroying the stream or aborting `signal` aborts every request.
 */
export function parallelRangedRead(read: ParallelRangedRead): Readable {
  const { path: p, start, end, tuning, signal } = read;
  const chunkSize = Math.max(1, tuning.chunkSize);
  const streams = Math.max(1, tuning.streams);
  const fetches: RangeFetch[] = [];
  let next = start;
  let first = read.first;
  let reading = false;

  const fail = (error: unknown): void => {
    if (out.destroyed) return;
    out.destroy(
      signal?.aborted ? cancelledError(signal, p) : error instanceof ConnectorError ? error : read.mapError(error),
    );
  };

  // Appends a response's bytes to `range`; only the already open first response may run past the range's end.
  const drain = async (range: RangeFetch, body: Readable, surplusAllowed: boolean): Promise<void> => {
    for await (const data of body) {
      let chunk = data as Buffer;
      const room = range.length - range.received;
      if (chunk.length > room) {
        if (!surplusAllowed) {
          throw new ConnectorError(
            'Integrity',
            `The store sent more than the ${range.length} bytes asked from offset ${range.offset}: ${p}`,
            { path: p },
          );
        }
        chunk = chunk.subarray(0, room);
      }
      range.buffers.push(chunk);
      range.received += chunk.length;
      if (reading) pump();
      if (surplusAllowed && range.received === range.length) break;
    }
    if (range.received !== range.length) {
      throw new ConnectorError(
        'Integrity',
        `The store sent ${range.received} of the ${range.length} bytes asked from offset ${range.offset}: ${p}`,
        { path: p },
      );
    }
  };

  // Fetches one range; a Retryable failure (a reset keep-alive connection, a 503) asks again for the bytes missing.
  const fetchRange = async (range: RangeFetch, opened: Readable | undefined): Promise<void> => {
    let body = opened;
    for (let attempt = 0; ; attempt += 1) {
      try {
        const missing = range.length - range.received;
        body ??= await read.getRange(range.offset + range.received, missing, range.controller.signal);
        range.body = body;
        if (out.destroyed) return void body.destroy();
        await drain(range, body, body === opened);
        break;
      } catch (error) {
        body?.destroy();
        const mapped = error instanceof ConnectorError ? error : read.mapError(error);
        if (out.destroyed || signal?.aborted || mapped.code !== 'Retryable' || attempt >= RANGE_RETRIES) throw mapped;
        await sleep(RETRY_DELAY_MS * (attempt + 1));
        if (out.destroyed) return;
        body = undefined;
      }
    }
    range.done = true;
    range.body?.destroy();
    if (reading) pump();
  };

  // Starts ranges until `streams` are held, the oldest one counting until the consumer has taken all its bytes.
  const refill = (): void => {
    while (!out.destroyed && fetches.length < streams && next < end) {
      const range = new RangeFetch(next, Math.min(chunkSize, end - next));
      next += range.length;
      fetches.push(range);
      const opened = first;
      first = undefined;
      fetchRange(range, opened).catch(fail);
    }
  };

  // Hands the oldest range's bytes to the consumer while it wants more.
  const pump = (): void => {
    while (!out.destroyed) {
      const head = fetches[0];
      if (head === undefined) {
        out.push(null);
        return;
      }
      const buffer = head.buffers.shift();
      if (buffer !== undefined) {
        if (!out.push(buffer)) {
          reading = false;
          return;
        }
        continue;
      }
      if (!head.done) return; // more bytes of this range are on their way: they call pump
      fetches.shift();
      refill();
    }
  };

  const out = new Readable({
    highWaterMark: 1 * MiB,
    read() {
      reading = true;
      pump();
    },
    destroy(error, callback) {
      for (const range of fetches) {
        range.controller.abort();
        range.body?.destroy();
      }
      first?.destroy();
      signal?.removeEventListener('abort', onAbort);
      callback(error);
    },
  });
  const onAbort = (): void => fail(new Error('aborted'));
  if (signal?.aborted) queueMicrotask(onAbort);
  else signal?.addEventListener('abort', onAbort, { once: true });
  refill();
  return out;
}
