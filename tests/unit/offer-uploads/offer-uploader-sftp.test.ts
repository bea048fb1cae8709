// An offer upload whose source is on SFTP: each tus chunk is one ranged read, and a resume reads from the offset.
import { randomBytes } from 'node:crypto';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Driver, ReadOptions } from '../../../connectors/driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { OfferUploader, type OfferUploadTarget } from '../../../main/services/offer-uploads/offer-uploader';
import { UploadUrlStore } from '../../../main/services/offer-uploads/upload-url-store';
import { sshdSftpOptions } from '../../kit/server-options';
import { sha256 } from '../../kit/test-streams';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd, type SshdServer } from '../../servers/sshd-server';
import { abortAfter, type ReadRecord, recordReads, settled } from './offer-upload-kit';
import { sha256Of, startTusTestServer, type TusTestServer } from './tus-test-server';

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const MiB = 1024 * 1024;

describe.skipIf(!sshd.available)('offer uploads from an SFTP connector (OpenSSH)', () => {
  let sftp: SshdServer;
  let server: TusTestServer;
  let driver: Driver;
  let dataDir: string;
  beforeAll(async () => {
    sftp = await startSshd();
  });
  afterAll(async () => sftp?.dispose());
  beforeEach(async () => {
    server = await startTusTestServer();
    driver = new SftpDriver(sshdSftpOptions(sftp));
    dataDir = mkdtempSync(path.join(tmpdir(), 'ferry-offer-upload-sftp-'));
  });
  afterEach(async () => {
    await driver.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('uploads in ranged reads, and after a cancel a new uploader reads only from the server offset', async () => {
    const data = randomBytes(20 * MiB + 321);
    await writeFile(path.join(sftp.root, 'daily.bin'), data);
    chownSync(path.join(sftp.root, 'daily.bin'), sftp.user.uid, sftp.user.gid);
    const target: OfferUploadTarget = {
      platformUrl: server.platformUrl,
      orgId: server.orgId,
      offerId: server.offerId,
      token: 'editor-token',
    };
    const storeFile = path.join(dataDir, 'offer-uploads.sqlite');

    server.behaviour.bytesPerSecond = 30 * MiB;
    const firstReads: ReadRecord[] = [];
    const first = new UploadUrlStore(storeFile);
    const stop = abortAfter(6 * MiB);
    await expect(
      new OfferUploader({ store: first, progressIntervalMs: 20 }).upload(target, {
        driver: recordReads(driver, firstReads),
        path: 'daily.bin',
        signal: stop.controller.signal,
        onProgress: stop.onProgress,
      }),
    ).rejects.toMatchObject({ code: 'cancelled' });
    const [remembered] = await first.findAllUploads();
    first.close();
    const offset = await settled(() => server.offsetOf(remembered!.uploadUrl!));
    expect(offset).toBeGreaterThan(0);
    expect(firstReads.slice(0, 2)).toEqual([
      { path: 'daily.bin', offset: 0 },
      { path: 'daily.bin', offset: 0, length: 8 * MiB },
    ]);

    server.behaviour.bytesPerSecond = null;
    server.resetCounters();
    const reads: ReadRecord[] = [];
    const second = new UploadUrlStore(storeFile);
    try {
      const result = await new OfferUploader({ store: second }).upload(target, {
        driver: recordReads(driver, reads),
        path: 'daily.bin',
      });
      expect(result).toMatchObject({ resumedFrom: offset, size: data.length, sha256: sha256(data) });
      expect(server.received).toBe(data.length - offset);
      const expected: ReadRecord[] = [{ path: 'daily.bin', offset: 0 }];
      for (let start = offset; start < data.length; start += 8 * MiB) {
        expected.push({ path: 'daily.bin', offset: start, length: Math.min(8 * MiB, data.length - start) });
      }
      expect(reads).toEqual(expected);
      expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
      expect(server.finished[0]?.metadata).toMatchObject({ filename: 'daily.bin', sha256: sha256(data) });
    } finally {
      second.close();
    }
  });

  it('an SFTP connection lost mid-upload is read again from the server offset once sshd is back', async () => {
    const data = randomBytes(20 * MiB);
    await writeFile(path.join(sftp.root, 'live.bin'), data);
    chownSync(path.join(sftp.root, 'live.bin'), sftp.user.uid, sftp.user.gid);
    const store = new UploadUrlStore(path.join(dataDir, 'offer-uploads.sqlite'));
    const reads: ReadRecord[] = [];
    let outage: Promise<void> | undefined;
    // sshd goes down (sessions killed) just as the second chunk's read starts, and comes back 300 ms later.
    const recorded = recordReads(driver, reads);
    const flaky = new Proxy(recorded, {
      get(target, property) {
        if (property !== 'read') return Reflect.get(target, property, target) as unknown;
        return async (file: string, options: ReadOptions = {}) => {
          const stream = await target.read(file, options);
          if (options.range?.offset === 8 * MiB && outage === undefined) {
            outage = sftp.stop().then(async () => {
              await new Promise((resolve) => setTimeout(resolve, 300));
              await sftp.start();
            });
          }
          return stream;
        };
      },
    });
    try {
      const result = await new OfferUploader({ store, retryDelays: [0, 500, 1000, 2000, 4000] }).upload(
        { platformUrl: server.platformUrl, orgId: server.orgId, offerId: server.offerId, token: 'editor-token' },
        { driver: flaky, path: 'live.bin' },
      );
      await outage;
      expect(outage).toBeDefined();
      expect(await sha256Of(server.fileOf(result.uploadUrl))).toBe(sha256(data));
      // The hash pass, the first chunk, the lost read of the second; then reads resume at the server's offset.
      const offsets = reads.map((r) => r.offset);
      expect(offsets.slice(0, 3)).toEqual([0, 0, 8 * MiB]);
      expect(offsets.length).toBeGreaterThan(4);
      expect(offsets.slice(3).every((o) => o >= 8 * MiB)).toBe(true);
      expect(server.created).toBe(1);
      expect(server.finished).toHaveLength(1);
    } finally {
      store.close();
    }
  });
});
