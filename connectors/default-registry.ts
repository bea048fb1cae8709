import { azureBlobFactory } from './azure-blob/azure-blob-factory';
import { DriverRegistry } from './driver-registry';
import { ftpsFactory } from './ftps/ftps-factory';
import { gcsFactory } from './gcs/gcs-factory';
import { driveFactory } from './drive/drive-factory';
import { localFactory } from './local/local-factory';
import { memoryFactory } from './memory/memory-factory';
import { s3Factory } from './s3/s3-factory';
import { sftpFactory } from './sftp/sftp-factory';
import { snowflakeFactory } from './snowflake/snowflake-factory';

/** A registry with every driver this build ships (one line per kind). */
export function createDefaultRegistry(): DriverRegistry {
  return new DriverRegistry()
    .register(localFactory)
    .register(memoryFactory)
    .register(sftpFactory)
    .register(ftpsFactory)
    .register(s3Factory)
    .register(azureBlobFactory)
    .register(gcsFactory)
    .register(driveFactory)
    .register(snowflakeFactory);
}
