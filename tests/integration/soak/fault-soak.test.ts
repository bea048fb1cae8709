// Fault-injection soak: a batch of files copies up to each real server and back through a proxy that cuts
// connections, stalls them and answers 503, at random (seeded) points. Afterwards every file is either at the
// destination exactly once with the source's bytes (read back around the proxy, no partial visible) or reported failed
// with a clear error: never a silent success. Bounded: a fault budget per server, then the proxy forwards faithfully.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, describe, expect, it } from 'vitest';
import { AzureBlobDriver } from '../../../connectors/azure-blob/azure-blob-driver';
import { type Driver } from '../../../connectors/driver';
import { FtpsDriver } from '../../../connectors/ftps/ftps-driver';
import { LocalDriver } from '../../../connectors/local/local-driver';
import { S3Driver } from '../../../connectors/s3/s3-driver';
import { SftpDriver } from '../../../connectors/sftp/sftp-driver';
import { copyTree, type TreeCopyResult } from '../../../connectors/transfer/copy-tree';
import { type FaultMix, type FaultProxy, startFaultProxy } from '../../kit/fault-proxy';
import { sshdSftpOptions, swiftS3Options, vsftpdFtpsOptions } from '../../kit/server-options';
import { azuriteAvailability, startAzurite } from '../../servers/azurite-server';
import { requireServer } from '../../servers/require-server';
import { SSHD_BINARY, startSshd } from '../../servers/sshd-server';
import { startSwift, swiftAvailability } from '../../servers/swift-server';
import { startVsftpd, VSFTPD_BINARY } from '../../servers/vsftpd-server';

const MiB = 1024 * 1024;
const FILES = 10;
const SEED = Number(process.env.FERRY_SOAK_SEED ?? 20261207);
// Retries come fast here: the proxy's faults are many and short, unlike a real outage.
const RETRY = { maxAttempts: 12, baseDelayMs: 50, maxDelayMs: 800 };

