import { describe, expect, it } from 'vitest';
import { TransferQueue } from '../../../connectors/transfer/transfer-queue';

describe('TransferQueue', () => {
  it('runs at most `concurrency` tasks at once, and a raised limit applies at once', async () => {
    const queue = new TransferQueue(3);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const results = Array.from({ length: 10 }, (_, i) =>
      queue.add(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return i;
      }),
    );
    await Promise.resolve();
    expect(queue.running).toBe(3);
    expect(queue.waiting).toBe(7);
    queue.setConcurrency(5);
    expect(queue.running).toBe(5);
    while (queue.running + queue.waiting > 0) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(peak).toBe(5);
    await queue.onIdle();
  });

  it('passes failures to the caller and keeps going', async () => {
    const queue = new TransferQueue(1);
    const failing = queue.add(() => Promise.reject(new Error('boom')));
    const next = queue.add(async () => 'ok');
    await expect(failing).rejects.toThrow('boom');
    expect(await next).toBe('ok');
  });

  it('refuses a concurrency below one', () => {
    expect(() => new TransferQueue(0)).toThrow(RangeError);
  });
});
