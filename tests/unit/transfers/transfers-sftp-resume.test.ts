import { randomBytes } from 'node:crypto';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { partialPathOf } from '../../../connectors/transfer/copy-file';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { sha256 } from '../../kit/test-streams';
import { TransferFixture, waitForTransfer } from './transfer-test-kit';
import { sshdSftpOptions } from '../../kit/server-options';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const MiB = 1024 * 1024;

describe.skipIf(!sshd.available)('transfers against OpenSSH: an app restart in the middle of a transfer', () => {
  let server: SshdServer;
  const fixture = new TransferFixture();
  beforeAll(async () => {
    server = await startSshd();
  });
  afterAll(async () => server?.dispose());
  beforeEach(async () => {
    await fixture.setUp();
    fixture.drivers.extra.set('sftp', () => new SftpDriver(sshdSftpOptions(server)));
  });
  afterEach(() => fixture.tearDown());

  it('an upload stopped by closing the service resumes from its partial after a restart and ends verified', async () => {
    const data = randomBytes(6 * MiB + 123);
    await writeFile(fixture.disk('dataset.bin'), data);
    const first = fixture.start();
    first.setLimits({ bandwidthBytesPerSecond: 2 * MiB });
    const [transfer] = (
      await first.enqueue([{ connectorId: 'disk', path: 'dataset.bin' }], { connectorId: 'sftp', path: 'incoming' })
    ).transfers;
    const id = transfer!.id;
    await waitForTransfer(first, id, 'running', (t) => t.bytes > 1 * MiB);
    await first.close();
    const partialOnServer = path.join(server.root, partialPathOf('incoming/dataset.bin'));
    const partial = (await stat(partialOnServer)).size;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(data.length);

    const second = fixture.start();
    second.setLimits({ bandwidthBytesPerSecond: null });
    const done = await waitForTransfer(second, id, 'done');
    expect(done).toMatchObject({ bytes: data.length, total: data.length, error: null });
    expect(done.verification).not.toBeNull();
    const uploaded = await readFile(path.join(server.root, 'incoming/dataset.bin'));
    expect(sha256(uploaded)).toBe(sha256(data));
    expect(await readdir(path.join(server.root, 'incoming'))).toEqual(['dataset.bin']);
    // It continued from the partial: the local source was read from the partial's end the second time, then
    // once more whole, to verify the resumed file by SHA-256 (SFTP offers no hash of its own).
    const reads = fixture.drivers.reads.filter((r) => r.path === 'dataset.bin').map((r) => r.offset);
    expect(reads).toEqual([0, partial, 0]);
  });

  it('a download stopped by closing the service resumes from its partial after a restart', async () => {
    const data = randomBytes(5 * MiB + 7);
    await writeFile(path.join(server.root, 'export.bin'), data);
    const first = fixture.start();
    first.setLimits({ bandwidthBytesPerSecond: 2 * MiB });
    const [transfer] = (
      await first.enqueue([{ connectorId: 'sftp', path: 'export.bin' }], { connectorId: 'disk', path: 'downloads' })
    ).transfers;
    await waitForTransfer(first, transfer!.id, 'running', (t) => t.bytes > 1 * MiB);
    await first.close();
    const partial = (await stat(fixture.disk(partialPathOf('downloads/export.bin')))).size;
    expect(partial).toBeGreaterThan(0);

    const second = fixture.start();
    second.setLimits({ bandwidthBytesPerSecond: null });
    const done = await waitForTransfer(second, transfer!.id, 'done');
    expect(done.bytes).toBe(data.length);
    expect(sha256(await readFile(fixture.disk('downloads/export.bin')))).toBe(sha256(data));
    expect(await readdir(fixture.disk('downloads'))).toEqual(['export.bin']);
  });
});
