import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sendParts, type PartsRingOptions, type UploadPart } from '../../../connectors/chunked-upload/parts-ring';
import { ResumeSlot } from '../../../connectors/chunked-upload/resume-slot';
import { ConnectorError } from '../../../connectors/connector-error';
import { MultiHasher } from '../../../connectors/hashing';
import { MemoryResumeStateStore, type UploadPartEvent } from '../../../connectors/resume-state-store';

async function* partsOf(sizes: readonly number[]): AsyncGenerator<Buffer> {
  for (const [index, size] of sizes.entries()) yield Buffer.alloc(size, index);
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function ring(overrides: Partial<PartsRingOptions> & Pick<PartsRingOptions, 'plan'>): PartsRingOptions {
  return { path: 'a.bin', concurrency: 3, maxParts: 100, unit: 'part', hasher: new MultiHasher(['md5']), ...overrides };
}

describe('sendParts', () => {
  it('keeps at most `concurrency` requests in flight, lets them finish out of order and releases every buffer', async () => {
    let inFlight = 0;
    let most = 0;
    const finished: number[] = [];
    const released: Buffer[] = [];
    const events: UploadPartEvent[] = [];
    const result = await sendParts(
      partsOf([4, 4, 4, 4, 4, 2]),
      ring({
        release: (part) => released.push(part),
        onPart: (event) => events.push(event),
        plan: ({ number }) => ({
          kind: 'send',
          send: async () => {
            most = Math.max(most, ++inFlight);
            // Earlier parts take longer: they complete after later ones.
            await delay(40 - number * 5);
            inFlight--;
            finished.push(number);
          },
        }),
      }),
    );
    expect(result).toEqual({ bytes: 22, parts: 6 });
    expect(most).toBe(3);
    expect(finished).not.toEqual([...finished].sort((a, b) => a - b));
    expect(released).toHaveLength(6);
    expect(
      events
        .filter((e) => e.kind === 'uploaded')
        .map((e) => e.part)
        .sort(),
    ).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('skips parts a resumed session holds, without a request', async () => {
    const sent: number[] = [];
    const events: UploadPartEvent[] = [];
    await sendParts(
      partsOf([4, 4, 1]),
      ring({
        onPart: (event) => events.push(event),
        plan: ({ number }) =>
          number === 2 ? { kind: 'skip' } : { kind: 'send', send: async () => void sent.push(number) },
      }),
    );
    expect(sent.sort()).toEqual([1, 3]);
    expect(events).toContainEqual({ kind: 'skipped', part: 2, bytes: 4 });
  });

  it('throws the first failure once the requests in flight settled, and reads no further', async () => {
    let read = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const part of partsOf([4, 4, 4, 4, 4, 4, 4, 4])) {
        read++;
        yield part;
      }
    }
    let started = 0;
    const settled: number[] = [];
    const error = await sendParts(
      counted(),
      ring({
        concurrency: 2,
        plan: ({ number }) => ({
          kind: 'send',
          send: async () => {
            started++;
            await delay(5);
            settled.push(number);
            if (number === 2) throw new ConnectorError('Retryable', 'part 2 failed');
          },
        }),
      }),
    ).catch((e: unknown) => e);
    expect((error as ConnectorError).message).toBe('part 2 failed');
    expect(read).toBeLessThan(8);
    expect(settled).toHaveLength(started);
  });

  it('tells the last part with lookahead, and sends in order with one slot', async () => {
    const seen: UploadPart[] = [];
    await sendParts(
      partsOf([4, 4, 3]),
      ring({
        concurrency: 1,
        lookahead: true,
        plan: (part) => (seen.push(part), { kind: 'send', send: async () => {} }),
      }),
    );
    expect(seen.map(({ number, offset, last }) => ({ number, offset, last }))).toEqual([
      { number: 1, offset: 0, last: false },
      { number: 2, offset: 4, last: false },
      { number: 3, offset: 8, last: true },
    ]);
  });

  it('fails with Integrity when the bytes differ from the announced size, QuotaExceeded past the part limit', async () => {
    const send = (): { kind: 'send'; send: () => Promise<void> } => ({ kind: 'send', send: async () => {} });
    await expect(sendParts(partsOf([4, 4]), ring({ size: 9, plan: send }))).rejects.toMatchObject({
      code: 'Integrity',
    });
    await expect(sendParts(partsOf([4, 4, 4]), ring({ maxParts: 2, unit: 'block', plan: send }))).rejects.toMatchObject(
      { code: 'QuotaExceeded', message: 'More than 2 blocks: a.bin' },
    );
  });
});

describe('ResumeSlot', () => {
  const schema = z.object({ id: z.string(), partSize: z.number() });

  it('loads back only a state that parses and fits', async () => {
    const store = new MemoryResumeStateStore();
    const slot = new ResumeSlot(store, 'k', schema);
    await slot.save({ id: 'u1', partSize: 8 });
    expect(await slot.load((s) => s.partSize === 8)).toEqual({ id: 'u1', partSize: 8 });
    expect(await slot.load((s) => s.partSize === 16)).toBeUndefined();
    await store.save('k', { id: 3 });
    expect(await slot.load(() => true)).toBeUndefined();
    expect(await new ResumeSlot(undefined, 'k', schema).load(() => true)).toBeUndefined();
  });

  it('keeps the state after a transient failure, drops it and discards the upload after any other', async () => {
    const store = new MemoryResumeStateStore();
    const slot = new ResumeSlot(store, 'k', schema);
    let discarded = 0;
    const how = {
      path: 'a.bin',
      mapError: (e: unknown) => e as ConnectorError,
      discard: async () => void discarded++,
    };
    await slot.save({ id: 'u1', partSize: 8 });
    const kept = await slot.settleFailure(new ConnectorError('Retryable', 'cut'), how);
    expect(kept.code).toBe('Retryable');
    expect(store.states.size).toBe(1);
    expect(discarded).toBe(0);
    await slot.settleFailure(new ConnectorError('Integrity', 'bad'), how);
    expect(store.states.size).toBe(0);
    expect(discarded).toBe(1);
    const controller = new AbortController();
    controller.abort();
    const cancelled = await slot.settleFailure(new Error('aborted'), { ...how, signal: controller.signal });
    expect(cancelled.code).toBe('Cancelled');
  });
});
