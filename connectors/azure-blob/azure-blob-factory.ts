import { type DriverFactory } from '../driver-registry';
import { lazyDriver } from '../lazy-driver';
import { objectRootPrefix } from '../object-store/object-root-prefix';
import { AZURE_BLOB_CAPABILITIES } from './azure-blob-capabilities';

/** Creates Azure Blob drivers (no I/O until first use); the Azure SDK loads with the first use. */
export const azureBlobFactory: DriverFactory<'azure-blob'> = {
  kind: 'azure-blob',
  create: (options, context) => {
    // An unsafe prefix is refused at creation, as the driver's constructor would.
    objectRootPrefix(options.prefix);
    return lazyDriver(
      'azure-blob',
      AZURE_BLOB_CAPABILITIES,
      async () => new (await import('./azure-blob-driver')).AzureBlobDriver(options, context),
    );
  },
};
