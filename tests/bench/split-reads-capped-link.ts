/**
 * Benchmark (not part of vitest): what parallel ranged GETs buy where one TCP stream is capped (a long or
 * throttled path), which loopback does not show. The S3 driver (Swift s3api) and the Azure Blob driver (Azurite)
 * read one file through a proxy capping each connection, in one GET and split into 4 ranged GETs.
 * Run alone: npx tsx tests/bench/split-reads-capped-link.ts [sizeMiB] [capMiBPerSecond]
 */
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { BlobServiceClient } from '@azure/storage-blob';
import { AzureBlobDriver } from '../../connectors/azure-blob/azure-blob-driver';
import { type Driver } from '../../connectors/driver';
import { S3Driver } from '../../connectors/s3/s3-driver';
import { swiftS3Options } from '../kit/server-options';
import { startRateCappedProxy } from '../kit/rate-capped-proxy';
import { generatedStream } from '../kit/test-streams';
import { startAzurite } from '../servers/azurite-server';
import { startSwift } from '../servers/swift-server';

const MiB = 1024 * 1024;
const size = Number(process.argv[2] ?? 160) * MiB;
const cap = Number(process.argv[3] ?? 20) * MiB;

/** Reads `big.bin` twice per stream count and prints MiB/s. */
async function measure(label: string, driverFor: (streams: number) => Driver): Promise<void> {
  for (let round = 0; round < 2; round += 1) {
    for (const streams of [1, 4]) {
      const driver = driverFor(streams);
      const started = performance.now();
      let bytes = 0;
      for await (const chunk of await driver.read('big.bin')) bytes += (chunk as Buffer).length;
      const seconds = (performance.now() - started) / 1000;
      await driver.close();
      if (bytes !== size) throw new Error(`read ${bytes} of ${size} bytes`);
      console.log(`${label}  streams=${streams}  ${(size / MiB / seconds).toFixed(1)} MiB/s`);
    }
  }
}

async function main(): Promise<void> {
  console.log(`${size / MiB} MiB file, each connection capped at ${cap / MiB} MiB/s, ranges of 8 MiB`);
  const swift = await startSwift();
  try {
    const writer = new S3Driver(swiftS3Options(swift, 'capped'));
    await writer.client.send(new CreateBucketCommand({ Bucket: 'capped' }));
    await writer.write('big.bin', generatedStream(size).stream, { size });
    await writer.close();
    const proxy = await startRateCappedProxy(Number(new URL(swift.endpoint).port), cap);
    const endpoint = `http://127.0.0.1:${proxy.port}`;
    await measure(
      'S3 (Swift s3api)',
      (streams) =>
        new S3Driver(swiftS3Options(swift, 'capped', { endpoint }), {}, { rangedRead: { streams, cutoff: 1 } }),
    );
    await proxy.stop();
  } finally {
    await swift.stop();
  }
  const azurite = await startAzurite();
  try {
    await BlobServiceClient.fromConnectionString(azurite.connectionString).createContainer('capped');
    const options = {
      auth: 'connectionString',
      connectionString: azurite.connectionString,
      container: 'capped',
      prefix: '',
      blockSizeMiB: 8,
      uploadConcurrency: 4,
    } as const;
    await new AzureBlobDriver(options).write('big.bin', generatedStream(size).stream, { size });
    const port = new URL(azurite.accountUrl).port;
    const proxy = await startRateCappedProxy(Number(port), cap);
    const connectionString = azurite.connectionString.replace(`:${port}/`, `:${proxy.port}/`);
    await measure(
      'Azure Blob (Azurite)',
      (streams) => new AzureBlobDriver({ ...options, connectionString }, {}, { rangedRead: { streams, cutoff: 1 } }),
    );
    await proxy.stop();
  } finally {
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
