import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MemoryDriver, MemoryStore } from '../../../connectors/memory/memory-driver';
import { partialPathOf } from '../../../connectors/transfer/copy-file';
import { TransferActionError } from '../../../main/services/transfers/transfers-service';
import { sha256 } from '../../kit/test-streams';
import { TransferFixture, waitForTransfer } from './transfer-test-kit';

const KiB = 1024;
const MiB = 1024 * KiB;
const fixture = new TransferFixture();

beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

const exists = (file: string): Promise<boolean> =>
  stat(file).then(
    () => true,
    () => false,
  );

describe('TransfersService', () => {
  it('copies a file and a folder from a connector to the local disk, verified, and notifies once per batch', async () => {
    const report = await fixture.drivers.put('data/report.csv', 3 * MiB + 5);
    const a = await fixture.drivers.put('data/set/a.bin', 200 * KiB);
    const b = await fixture.drivers.put('data/set/deep/b.bin', 1);
    await fixture.drivers.put('data/set/empty.txt', 0);
    const service = fixture.start();
    const { batchId, transfers } = await service.enqueue(
      [
        { connectorId: 'mem', path: 'data/report.csv' },
        { connectorId: 'mem', path: 'data/set' },
      ],
      { connectorId: 'disk', path: 'downloads' },
    );
    expect(transfers.map((t) => [t.name, t.state])).toEqual([
      ['report.csv', 'queued'],
      ['set', 'queued'],
    ]);
    const file = await waitForTransfer(service, transfers[0]!.id, 'done');
    const folder = await waitForTransfer(service, transfers[1]!.id, 'done');
    expect(file).toMatchObject({
      kind: 'file',
      bytes: report.length,
      total: report.length,
      verification: 'client:sha256',
    });
    expect(folder).toMatchObject({ kind: 'folder', bytes: a.length + 1, files: { done: 3, failed: 0 } });
    expect(sha256(await readFile(fixture.disk('downloads/report.csv')))).toBe(sha256(report));
    expect(sha256(await readFile(fixture.disk('downloads/set/a.bin')))).toBe(sha256(a));
    expect(sha256(await readFile(fixture.disk('downloads/set/deep/b.bin')))).toBe(sha256(b));
    expect((await readFile(fixture.disk('downloads/set/empty.txt'))).length).toBe(0);
    expect(await readdir(fixture.disk('downloads'))).toEqual(['report.csv', 'set']);
    await vi.waitFor(() => expect(fixture.notifications).toHaveLength(1));
    expect(fixture.notifications[0]).toMatchObject({ kind: 'batch-completed', batchId, title: 'Transfers finished' });
    // Every state change reached the listeners: queued, running, done for each.
    const states = fixture.updates.filter((u) => u.id === file.id).map((u) => u.state);
    expect(states[0]).toBe('queued');
    expect(states).toContain('running');
    expect(states.at(-1)).toBe('done');
  });

  it('uploads a local file to a connector folder', async () => {
    const data = Buffer.from('id;name\n1;Ferry\n');
    await writeFile(fixture.disk('upload.csv'), data);
    const service = fixture.start();
    const { transfers } = await service.enqueue([{ connectorId: 'disk', path: 'upload.csv' }], {
      connectorId: 'mem',
      path: 'inbox',
    });
    await waitForTransfer(service, transfers[0]!.id, 'done');
    const stored = await new MemoryDriver({}, fixture.drivers.memory).stat('inbox/upload.csv');
    expect(stored.size).toBe(data.length);
  });

  it('pauses a running transfer keeping its partial, and resumes from it', async () => {
    const data = await fixture.drivers.put('big.bin', 4 * MiB);
    const service = fixture.start();
    service.setLimits({ bandwidthBytesPerSecond: 1 * MiB });
    const [transfer] = (
      await service.enqueue([{ connectorId: 'mem', path: 'big.bin' }], { connectorId: 'disk', path: '' })
    ).transfers;
    await waitForTransfer(service, transfer!.id, 'running', (t) => t.bytes > 600 * KiB);
    const paused = await service.pause(transfer!.id);
    expect(paused.state).toBe('paused');
    const partial = await stat(fixture.disk(partialPathOf('big.bin')));
    expect(partial.size).toBeGreaterThan(0);
    expect(await exists(fixture.disk('big.bin'))).toBe(false);
    // Nothing moves while paused.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await stat(fixture.disk(partialPathOf('big.bin')))).size).toBe(partial.size);

    service.setLimits({ bandwidthBytesPerSecond: null });
    expect(service.resume(transfer!.id).state).toBe('queued');
    const done = await waitForTransfer(service, transfer!.id, 'done');
    expect(done.bytes).toBe(data.length);
    expect(sha256(await readFile(fixture.disk('big.bin')))).toBe(sha256(data));
    // The second read started where the partial ended.
    const reads = fixture.drivers.reads.filter((r) => r.path === 'big.bin');
    expect(reads.map((r) => r.offset)).toEqual([0, partial.size]);
    expect(await readdir(fixture.drivers.diskRoot)).toEqual(['big.bin']);
  });

  it('cancels running, queued and paused transfers and removes their partial files', async () => {
    await fixture.drivers.put('one.bin', 4 * MiB);
    await fixture.drivers.put('two.bin', 1 * MiB);
    await fixture.drivers.put('three.bin', 4 * MiB);
    const service = fixture.start();
    service.setLimits({ concurrency: 1, bandwidthBytesPerSecond: 1 * MiB });
    const { transfers } = await service.enqueue(
      ['one.bin', 'two.bin', 'three.bin'].map((path) => ({ connectorId: 'mem', path })),
      { connectorId: 'disk', path: 'out' },
    );
    const [one, two, three] = transfers.map((t) => t.id) as [string, string, string];
    await waitForTransfer(service, one, 'running', (t) => t.bytes > 100 * KiB);
    expect(service.get(two).state).toBe('queued');
    expect((await service.cancel(two)).state).toBe('cancelled');
    expect((await service.cancel(one)).state).toBe('cancelled');
    expect(await exists(fixture.disk(partialPathOf('out/one.bin')))).toBe(false);

    await waitForTransfer(service, three, 'running', (t) => t.bytes > 100 * KiB);
    await service.pause(three);
    expect(await exists(fixture.disk(partialPathOf('out/three.bin')))).toBe(true);
    expect((await service.cancel(three)).state).toBe('cancelled');
    expect(await readdir(fixture.disk('out'))).toEqual([]);
    await expect(service.cancel(three)).rejects.toBeInstanceOf(TransferActionError);
    // A batch the user cancelled entirely raises no notification.
    expect(fixture.notifications).toEqual([]);
  });

  it('runs a transfer retried at once after its cancel, while the cancelled run still closes its connections', async () => {
    const data = await fixture.drivers.put('slow.bin', 2 * MiB);
    let closed = (): void => undefined;
    let closing = Promise.resolve();
    fixture.drivers.extra.set('slow-close', () => {
      const driver = new MemoryDriver({}, fixture.drivers.memory);
      driver.close = () => closing;
      return driver;
    });
    const service = fixture.start();
    service.setLimits({ concurrency: 2, bandwidthBytesPerSecond: 1 * MiB });
    const { transfers } = await service.enqueue([{ connectorId: 'slow-close', path: 'slow.bin' }], {
      connectorId: 'disk',
      path: '',
    });
    const id = transfers[0]!.id;
    await waitForTransfer(service, id, 'running', (t) => t.bytes > 0);
    closing = new Promise<void>((resolve) => (closed = resolve));
    const cancelling = service.cancel(id);
    // The user sees 'Cancelled' and presses Retry before the old run has closed its drivers.
    await waitForTransfer(service, id, 'cancelled');
    service.setLimits({ bandwidthBytesPerSecond: null });
    expect(service.retry(id).state).toBe('queued');
    closed();
    await cancelling;
    await waitForTransfer(service, id, 'done');
    expect(await readFile(fixture.disk('slow.bin'))).toEqual(data);
  });

  it('fails with the connector error, notifies in the user language, and a retry succeeds', async () => {
    const service = fixture.start({ language: () => 'fr' });
    const { transfers } = await service.enqueue([{ connectorId: 'mem', path: 'later.csv' }], {
      connectorId: 'disk',
      path: '',
    });
    const failed = await waitForTransfer(service, transfers[0]!.id, 'failed');
    expect(failed.error).toMatchObject({ code: 'NotFound' });
    await vi.waitFor(() => expect(fixture.notifications).toHaveLength(1));
    expect(fixture.notifications[0]).toMatchObject({ kind: 'batch-failed', title: 'Échec du transfert' });
    expect(fixture.notifications[0]!.body).toContain('« later.csv »');
    expect(() => service.resume(failed.id)).toThrow(TransferActionError);

    const data = await fixture.drivers.put('later.csv', 1000);
    expect(service.retry(failed.id)).toMatchObject({ state: 'queued', error: null });
    await waitForTransfer(service, failed.id, 'done');
    expect(await readFile(fixture.disk('later.csv'))).toEqual(data);
    await vi.waitFor(() => expect(fixture.notifications).toHaveLength(2));
    expect(fixture.notifications[1]).toMatchObject({ kind: 'batch-completed', title: 'Transferts terminés' });
  });

  it('reports a folder with some failed files as failed, naming the first, and a retry skips the copied files', async () => {
    await fixture.drivers.put('set/a.bin', 1000);
    await fixture.drivers.put('set/b.bin', 2000);
    const small = new MemoryStore();
    fixture.drivers.extra.set('small', () => new MemoryDriver({ maxObjectSize: 1500 }, small));
    const service = fixture.start();
    const { transfers } = await service.enqueue([{ connectorId: 'mem', path: 'set' }], {
      connectorId: 'small',
      path: '',
    });
    const failed = await waitForTransfer(service, transfers[0]!.id, 'failed');
    expect(failed.files).toEqual({ done: 1, failed: 1, skipped: 0 });
    expect(failed.error).toMatchObject({ code: 'QuotaExceeded', path: 'set/b.bin' });
    expect(failed.error?.message).toContain('1 of 2 files failed');

    fixture.drivers.extra.set('small', () => new MemoryDriver({}, undefined));
    fixture.drivers.reads.length = 0;
    service.retry(failed.id);
    const done = await waitForTransfer(service, failed.id, 'done');
    expect(done.files).toEqual({ done: 2, failed: 0, skipped: 0 });
    expect(fixture.drivers.reads.map((r) => r.path)).toEqual(['set/b.bin']);
  });

  it('applies a higher concurrency at once to waiting transfers', async () => {
    for (const name of ['a', 'b', 'c']) await fixture.drivers.put(`${name}.bin`, 2 * MiB);
    const service = fixture.start();
    service.setLimits({ concurrency: 1, bandwidthBytesPerSecond: 512 * KiB });
    const { transfers } = await service.enqueue(
      ['a', 'b', 'c'].map((n) => ({ connectorId: 'mem', path: `${n}.bin` })),
      { connectorId: 'disk', path: '' },
    );
    await waitForTransfer(service, transfers[0]!.id, 'running', (t) => t.bytes > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(service.list().map((t) => t.state)).toEqual(['running', 'queued', 'queued']);
    service.setLimits({ concurrency: 3 });
    await vi.waitFor(() => expect(service.list().map((t) => t.state)).toEqual(['running', 'running', 'running']));
    for (const t of transfers) await service.cancel(t.id);
  });

  it('applies a bandwidth change to a running transfer', async () => {
    await fixture.drivers.put('stream.bin', 32 * MiB);
    const service = fixture.start();
    service.setLimits({ bandwidthBytesPerSecond: 256 * KiB });
    const [transfer] = (
      await service.enqueue([{ connectorId: 'mem', path: 'stream.bin' }], { connectorId: 'disk', path: '' })
    ).transfers;
    const id = transfer!.id;
    await waitForTransfer(service, id, 'running', (t) => t.bytes > 0);
    const window = async (): Promise<number> => {
      const start = service.get(id).bytes;
      await new Promise((resolve) => setTimeout(resolve, 1500));
      return service.get(id).bytes - start;
    };
    const slow = await window();
    service.setLimits({ bandwidthBytesPerSecond: 4 * MiB });
    expect(service.bandwidthRate).toBe(4 * MiB);
    const fast = await window();
    expect(service.get(id).state).toBe('running');
    // Loose on purpose (2 shared cores): the new rate is 16x the old one.
    expect(slow).toBeLessThan(1.5 * MiB);
    expect(fast).toBeGreaterThan(3 * slow);
    expect(fast).toBeGreaterThan(2 * MiB);
    await service.cancel(id);
  });

  it('refuses unknown connectors, the root as a source and a folder copied into itself', async () => {
    const service = fixture.start();
    await expect(
      service.enqueue([{ connectorId: 'nope', path: 'a' }], { connectorId: 'disk', path: '' }),
    ).rejects.toThrow(/Unknown connector nope/);
    await expect(
      service.enqueue([{ connectorId: 'mem', path: '' }], { connectorId: 'disk', path: '' }),
    ).rejects.toThrow(/not its root/);
    await expect(
      service.enqueue([{ connectorId: 'mem', path: 'set' }], { connectorId: 'mem', path: 'set/inner' }),
    ).rejects.toThrow(/into itself/);
    await expect(
      service.enqueue([{ connectorId: 'mem', path: '../etc/passwd' }], { connectorId: 'disk', path: '' }),
    ).rejects.toBeInstanceOf(TransferActionError);
    expect(service.list()).toEqual([]);
  });

  it('remembers the limits and validates them', async () => {
    const service = fixture.start();
    expect(service.limits()).toEqual({ concurrency: 3, bandwidthBytesPerSecond: null });
    service.setLimits({ concurrency: 5, bandwidthBytesPerSecond: 2 * MiB });
    expect(() => service.setLimits({ concurrency: 0 })).toThrow();
    await service.close();
    expect(fixture.start().limits()).toEqual({ concurrency: 5, bandwidthBytesPerSecond: 2 * MiB });
  });
});

describe('TransfersService across a restart', () => {
  it('resumes a running file from its partial, brings back the queue, and keeps the history', async () => {
    const done = await fixture.drivers.put('done.bin', 1000);
    const big = await fixture.drivers.put('big.bin', 4 * MiB);
    const waiting = await fixture.drivers.put('waiting.bin', 3000);
    const first = fixture.start();
    const [finished] = (
      await first.enqueue([{ connectorId: 'mem', path: 'done.bin' }], { connectorId: 'disk', path: '' })
    ).transfers;
    await waitForTransfer(first, finished!.id, 'done');
    first.setLimits({ concurrency: 1, bandwidthBytesPerSecond: 1 * MiB });
    const { transfers } = await first.enqueue(
      [
        { connectorId: 'mem', path: 'big.bin' },
        { connectorId: 'mem', path: 'waiting.bin' },
      ],
      { connectorId: 'disk', path: '' },
    );
    const [bigId, waitingId] = transfers.map((t) => t.id) as [string, string];
    await waitForTransfer(first, bigId, 'running', (t) => t.bytes > 700 * KiB);
    await first.close();
    const partial = (await stat(fixture.disk(partialPathOf('big.bin')))).size;
    expect(partial).toBeGreaterThan(0);
    await expect(
      first.enqueue([{ connectorId: 'mem', path: 'done.bin' }], { connectorId: 'disk', path: '' }),
    ).rejects.toThrow(/shutting down/);

    const second = fixture.start();
    second.setLimits({ bandwidthBytesPerSecond: null });
    expect(second.list().map((t) => [t.name, t.state === 'running' ? 'queued' : t.state])).toEqual([
      ['done.bin', 'done'],
      ['big.bin', 'queued'],
      ['waiting.bin', 'queued'],
    ]);
    await waitForTransfer(second, bigId, 'done');
    await waitForTransfer(second, waitingId, 'done');
    expect(sha256(await readFile(fixture.disk('big.bin')))).toBe(sha256(big));
    expect(await readFile(fixture.disk('waiting.bin'))).toEqual(waiting);
    expect(await readFile(fixture.disk('done.bin'))).toEqual(done);
    const bigReads = fixture.drivers.reads.filter((r) => r.path === 'big.bin').map((r) => r.offset);
    expect(bigReads).toEqual([0, partial]);

    expect(second.clearFinished()).toHaveLength(3);
    await second.close();
    expect(fixture.start().list()).toEqual([]);
  });

  it('keeps a paused transfer paused, and a folder resumes without copying its finished files again', async () => {
    await fixture.drivers.put('set/1.bin', 300 * KiB);
    await fixture.drivers.put('set/2.bin', 300 * KiB);
    await fixture.drivers.put('set/3.bin', 300 * KiB);
    await fixture.drivers.put('paused.bin', 2 * MiB);
    const first = fixture.start();
    first.setLimits({ concurrency: 1, bandwidthBytesPerSecond: 512 * KiB });
    const { transfers } = await first.enqueue(
      [
        { connectorId: 'mem', path: 'paused.bin' },
        { connectorId: 'mem', path: 'set' },
      ],
      { connectorId: 'disk', path: '' },
    );
    const [pausedId, folderId] = transfers.map((t) => t.id) as [string, string];
    await first.pause(pausedId);
    await waitForTransfer(first, folderId, 'running', (t) => t.files.done >= 1);
    await first.close();

    fixture.drivers.reads.length = 0;
    const second = fixture.start();
    second.setLimits({ bandwidthBytesPerSecond: null });
    const folder = await waitForTransfer(second, folderId, 'done');
    expect(folder.files).toEqual({ done: 3, failed: 0, skipped: 0 });
    expect(fixture.drivers.reads.map((r) => r.path)).not.toContain('set/1.bin');
    expect(second.get(pausedId).state).toBe('paused');
    expect(await readdir(fixture.disk('set'))).toEqual(['1.bin', '2.bin', '3.bin']);
  });
});
