/**
 * Benchmark (not part of vitest): upload and download of a 100 MiB file through Ferry's S3 driver (to Swift
 * s3api) and Azure Blob driver (to Azurite), next to rclone on the same servers, printing MiB/s and the ratio
 * Ferry / rclone. Run: npx tsx tests/bench/s3-azure-vs-rclone.ts [sizeMiB]
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { AzureBlobDriver } from '../../connectors/azure-blob/azure-blob-driver';
import { type Driver } from '../../connectors/driver';
import { S3Driver } from '../../connectors/s3/s3-driver';
import { AZURITE_ACCOUNT, startAzurite } from '../servers/azurite-server';
import { startSwift } from '../servers/swift-server';

const MiB = 1024 * 1024;
const sizeMiB = Number(process.argv[2] ?? 100);
const RCLONE = '/usr/bin/rclone';

interface Row {
  readonly target: string;
  readonly direction: 'upload' | 'download';
  readonly ferry: number;
  readonly rclone: number;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return (sizeMiB * 1000) / (performance.now() - started);
}

function rclone(env: Record<string, string>, args: readonly string[]): Promise<void> {
  const environment = { ...process.env, ...env };
  // rclone's S3 backend fails at start when AWS_CA_BUNDLE points at a bundle it cannot use (TESTBED.md).
  delete environment.AWS_CA_BUNDLE;
  const result = spawnSync(RCLONE, ['--retries', '1', ...args], { env: environment, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`rclone ${args.join(' ')}: ${result.stderr}`);
  return Promise.resolve();
}

async function ferryUp(driver: Driver, file: string, path: string): Promise<void> {
  await driver.write(path, createReadStream(file, { highWaterMark: MiB }), { size: sizeMiB * MiB });
}

async function ferryDown(driver: Driver, path: string, out: string): Promise<void> {
  await pipeline(await driver.read(path), createWriteStream(out));
}

async function main(): Promise<void> {
  if (!existsSync(RCLONE)) throw new Error('rclone is not installed: apt-get install rclone');
  const dir = mkdtempSync(join(tmpdir(), 'ferry-bench-'));
  const file = join(dir, 'source.bin');
  writeFileSync(file, randomBytes(sizeMiB * MiB));
  const out = join(dir, 'out.bin');
  const rows: Row[] = [];
  const swift = await startSwift();
  const azurite = await startAzurite();
  try {
    const s3 = new S3Driver({
      provider: 'other',
      endpoint: swift.endpoint,
      bucket: 'bench',
      prefix: '',
      accessKeyId: swift.accessKeyId,
      secretAccessKey: swift.secretAccessKey,
      compatibility: 'auto',
      serverSideEncryption: 'none',
      partSizeMiB: 8,
      uploadConcurrency: 4,
    });
    await s3.client.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const s3Env = {
      RCLONE_CONFIG_SW_TYPE: 's3',
      RCLONE_CONFIG_SW_PROVIDER: 'Other',
      RCLONE_CONFIG_SW_ACCESS_KEY_ID: swift.accessKeyId,
      RCLONE_CONFIG_SW_SECRET_ACCESS_KEY: swift.secretAccessKey,
      RCLONE_CONFIG_SW_ENDPOINT: swift.endpoint,
      RCLONE_CONFIG_SW_FORCE_PATH_STYLE: 'true',
      RCLONE_CONFIG_SW_REGION: 'us-east-1',
    };
    rows.push({
      target: 'S3 (Swift s3api)',
      direction: 'upload',
      ferry: await timed(() => ferryUp(s3, file, 'ferry.bin')),
      rclone: await timed(() => rclone(s3Env, ['copyto', file, 'sw:bench/rclone.bin'])),
    });
    rows.push({
      target: 'S3 (Swift s3api)',
      direction: 'download',
      ferry: await timed(() => ferryDown(s3, 'ferry.bin', out)),
      rclone: await timed(() => rclone(s3Env, ['copyto', 'sw:bench/rclone.bin', out])),
    });
    await s3.close();

    await BlobServiceClient.fromConnectionString(azurite.connectionString).createContainer('bench');
    const azure = new AzureBlobDriver({
      auth: 'connectionString',
      connectionString: azurite.connectionString,
      container: 'bench',
      prefix: '',
      blockSizeMiB: 8,
      uploadConcurrency: 4,
    });
    const azEnv = {
      RCLONE_CONFIG_AZ_TYPE: 'azureblob',
      // rclone 1.60's emulator mode and endpoint option cannot reach Azurite on a free port; a container SAS URL can.
      RCLONE_CONFIG_AZ_SAS_URL: `${azurite.accountUrl}/bench?${generateBlobSASQueryParameters(
        {
          containerName: 'bench',
          permissions: ContainerSASPermissions.parse('racwdl'),
          expiresOn: new Date(Date.now() + 3600_000),
        },
        new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key),
      ).toString()}`,
    };
    rows.push({
      target: 'Azure Blob (Azurite)',
      direction: 'upload',
      ferry: await timed(() => ferryUp(azure, file, 'ferry.bin')),
      rclone: await timed(() => rclone(azEnv, ['copyto', file, 'az:bench/rclone.bin'])),
    });
    rows.push({
      target: 'Azure Blob (Azurite)',
      direction: 'download',
      ferry: await timed(() => ferryDown(azure, 'ferry.bin', out)),
      rclone: await timed(() => rclone(azEnv, ['copyto', 'az:bench/rclone.bin', out])),
    });
    await azure.close();
  } finally {
    await Promise.all([swift.stop(), azurite.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\n${sizeMiB} MiB, loopback, client and server on the same machine (MiB/s; ratio > 1: Ferry faster)`);
  console.log(
    ['target'.padEnd(22), 'direction'.padEnd(9), 'ferry'.padStart(8), 'rclone'.padStart(8), 'ratio'.padStart(7)].join(
      ' ',
    ),
  );
  for (const row of rows) {
    console.log(
      [
        row.target.padEnd(22),
        row.direction.padEnd(9),
        row.ferry.toFixed(1).padStart(8),
        row.rclone.toFixed(1).padStart(8),
        (row.ferry / row.rclone).toFixed(2).padStart(7),
      ].join(' '),
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
