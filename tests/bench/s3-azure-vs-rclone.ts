/**
 * Benchmark (not part of vitest): Ferry's S3 driver (to Swift s3api) and Azure Blob driver (to Azurite), through the
 * transfer engine and alone, next to rclone on the same servers.
 * Run alone: npx tsx tests/bench/s3-azure-vs-rclone.ts [sizeMiB]
 */
import { existsSync } from 'node:fs';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { AzureBlobDriver } from '../../connectors/azure-blob/azure-blob-driver';
import { S3Driver } from '../../connectors/s3/s3-driver';
import { AZURITE_ACCOUNT, startAzurite } from '../servers/azurite-server';
import { startSwift } from '../servers/swift-server';
import {
  type BenchRow,
  type BenchSetup,
  measureFerry,
  measureRclone,
  RCLONE,
  rcloneEnv,
  rowsFor,
  runAlone,
} from './bench-kit';
import { swiftS3Options } from '../kit/server-options';

/** Ferry vs rclone on Swift's S3 API and on Azurite. */
export async function benchS3AzureVsRclone(setup: BenchSetup): Promise<readonly BenchRow[]> {
  if (!existsSync(RCLONE)) throw new Error('rclone is not installed: apt-get install rclone');
  const rows: BenchRow[] = [];

  const swift = await startSwift();
  try {
    const s3 = new S3Driver(swiftS3Options(swift, 'bench'));
    await s3.client.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const ferry = await measureFerry(setup, s3, '');
    await s3.close();
    const env = rcloneEnv({
      RCLONE_CONFIG_SW_TYPE: 's3',
      RCLONE_CONFIG_SW_PROVIDER: 'Other',
      RCLONE_CONFIG_SW_ACCESS_KEY_ID: swift.accessKeyId,
      RCLONE_CONFIG_SW_SECRET_ACCESS_KEY: swift.secretAccessKey,
      RCLONE_CONFIG_SW_ENDPOINT: swift.endpoint,
      RCLONE_CONFIG_SW_FORCE_PATH_STYLE: 'true',
      RCLONE_CONFIG_SW_REGION: 'us-east-1',
    });
    rows.push(...rowsFor('S3 (Swift s3api)', ferry, [await measureRclone(setup, env, 'sw:bench/rclone.bin')]));
  } finally {
    await swift.stop();
  }

  const azurite = await startAzurite();
  try {
    await BlobServiceClient.fromConnectionString(azurite.connectionString).createContainer('bench');
    const azure = new AzureBlobDriver({
      auth: 'connectionString',
      connectionString: azurite.connectionString,
      container: 'bench',
      prefix: '',
      blockSizeMiB: 8,
      uploadConcurrency: 4,
    });
    const ferry = await measureFerry(setup, azure, '');
    await azure.close();
    const env = rcloneEnv({
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
    });
    rows.push(...rowsFor('Azure Blob (Azurite)', ferry, [await measureRclone(setup, env, 'az:bench/rclone.bin')]));
  } finally {
    await azurite.stop();
  }
  return rows;
}

runAlone(__filename, benchS3AzureVsRclone);
