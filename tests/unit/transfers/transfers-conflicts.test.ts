import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { TransferActionError } from '../../../main/services/transfers/transfers-service';
import type { Transfer } from '../../../shared/ipc/transfers-ipc';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { sshdSftpOptions } from '../../kit/server-options';
import { sha256, streamOf } from '../../kit/test-streams';
import { TransferFixture, waitForTransfer } from './transfer-test-kit';

const KiB = 1024;
const fixture = new TransferFixture();

beforeEach(() => fixture.setUp());
afterEach(() => fixture.tearDown());

// A different file already at the destination, with an old modification time.
async function existing(relative: string, data: Buffer | string): Promise<void> {
  await mkdir(path.dirname(fixture.disk(relative)), { recursive: true });
  await writeFile(fixture.disk(relative), data);
  await utimes(fixture.disk(relative), new Date('2024-01-02T03:04:05Z'), new Date('2024-01-02T03:04:05Z'));
}

async function download(...paths: string[]): Promise<Transfer[]> {
  const service = fixture.services.at(-1)!;
  const sources = paths.map((p) => ({ connectorId: 'mem', path: p }));
  return (await service.enqueue(sources, { connectorId: 'disk', path: 'downloads' })).transfers;
}

const waiting = (id: string): Promise<Transfer> => waitForTransfer(fixture.services.at(-1)!, id, 'waiting');
const settle = (ms = 300): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('TransfersService: a file already at the destination', () => {
  it('waits for an answer, writes nothing meanwhile, and describes both files', async () => {
    const incoming = await fixture.drivers.put('report.csv', 3 * KiB);
    await existing('downloads/report.csv', 'mine, not yours');
    const service = fixture.start();
    const [transfer] = await download('report.csv');
    const asked = await waiting(transfer!.id);
    expect(asked.state === 'waiting' && asked.conflict).toEqual({
      sourcePath: 'report.csv',
      path: 'downloads/report.csv',
      existing: { kind: 'file', size: 15, modifiedAt: Date.parse('2024-01-02T03:04:05Z') },
      incoming: { size: incoming.length, modifiedAt: expect.any(Number) },
      // Not a prefix of the incoming file: resume is not offered.
      choices: ['overwrite', 'skip', 'keepBoth'],
      more: 0,
    });
    await settle();
    expect(service.get(transfer!.id).state).toBe('waiting');
    expect(await readFile(fixture.disk('downloads/report.csv'), 'utf8')).toBe('mine, not yours');
    // The user hears of it even with the window closed (once per batch).
    expect(fixture.notifications).toEqual([
      expect.objectContaining({
        kind: 'batch-waiting',
        batchId: transfer!.batchId,
        title: 'A transfer needs your answer',
      }),
    ]);
    // No partial either: nothing was written at all.
    expect(await readdir(fixture.disk('downloads'))).toEqual(['report.csv']);
    // A waiting transfer is not paused; it can be cancelled, leaving the file as it was.
    await expect(service.pause(transfer!.id)).rejects.toThrow(TransferActionError);
    expect((await service.cancel(transfer!.id)).state).toBe('cancelled');
    expect(await readFile(fixture.disk('downloads/report.csv'), 'utf8')).toBe('mine, not yours');
  });

  it('overwrite replaces it, verified', async () => {
    const incoming = await fixture.drivers.put('report.csv', 2 * KiB);
    await existing('downloads/report.csv', 'old');
    const service = fixture.start();
    const [transfer] = await download('report.csv');
    await waiting(transfer!.id);
    // Queued again at once (already running when a slot is free).
    expect(['queued', 'running']).toContain(service.resolveConflict(transfer!.id, 'overwrite', false).state);
    const done = await waitForTransfer(service, transfer!.id, 'done');
    expect(done).toMatchObject({ outcome: { kind: 'overwritten' }, verification: 'client:sha256', files: { done: 1 } });
    expect(sha256(await readFile(fixture.disk('downloads/report.csv')))).toBe(sha256(incoming));
  });

  it('skip leaves it and ends the transfer as skipped', async () => {
    await fixture.drivers.put('report.csv', 2 * KiB);
    await existing('downloads/report.csv', 'old');
    const service = fixture.start();
    const [transfer] = await download('report.csv');
    await waiting(transfer!.id);
    service.resolveConflict(transfer!.id, 'skip', false);
    const done = await waitForTransfer(service, transfer!.id, 'done');
    expect(done).toMatchObject({ outcome: { kind: 'skipped' }, files: { done: 0, skipped: 1 }, bytes: 0 });
    expect(await readFile(fixture.disk('downloads/report.csv'), 'utf8')).toBe('old');
    expect(await readdir(fixture.disk('downloads'))).toEqual(['report.csv']);
  });

  it('keep both copies beside it under the first free "(n)" name, never replacing', async () => {
    const incoming = await fixture.drivers.put('report.csv', 2 * KiB);
    await existing('downloads/report.csv', 'old');
    await existing('downloads/report (2).csv', 'older');
    const service = fixture.start();
    const [transfer] = await download('report.csv');
    await waiting(transfer!.id);
    service.resolveConflict(transfer!.id, 'keepBoth', false);
    const done = await waitForTransfer(service, transfer!.id, 'done');
    expect(done.outcome).toEqual({ kind: 'keptBoth', name: 'report (3).csv' });
    expect(await readFile(fixture.disk('downloads/report.csv'), 'utf8')).toBe('old');
    expect(await readFile(fixture.disk('downloads/report (2).csv'), 'utf8')).toBe('older');
    expect(sha256(await readFile(fixture.disk('downloads/report (3).csv')))).toBe(sha256(incoming));
  });

  it('offers resume over a shorter file that is the beginning of the incoming one, and continues it', async () => {
    const incoming = await fixture.drivers.put('big.bin', 512 * KiB);
    await existing('downloads/big.bin', incoming.subarray(0, 200 * KiB));
    const service = fixture.start();
    const [transfer] = await download('big.bin');
    const asked = await waiting(transfer!.id);
    expect(asked.state === 'waiting' && asked.conflict.choices).toEqual(['overwrite', 'skip', 'keepBoth', 'resume']);
    fixture.drivers.reads.length = 0;
    service.resolveConflict(transfer!.id, 'resume', false);
    const done = await waitForTransfer(service, transfer!.id, 'done');
    expect(done.outcome).toEqual({ kind: 'resumed' });
    expect(sha256(await readFile(fixture.disk('downloads/big.bin')))).toBe(sha256(incoming));
    // It read the source from where the existing file ended.
    expect(fixture.drivers.reads.filter((r) => r.path === 'big.bin').map((r) => r.offset)).toContain(200 * KiB);
    expect(await readdir(fixture.disk('downloads'))).toEqual(['big.bin']);
  });

  it('does not offer resume over a shorter file with other bytes, and refuses answers not offered', async () => {
    const incoming = await fixture.drivers.put('big.bin', 64 * KiB);
    const other = Buffer.from(incoming.subarray(0, 10 * KiB));
    other[5] = other[5]! ^ 0xff;
    await existing('downloads/big.bin', other);
    const service = fixture.start();
    const [transfer] = await download('big.bin');
    const asked = await waiting(transfer!.id);
    expect(asked.state === 'waiting' && asked.conflict.choices).not.toContain('resume');
    expect(() => service.resolveConflict(transfer!.id, 'resume', false)).toThrow(TransferActionError);
    expect(service.get(transfer!.id).state).toBe('waiting');
  });

  it('skips an identical file without asking', async () => {
    const incoming = await fixture.drivers.put('same.bin', 100 * KiB);
    await existing('downloads/same.bin', incoming);
    const before = await stat(fixture.disk('downloads/same.bin'));
    const service = fixture.start();
    const [transfer] = await download('same.bin');
    const done = await waitForTransfer(service, transfer!.id, 'done');
    expect(done).toMatchObject({ outcome: { kind: 'identical' }, files: { skipped: 1 }, bytes: incoming.length });
    expect(fixture.updates.filter((u) => u.id === transfer!.id).map((u) => u.state)).not.toContain('waiting');
    expect((await stat(fixture.disk('downloads/same.bin'))).mtimeMs).toBe(before.mtimeMs);
  });

  it('a file of the same size with other bytes is not "identical": it asks', async () => {
    const incoming = await fixture.drivers.put('same-size.bin', 4 * KiB);
    const other = Buffer.from(incoming);
    other[100] = other[100]! ^ 0xff;
    await existing('downloads/same-size.bin', other);
    fixture.start();
    const [transfer] = await download('same-size.bin');
    const asked = await waiting(transfer!.id);
    expect(asked.state === 'waiting' && asked.conflict.existing.size).toBe(incoming.length);
  });

  it('"apply to all" answers every conflict of the batch, and only of that batch', async () => {
    for (const name of ['a.csv', 'b.csv', 'c.csv']) {
      await fixture.drivers.put(name, KiB);
      await existing(`downloads/${name}`, `old ${name}`);
    }
    const service = fixture.start();
    service.setLimits({ concurrency: 1 });
    const batch = await download('a.csv', 'b.csv');
    const [a, b] = batch.map((t) => t.id) as [string, string];
    const [later] = await download('c.csv');
    await waiting(a);
    await waiting(b);
    await waiting(later!.id);
    // One notification per batch, not per file.
    expect(fixture.notifications.filter((n) => n.kind === 'batch-waiting')).toHaveLength(2);
    service.resolveConflict(a, 'keepBoth', true);
    await waitForTransfer(service, a, 'done');
    const bDone = await waitForTransfer(service, b, 'done');
    expect(bDone.outcome).toEqual({ kind: 'keptBoth', name: 'b (2).csv' });
    // Another batch keeps asking.
    await settle();
    expect(service.get(later!.id).state).toBe('waiting');
    expect((await readdir(fixture.disk('downloads'))).sort()).toEqual([
      'a (2).csv',
      'a.csv',
      'b (2).csv',
      'b.csv',
      'c.csv',
    ]);
  });

  it('"apply to all" also answers files of the batch that meet a conflict later', async () => {
    await fixture.drivers.put('a.csv', KiB);
    await fixture.drivers.put('b.csv', 2 * KiB);
    await existing('downloads/a.csv', 'old a');
    const service = fixture.start();
    const [a, b] = await download('a.csv', 'b.csv');
    await service.pause(b!.id);
    await waiting(a!.id);
    service.resolveConflict(a!.id, 'skip', true);
    await waitForTransfer(service, a!.id, 'done');
    // b.csv appears at the destination after the answer, then b runs: the batch's answer holds for it too.
    await existing('downloads/b.csv', 'old b');
    service.resume(b!.id);
    const done = await waitForTransfer(service, b!.id, 'done');
    expect(done.outcome).toEqual({ kind: 'skipped' });
    expect(fixture.updates.filter((u) => u.id === b!.id).map((u) => u.state)).not.toContain('waiting');
    expect(await readFile(fixture.disk('downloads/b.csv'), 'utf8')).toBe('old b');
  });

  it('a folder copy copies new files, skips identical ones, and asks about each different one', async () => {
    const same = await fixture.drivers.put('set/same.bin', 2 * KiB);
    const fresh = await fixture.drivers.put('set/new.bin', 3 * KiB);
    const one = await fixture.drivers.put('set/deep/one.bin', 4 * KiB);
    const two = await fixture.drivers.put('set/two.bin', 5 * KiB);
    await existing('downloads/set/same.bin', same);
    await existing('downloads/set/deep/one.bin', 'old one');
    await existing('downloads/set/two.bin', 'old two');
    const service = fixture.start();
    const [folder] = await download('set');
    const first = await waiting(folder!.id);
    // The others went on meanwhile.
    expect(sha256(await readFile(fixture.disk('downloads/set/new.bin')))).toBe(sha256(fresh));
    expect(first).toMatchObject({ kind: 'folder', files: { done: 1, skipped: 1, failed: 0 } });
    expect(first.state === 'waiting' && first.conflict).toMatchObject({
      sourcePath: 'set/deep/one.bin',
      path: 'downloads/set/deep/one.bin',
      more: 1,
    });
    const second = service.resolveConflict(folder!.id, 'overwrite', false);
    expect(second.state === 'waiting' && second.conflict).toMatchObject({ sourcePath: 'set/two.bin', more: 0 });
    expect(await readFile(fixture.disk('downloads/set/two.bin'), 'utf8')).toBe('old two');
    service.resolveConflict(folder!.id, 'keepBoth', false);
    const done = await waitForTransfer(service, folder!.id, 'done');
    expect(done.files).toEqual({ done: 3, failed: 0, skipped: 1 });
    expect(sha256(await readFile(fixture.disk('downloads/set/deep/one.bin')))).toBe(sha256(one));
    expect(await readFile(fixture.disk('downloads/set/two.bin'), 'utf8')).toBe('old two');
    expect(sha256(await readFile(fixture.disk('downloads/set/two (2).bin')))).toBe(sha256(two));
    // The new file was not copied a second time by the run after the answers.
    expect(fixture.drivers.reads.filter((r) => r.path === 'set/new.bin')).toHaveLength(1);
  });

  it('a folder copy with "apply to all" asks once', async () => {
    for (const name of ['a', 'b', 'c']) {
      await fixture.drivers.put(`set/${name}.bin`, KiB);
      await existing(`downloads/set/${name}.bin`, `old ${name}`);
    }
    const service = fixture.start();
    const [folder] = await download('set');
    const asked = await waiting(folder!.id);
    expect(asked.state === 'waiting' && asked.conflict.more).toBe(2);
    service.resolveConflict(folder!.id, 'skip', true);
    const done = await waitForTransfer(service, folder!.id, 'done');
    expect(done.files).toEqual({ done: 0, failed: 0, skipped: 3 });
    for (const name of ['a', 'b', 'c']) {
      expect(await readFile(fixture.disk(`downloads/set/${name}.bin`), 'utf8')).toBe(`old ${name}`);
    }
  });
});

