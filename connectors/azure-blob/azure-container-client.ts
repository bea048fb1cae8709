import {
  AnonymousCredential,
  BlobServiceClient,
  ContainerClient,
  StorageSharedKeyCredential,
  type StoragePipelineOptions,
} from '@azure/storage-blob';
import { type AzureBlobOptions } from '../../shared/connectors/azure-blob-descriptor';
import { assertNever } from '../../shared/assert-never';
import { ConnectorError } from '../connector-error';
import { parseSasToken, type SasInfo } from './sas-token';

/** A container client plus what the credentials say about themselves. */
export interface AzureContainer {
  readonly client: ContainerClient;
  /** The parsed SAS when signing in with one (expiry, permissions, scope). */
  readonly sas: SasInfo | undefined;
  /** Account URL for messages (never with the SAS). */
  readonly endpoint: URL;
}

const invalid = (message: string, hint: string): ConnectorError =>
  new ConnectorError('InvalidInput', message, { hint });

// A connection string given with another sign-in method: the likely fix is to choose that method.
const USE_CONNECTION_STRING =
  'A connection string is set: choose "Connection string" as the sign-in method (auth=connectionString, ' +
  'FERRY_CONNECTOR_<NAME>_AUTH=connectionString), or remove it.';

// Ferry's transfer engine retries Retryable errors itself, with backoff and resume.
const PIPELINE: StoragePipelineOptions = { retryOptions: { maxTries: 2 } };

function sasFromUrl(url: URL): SasInfo {
  return parseSasToken(url.search);
}

function containerOf(service: BlobServiceClient, container: string | undefined): ContainerClient {
  if (container === undefined || container === '') {
    throw invalid('The container is missing.', 'Enter the container name, or use a SAS URL that points at it.');
  }
  return service.getContainerClient(container);
}

/** Builds the container client for SAS URL, SAS token, account key or connection string sign-in. */
export function createAzureContainer(options: AzureBlobOptions): AzureContainer {
  switch (options.auth) {
    case 'sas': {
      let url: URL;
      if (options.sasUrl !== undefined && options.sasUrl !== '') {
        url = new URL(options.sasUrl);
      } else if (options.accountUrl && options.sasToken) {
        const token = options.sasToken.replace(/^\?/, '');
        url = new URL(`${options.accountUrl.replace(/\/+$/, '')}?${token}`);
      } else {
        throw invalid(
          'A SAS URL, or an account URL and a SAS token, is needed.',
          options.connectionString ? USE_CONNECTION_STRING : 'Paste the SAS URL you were given.',
        );
      }
      const sas = sasFromUrl(url);
      if (sas.scope === 'blob') {
        throw invalid('This SAS is for a single blob, not a container.', 'Ask for a container SAS (sr=c).');
      }
      const endpoint = new URL(url.origin + url.pathname);
      const pathParts = url.pathname.split('/').filter(Boolean);
      // Path-style hosts (Azurite, IP addresses) carry the account name as the first path segment.
      const pathStyle = /^(\d+\.\d+\.\d+\.\d+|localhost|\[.*\])$/.test(url.hostname) || url.port !== '';
      const containerInUrl = pathParts[pathStyle ? 1 : 0];
      if (containerInUrl !== undefined || sas.scope === 'container') {
        if (options.container && containerInUrl && options.container !== containerInUrl) {
          throw invalid(
            `The SAS URL is for container "${containerInUrl}", not "${options.container}".`,
            'Leave the container empty or use the SAS of that container.',
          );
        }
        return { client: new ContainerClient(url.toString(), new AnonymousCredential(), PIPELINE), sas, endpoint };
      }
      return {
        client: containerOf(
          new BlobServiceClient(url.toString(), new AnonymousCredential(), PIPELINE),
          options.container,
        ),
        sas,
        endpoint,
      };
    }
    case 'accountKey': {
      if (!options.accountName || !options.accountKey) {
        throw invalid(
          'The account name and the account key are needed.',
          options.connectionString ? USE_CONNECTION_STRING : 'Enter both, from Access keys in the portal.',
        );
      }
      const accountUrl = options.accountUrl ?? `https://${options.accountName}.blob.core.windows.net`;
      const credential = new StorageSharedKeyCredential(options.accountName, options.accountKey);
      return {
        client: containerOf(new BlobServiceClient(accountUrl, credential, PIPELINE), options.container),
        sas: undefined,
        endpoint: new URL(accountUrl),
      };
    }
    case 'connectionString': {
      if (!options.connectionString) {
        throw invalid('The connection string is missing.', 'Copy it from Access keys in the Azure portal.');
      }
      let service: BlobServiceClient;
      try {
        service = BlobServiceClient.fromConnectionString(options.connectionString, PIPELINE);
      } catch (error) {
        throw new ConnectorError('InvalidInput', 'The connection string is not valid.', {
          hint: 'Copy it again, completely (AccountName, AccountKey or SharedAccessSignature, endpoints).',
          cause: error,
        });
      }
      const sasMatch = /SharedAccessSignature=([^;]+)/i.exec(options.connectionString);
      return {
        client: containerOf(service, options.container),
        sas: sasMatch?.[1] === undefined ? undefined : parseSasToken(sasMatch[1]),
        endpoint: new URL(service.url.split('?')[0]!),
      };
    }
    default:
      return assertNever(options.auth, 'Azure sign-in method');
  }
}
