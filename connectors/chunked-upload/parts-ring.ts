import { cancelledError, ConnectorError } from '../connector-error';
import { type MultiHasher } from '../hashing';
import { type ChunkedUploadTarget } from './chunked-upload-target';

/** One part of an upload as the ring hands it to a protocol. */
export interface UploadPart {
  /** 1-based position of the part in the upload. */
  readonly number: number;
  readonly body: Buffer;
  /** Where the part starts in the whole upload. */
  readonly offset: number;
  /** True for the final part; only known with `lookahead` (false otherwise). */
  readonly last: boolean;
}

/** What a protocol does with a part: nothing (a resumed session already holds it) or one request. */
export type PartPlan =
  | { readonly kind: 'skip' }
  | {
      readonly kind: 'send';
      /** Runs when a slot is free, so it must read any session state (e.g. an offset) only then. */
      readonly send: () => Promise<unknown>;
    };

/** How the ring runs one upload's parts: the target's path, concurrency, size and callbacks, and the protocol's. */
export type PartsRingOptions = Omit<ChunkedUploadTarget, 'partSize' | 'resumeStore'> & {
  /** The store's limit on parts, and what it calls them ('part', 'block', 'chunk'), for the refusal. */
  readonly maxParts: number;
  readonly unit: 'part' | 'block' | 'chunk';
  /** Read one part ahead so a part knows whether it is the last (sessions that must name the total with it). */
  readonly lookahead?: boolean;
  /** Digests the caller asked for, fed every byte in order. */
  readonly hasher: MultiHasher;
  /** Called in order for every part, before it waits for a slot. */
  readonly plan: (part: UploadPart) => PartPlan;
};

/** What the ring sent: bytes and parts, skipped ones included. */
export interface PartsRingResult {
  readonly bytes: number;
  readonly parts: number;
}

/**
 * Sends an upload's parts with at most `concurrency` requests in flight. Parts complete out of order; each buffer
 * is released when its own request settled. The first failure stops reading, the requests in flight settle, and
 * it is thrown; an abort throws Cancelled; a byte count other than the announced size throws Integrity.
 */
export async function sendParts(parts: AsyncIterator<Buffer>, options: PartsRingOptions): Promise<PartsRingResult> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  let total = 0;
  let count = 0;
  try {
    let current = await parts.next();
    for (let number = 1; current.done !== true; number++) {
      if (failure !== undefined) break;
      const body = current.value;
      if (body.length === 0 && number > 1) break;
      if (number > options.maxParts) throw tooManyParts(options);
      const following = options.lookahead === true ? await parts.next() : undefined;
      const part: UploadPart = { number, body, offset: total, last: following?.done === true };
      options.hasher.update(body);
      total += body.length;
      count++;
      const plan = options.plan(part);
      if (plan.kind === 'skip') {
        options.onPart?.({ kind: 'skipped', part: number, bytes: body.length });
        options.release?.(body);
      } else {
        while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
        if (failure !== undefined) break;
        const task: Promise<void> = plan.send().then(
          () => {
            inFlight.delete(task);
            options.release?.(body);
            options.onPart?.({ kind: 'uploaded', part: number, bytes: body.length });
          },
          (error: unknown) => {
            inFlight.delete(task);
            options.release?.(body);
            failure ??= error;
          },
        );
        inFlight.add(task);
      }
      current = following ?? (await parts.next());
    }
    await Promise.all(inFlight);
  } catch (error) {
    await Promise.allSettled(inFlight);
    throw error;
  }
  if (failure !== undefined) throw failure;
  if (options.signal?.aborted) throw cancelledError(options.signal, options.path);
  if (options.size !== undefined && total !== options.size) {
    throw new ConnectorError('Integrity', `Expected ${options.size} bytes but received ${total}: ${options.path}`, {
      path: options.path,
    });
  }
  return { bytes: total, parts: count };
}

function tooManyParts(options: PartsRingOptions): ConnectorError {
  const unit = options.unit;
  return new ConnectorError(
    'QuotaExceeded',
    `More than ${options.maxParts.toLocaleString('en-US')} ${unit}s: ${options.path}`,
    {
      hint: `Increase the ${unit} size, or give the file size so the ${unit} size is chosen to fit.`,
    },
  );
}