describe('TransfersService: a conflict across a restart', () => {
  it('stays waiting with its question, and the answer given after the restart is applied', async () => {
    const incoming = await fixture.drivers.put('report.csv', 2 * KiB);
    await existing('downloads/report.csv', 'old');
    const first = fixture.start();
    const [transfer] = await download('report.csv');
    const asked = await waiting(transfer!.id);
    await first.close();

    const second = fixture.start();
    const after = second.get(transfer!.id);
    expect(after.state).toBe('waiting');
    expect(after.state === 'waiting' && after.conflict).toEqual(asked.state === 'waiting' && asked.conflict);
    await settle();
    expect(second.get(transfer!.id).state).toBe('waiting');
    expect(await readFile(fixture.disk('downloads/report.csv'), 'utf8')).toBe('old');
    second.resolveConflict(transfer!.id, 'overwrite', false);
    await waitForTransfer(second, transfer!.id, 'done');
    expect(sha256(await readFile(fixture.disk('downloads/report.csv')))).toBe(sha256(incoming));
  });

  it('a folder keeps all its questions and the "apply to all" answer of its batch', async () => {
    for (const name of ['a', 'b']) {
      await fixture.drivers.put(`set/${name}.bin`, KiB);
      await existing(`downloads/set/${name}.bin`, `old ${name}`);
    }
    await fixture.drivers.put('x.bin', KiB);
    await existing('downloads/x.bin', 'old x');
    const first = fixture.start();
    first.setLimits({ concurrency: 1 });
    const [folder, file] = await download('set', 'x.bin');
    await waiting(folder!.id);
    await waiting(file!.id);
    first.resolveConflict(file!.id, 'skip', false);
    await waitForTransfer(first, file!.id, 'done');
    await first.close();

    const second = fixture.start();
    const again = second.get(folder!.id);
    expect(again.state === 'waiting' && again.conflict).toMatchObject({ sourcePath: 'set/a.bin', more: 1 });
    second.resolveConflict(folder!.id, 'keepBoth', true);
    const done = await waitForTransfer(second, folder!.id, 'done');
    expect(done.files).toEqual({ done: 2, failed: 0, skipped: 0 });
    expect((await readdir(fixture.disk('downloads/set'))).sort()).toEqual(['a (2).bin', 'a.bin', 'b (2).bin', 'b.bin']);
  });
});

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');