const scratch = mkdtempSync(path.join(os.tmpdir(), 'ferry-soak-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** The batch: files of 0 to 3 MiB with random bytes, two in a sub-folder, and their SHA-256. */
function makeBatch(dir: string): Map<string, string> {
  const digests = new Map<string, string>();
  mkdirSync(path.join(dir, 'sub'), { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const name = i < 2 ? `sub/part-${i}.bin` : `file-${i}.bin`;
    const data = i === 0 ? Buffer.alloc(0) : randomBytes(Math.floor((((i * 7919) % 30) / 10) * MiB) + 4096 * i);
    writeFileSync(path.join(dir, name), data);
    digests.set(name, createHash('sha256').update(data).digest('hex'));
  }
  return digests;
}

async function everything(driver: Driver, folder: string): Promise<string[]> {
  const names: string[] = [];
  const walk = async (at: string): Promise<void> => {
    let cursor: string | undefined;
    do {
      const page = await driver.list(at, cursor === undefined ? {} : { cursor });
      for (const entry of page.entries) {
        if (entry.type === 'directory') await walk(entry.path);
        else names.push(entry.path.slice(folder.length + 1));
      }
      cursor = page.cursor;
    } while (cursor !== undefined);
  };
  await walk(folder);
  return names.sort();
}

async function sha256Of(driver: Driver, file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of await driver.read(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Checks a copy's outcome against what is really at the destination, read around the proxy. */
async function expectHonest(
  result: TreeCopyResult,
  truth: Driver,
  folder: string,
  digests: ReadonlyMap<string, string>,
  prefix: string,
): Promise<void> {
  const relative = (p: string): string => p.slice(prefix.length + (prefix === '' ? 0 : 1));
  const copied = new Set(result.copied.map((c) => relative(c.path)));
  const failed = new Map(result.failed.map((f) => [relative(f.path), f.error]));
  for (const error of failed.values()) expect(error.message.length).toBeGreaterThan(10);
  expect(copied.size + failed.size).toBe(digests.size);
  const present = await everything(truth, folder);
  // No partial or second copy is visible: only names of the batch.
  expect(present.filter((name) => !digests.has(name))).toEqual([]);
  for (const name of copied) {
    expect(present, `${name} was reported copied`).toContain(name);
    expect(await sha256Of(truth, `${folder}/${name}`), name).toBe(digests.get(name));
  }
  for (const name of failed.keys()) {
    if (present.includes(name)) expect(await sha256Of(truth, `${folder}/${name}`), name).toBe(digests.get(name));
  }
  // The soak is meaningless if faults made everything fail.
  expect(copied.size).toBeGreaterThanOrEqual(digests.size / 2);
}

interface Target {
  /** The driver the copy uses, through the proxy. */
  readonly proxied: Driver;
  /** The same storage reached directly, to read back the truth. */
  readonly direct: Driver;
}

async function soak(name: string, proxy: FaultProxy, target: Target): Promise<void> {
  const source = path.join(scratch, `${name}-source`);
  const back = path.join(scratch, `${name}-back`);
  mkdirSync(back, { recursive: true });
  const digests = makeBatch(source);
  const local = new LocalDriver({ root: scratch });
  try {
    const up = await copyTree(
      { driver: local, path: `${name}-source` },
      { driver: target.proxied, path: 'soak' },
      { concurrency: 3, retry: RETRY },
    );
    await expectHonest(up, target.direct, 'soak', digests, `${name}-source`);
    const down = await copyTree(
      { driver: target.proxied, path: 'soak' },
      { driver: local, path: `${name}-back` },
      { concurrency: 3, retry: RETRY },
    );
    const arrived = new Map([...digests].filter(([file]) => up.copied.some((c) => c.path.endsWith(`/${file}`))));
    await expectHonest(down, local, `${name}-back`, arrived, 'soak');
    const { cuts, stalls, http503, connections } = proxy.counts;
    console.log(
      `soak ${name}: ${proxy.faults()} faults survived (${cuts} cuts, ${stalls} stalls, ${http503} x 503) over ` +
        `${connections} connections; ${up.failed.length + down.failed.length} files failed with a clear error`,
    );
    expect(proxy.faults()).toBeGreaterThan(0);
  } finally {
    await local.close();
    await target.proxied.close();
    await target.direct.close();
    await proxy.stop();
  }
}

const BYTES_BETWEEN: readonly [number, number] = [256 * 1024, 3 * MiB];
const STREAM_FAULTS: FaultMix = { cut: 2, stall: 1 };
const HTTP_FAULTS: FaultMix = { cut: 2, stall: 1, http503: 1 };

const sshd = requireServer('OpenSSH sshd', SSHD_BINARY, 'apt-get install openssh-server');
const vsftpd = requireServer('vsftpd', VSFTPD_BINARY, 'apt-get install vsftpd');
const swift = swiftAvailability();
const azurite = azuriteAvailability();

describe('fault-injection soak (loopback only)', () => {
  it.skipIf(!sshd.available)('SFTP (OpenSSH) through cuts and stalls', { timeout: 120_000 }, async () => {
    const server = await startSshd();
    try {
      const proxy = await startFaultProxy(server, {
        seed: SEED,
        mix: STREAM_FAULTS,
        maxFaults: 8,
        bytesBetween: BYTES_BETWEEN,
      });
      const options = sshdSftpOptions(server);
      await soak('sftp', proxy, {
        proxied: new SftpDriver({ ...options, port: proxy.port }),
        direct: new SftpDriver(options),
      });
    } finally {
      await server.dispose();
    }
  });

  it.skipIf(!vsftpd.available)(
    'FTPS (vsftpd) through cuts and stalls of the control connection',
    { timeout: 120_000 },
    async () => {
      const server = await startVsftpd({ tls: 'explicit' });
      try {
        // Passive data connections go straight to vsftpd (it names its own address): the proxy faults the control one.
        const proxy = await startFaultProxy(server, {
          seed: SEED + 1,
          mix: STREAM_FAULTS,
          maxFaults: 6,
          bytesBetween: [2_000, 20_000],
        });
        const options = vsftpdFtpsOptions(server);
        await soak('ftps', proxy, {
          proxied: new FtpsDriver({ ...options, port: proxy.port }),
          direct: new FtpsDriver(options),
        });
      } finally {
        await server.dispose();
      }
    },
  );

  it.skipIf(!swift.available)('S3 (Swift s3api) through cuts, stalls and 503s', { timeout: 150_000 }, async () => {
    const server = await startSwift();
    try {
      const direct = new S3Driver(swiftS3Options(server, 'soak', { partSizeMiB: 5 }));
      await direct.client.send(new CreateBucketCommand({ Bucket: 'soak' }));
      const proxy = await startFaultProxy(
        { host: '127.0.0.1', port: Number(new URL(server.endpoint).port) },
        { seed: SEED + 2, mix: HTTP_FAULTS, maxFaults: 10, bytesBetween: BYTES_BETWEEN },
      );
      await soak('s3', proxy, {
        proxied: new S3Driver(
          swiftS3Options(server, 'soak', { partSizeMiB: 5, endpoint: `http://127.0.0.1:${proxy.port}` }),
        ),
        direct,
      });
    } finally {
      await server.stop();
    }
  });

  it.skipIf(!azurite.available)(
    'Azure Blob (Azurite) through cuts, stalls and 503s',
    { timeout: 120_000 },
    async () => {
      const server = await startAzurite();
      try {
        await BlobServiceClient.fromConnectionString(server.connectionString).createContainer('soak');
        const port = Number(new URL(server.accountUrl).port);
        const proxy = await startFaultProxy(
          { host: '127.0.0.1', port },
          { seed: SEED + 3, mix: HTTP_FAULTS, maxFaults: 10, bytesBetween: BYTES_BETWEEN },
        );
        const driver = (connectionString: string): AzureBlobDriver =>
          new AzureBlobDriver({
            auth: 'connectionString',
            connectionString,
            container: 'soak',
            prefix: '',
            blockSizeMiB: 1,
            uploadConcurrency: 2,
          });
        await soak('azure', proxy, {
          proxied: driver(server.connectionString.replace(`:${port}/`, `:${proxy.port}/`)),
          direct: driver(server.connectionString),
        });
      } finally {
        await server.stop();
      }
    },
  );
});
