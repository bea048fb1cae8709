import { type DriverFactory } from '../driver-registry';
import { AzureBlobDriver } from './azure-blob-driver';

/** Creates Azure Blob drivers (no I/O until first use). */
export const azureBlobFactory: DriverFactory<'azure-blob'> = {
  kind: 'azure-blob',
  create: (options, context) => new AzureBlobDriver(options, context),
};