describe.skipIf(!sshd.available)('TransfersService: conflicts on a real SFTP server', () => {
  let server: SshdServer;
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => server?.dispose());
  beforeEach(() => fixture.drivers.extra.set('sftp', () => new SftpDriver(sshdSftpOptions(server))));
  // Files put there as the server's user (the folder is that user's, not this process's).
  const theirs = async (file: string, data: Buffer | string): Promise<void> => {
    const driver = new SftpDriver(sshdSftpOptions(server));
    try {
      await driver.write(file, streamOf(Buffer.from(data)));
    } finally {
      await driver.close();
    }
  };

  it('an upload over a different file waits, and an identical one is skipped without asking', async () => {
    const data = randomBytes(64 * KiB);
    const same = randomBytes(10 * KiB);
    await writeFile(fixture.disk('data.bin'), data);
    await writeFile(fixture.disk('same.bin'), same);
    await theirs('incoming/data.bin', 'theirs');
    await theirs('incoming/same.bin', same);
    const service = fixture.start();
    const { transfers } = await service.enqueue(
      [
        { connectorId: 'disk', path: 'data.bin' },
        { connectorId: 'disk', path: 'same.bin' },
      ],
      { connectorId: 'sftp', path: 'incoming' },
    );
    const [changed, identical] = transfers.map((t) => t.id) as [string, string];
    expect((await waitForTransfer(service, identical, 'done')).outcome).toEqual({ kind: 'identical' });
    const asked = await waitForTransfer(service, changed, 'waiting');
    expect(asked.state === 'waiting' && asked.conflict.existing.size).toBe(6);
    expect(await readFile(path.join(server.root, 'incoming/data.bin'), 'utf8')).toBe('theirs');
    service.resolveConflict(changed, 'keepBoth', false);
    await waitForTransfer(service, changed, 'done');
    expect(await readFile(path.join(server.root, 'incoming/data.bin'), 'utf8')).toBe('theirs');
    expect(sha256(await readFile(path.join(server.root, 'incoming/data (2).bin')))).toBe(sha256(data));
  });

  it('resume continues a shorter prefix left on the server', async () => {
    const data = randomBytes(300 * KiB);
    await writeFile(fixture.disk('big.bin'), data);
    await theirs('incoming/big.bin', data.subarray(0, 100 * KiB));
    const service = fixture.start();
    const [transfer] = (
      await service.enqueue([{ connectorId: 'disk', path: 'big.bin' }], { connectorId: 'sftp', path: 'incoming' })
    ).transfers;
    const asked = await waitForTransfer(service, transfer!.id, 'waiting');
    expect(asked.state === 'waiting' && asked.conflict.choices).toContain('resume');
    fixture.drivers.reads.length = 0;
    service.resolveConflict(transfer!.id, 'resume', false);
    expect((await waitForTransfer(service, transfer!.id, 'done')).outcome).toEqual({ kind: 'resumed' });
    expect(sha256(await readFile(path.join(server.root, 'incoming/big.bin')))).toBe(sha256(data));
    expect(fixture.drivers.reads.map((r) => r.offset)).toContain(100 * KiB);
  });
});
