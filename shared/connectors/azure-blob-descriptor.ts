import { defineDescriptor, type OptionsOf } from './connector-descriptor';

/** Azure Blob Storage: a container (or a folder in it) reached by SAS, account key or connection string. */
export const azureBlobDescriptor = defineDescriptor({
  kind: 'azure-blob',
  label: 'Azure Blob Storage',
  description:
    'A container (or a folder in it) in an Azure storage account, reached with a SAS URL or token, the account key, or a connection string.',
  options: {
    auth: {
      type: 'enum',
      label: 'Sign in with',
      help: 'SAS: a shared access signature URL or token, as most organisations hand out access. Account key or connection string: full access to the account.',
      required: false,
      values: [
        { value: 'sas', label: 'SAS URL or token' },
        { value: 'accountKey', label: 'Account name and key' },
        { value: 'connectionString', label: 'Connection string' },
      ],
      default: 'sas',
    },
    sasUrl: {
      type: 'string',
      label: 'SAS URL',
      help: 'A container SAS URL (https://<account>.blob.core.windows.net/<container>?sv=...&sig=...) or an account SAS URL; it names the container when it is container-scoped.',
      required: false,
      secret: true,
      pattern: '^https?://[^\\s?]+\\?.*sig=.+$',
    },
    accountUrl: {
      type: 'string',
      label: 'Account URL',
      help: 'Blob endpoint of the account, e.g. https://<account>.blob.core.windows.net, when a SAS token or an account key is given.',
      required: false,
      pattern: '^https?://[^\\s?]+$',
      examples: ['https://myaccount.blob.core.windows.net'],
    },
    sasToken: {
      type: 'string',
      label: 'SAS token',
      help: 'A SAS token (the part after "?", starting with sv= or sp=), used with the account URL.',
      required: false,
      secret: true,
    },
    accountName: {
      type: 'string',
      label: 'Account name',
      help: 'Name of the storage account (with an account key).',
      required: false,
    },
    accountKey: {
      type: 'string',
      label: 'Account key',
      help: 'One of the two access keys of the storage account (Azure portal: Security + networking > Access keys).',
      required: false,
      secret: true,
    },
    connectionString: {
      type: 'string',
      label: 'Connection string',
      help: 'DefaultEndpointsProtocol=https;AccountName=...;AccountKey=...;EndpointSuffix=core.windows.net (or with a SharedAccessSignature).',
      required: false,
      secret: true,
    },
    container: {
      type: 'string',
      label: 'Container',
      help: 'Name of the container; may be left empty when the SAS URL points at the container.',
      required: false,
      pattern: '^[a-z0-9](?:[a-z0-9-]{1,61}[a-z0-9])?$',
      examples: ['exchange'],
    },
    prefix: {
      type: 'string',
      label: 'Folder in the container',
      help: 'Blob name prefix this connector works in; empty for the whole container. Nothing outside it is used.',
      required: false,
      default: '',
      examples: ['incoming'],
    },
    blockSizeMiB: {
      type: 'integer',
      label: 'Block size (MiB)',
      help: 'Size of the staged blocks of large uploads; larger files use larger blocks automatically (50,000 blocks at most).',
      required: false,
      advanced: true,
      min: 1,
      max: 4000,
      default: 8,
    },
    uploadConcurrency: {
      type: 'integer',
      label: 'Parallel blocks',
      help: 'How many blocks of one file are uploaded at the same time.',
      required: false,
      advanced: true,
      min: 1,
      max: 16,
      default: 4,
    },
  },
});

/** Validated options of an Azure Blob connector. */
export type AzureBlobOptions = OptionsOf<typeof azureBlobDescriptor.options>;
