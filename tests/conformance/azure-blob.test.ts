import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll } from 'vitest';
import { AzureBlobDriver } from '../../connectors/azure-blob/azure-blob-driver';
import { AZURITE_ACCOUNT, azuriteAvailability, startAzurite, type AzuriteServer } from '../servers/azurite-server';
import { describeConformance } from './describe-conformance';

const azurite = azuriteAvailability();
let server: AzuriteServer | undefined;
let sasUrl = '';

beforeAll(async () => {
  if (!azurite.available) return;
  // On disk: the outage cases kill and restart Azurite and expect the container to survive.
  server = await startAzurite({ persistent: true });
  await BlobServiceClient.fromConnectionString(server.connectionString).createContainer('conformance');
  // A container-scoped SAS, as organisations hand out access: the driver never sees the account key.
  const token = generateBlobSASQueryParameters(
    {
      containerName: 'conformance',
      permissions: ContainerSASPermissions.parse('rwdlc'),
      expiresOn: new Date(Date.now() + 3600_000),
    },
    new StorageSharedKeyCredential(AZURITE_ACCOUNT.name, AZURITE_ACCOUNT.key),
  ).toString();
  sasUrl = `${server.accountUrl}/conformance?${token}`;
});

// File level (not the suite's cleanup), so the server also stops when beforeAll fails halfway.
afterAll(async () => server?.stop());

// Large reads split into parallel ranged GETs from 16 MiB (default 256), so the suite's 64 MiB file, memory bound
// and outage cases run through them: 3 ranges of 4 MiB at once.
const SPLIT_READS = { cutoff: 16 * 1024 * 1024, chunkSize: 4 * 1024 * 1024, streams: 3 };

describeConformance(
  'azure-blob (Azurite, container SAS)',
  () => {
    if (server === undefined) throw new Error('Azurite did not start');
    return new AzureBlobDriver(
      {
        auth: 'sas',
        sasUrl,
        prefix: 'root/folder',
        // Blocks in memory = (concurrency + 1) ring buffers + the first block: 16 MiB here, under the suite's bound.
        blockSizeMiB: 4,
        uploadConcurrency: 2,
      },
      {},
      { rangedRead: SPLIT_READS },
    );
  },
  {
    ...(azurite.available ? {} : { skipReason: azurite.reason }),
    outage: { stop: async () => server?.kill(), start: async () => server?.start() },
  },
);
