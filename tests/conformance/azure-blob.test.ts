import {
  ContainerSASPermissions,
  generateBlobSASQueryParameters,
  StorageSharedKeyCredential,
} from '@azure/storage-blob';
import { BlobServiceClient } from '@azure/storage-blob';
import { beforeAll } from 'vitest';
import { AzureBlobDriver } from '../../connectors/azure-blob/azure-blob-driver';
import { AZURITE_ACCOUNT, azuriteAvailability, startAzurite, type AzuriteServer } from '../servers/azurite-server';
import { describeConformance } from './describe-conformance';

const azurite = azuriteAvailability();
let server: AzuriteServer | undefined;
let sasUrl = '';

beforeAll(async () => {
  if (!azurite.available) return;
  server = await startAzurite();
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

describeConformance(
  'azure-blob (Azurite, container SAS)',
  () => {
    if (server === undefined) throw new Error('Azurite did not start');
    return new AzureBlobDriver({
      auth: 'sas',
      sasUrl,
      prefix: 'root/folder',
      blockSizeMiB: 8,
      uploadConcurrency: 4,
    });
  },
  {
    ...(azurite.available ? {} : { skipReason: azurite.reason }),
    // Azurite runs in a child process, but the RSS bound counts the generator's and the sockets' uncollected
    // garbage; live memory of the shared block ring is asserted on Swift (tests/unit/s3/s3-bounded-memory).
    boundedMemory: false,
    cleanup: async () => server?.stop(),
  },
);
