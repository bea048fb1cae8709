import { azureBlobDescriptor } from './azure-blob-descriptor';
import { type OptionsOf } from './connector-descriptor';
import { ftpsDescriptor } from './ftps-descriptor';
import { gcsDescriptor } from './gcs-descriptor';
import { driveDescriptor } from './drive-descriptor';
import { localDescriptor } from './local-descriptor';
import { memoryDescriptor } from './memory-descriptor';
import { s3Descriptor } from './s3-descriptor';
import { sftpDescriptor } from './sftp-descriptor';
import { snowflakeDescriptor } from './snowflake-descriptor';

/** Every storage kind's descriptor, keyed by kind. Add a kind here and its driver to the registry. */
export const CONNECTOR_DESCRIPTORS = {
  local: localDescriptor,
  memory: memoryDescriptor,
  sftp: sftpDescriptor,
  ftps: ftpsDescriptor,
  s3: s3Descriptor,
  'azure-blob': azureBlobDescriptor,
  gcs: gcsDescriptor,
  drive: driveDescriptor,
  snowflake: snowflakeDescriptor,
} as const;

/** A storage kind. */
export type ConnectorKind = keyof typeof CONNECTOR_DESCRIPTORS;

/** The kinds, in display order. */
export const CONNECTOR_KINDS = Object.keys(CONNECTOR_DESCRIPTORS) as readonly ConnectorKind[];

/** Validated options of a kind. */
export type ConnectorOptions<K extends ConnectorKind> = OptionsOf<(typeof CONNECTOR_DESCRIPTORS)[K]['options']>;

/** Whether a string names a known kind. */
export function isConnectorKind(value: string): value is ConnectorKind {
  return Object.hasOwn(CONNECTOR_DESCRIPTORS, value);
}
