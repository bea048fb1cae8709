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

describeConformance(
  'azure-blob (Azurite, container SAS)',
  () => {
    if (server === undefined) throw new Error('Azurite did not start');
    return new AzureBlobDriver({
      auth: 'sas',
      sasUrl,
      prefix: 'root/folder',
      // Blocks in memory = (concurrency + 1) ring buffers + the first block: 16 MiB here, under the suite's bound.
      blockSizeMiB: 4,
      uploadConcurrency: 2,
    });
  },
  {
    ...(azurite.available ? {} : { skipReason: azurite.reason }),
    outage: { stop: async () => server?.kill(), start: async () => server?.start() },
  },
);
