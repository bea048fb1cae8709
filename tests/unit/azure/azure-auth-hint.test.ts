import { describe, expect, it } from 'vitest';
import { createAzureContainer } from '../../../connectors/azure-blob/azure-container-client';
import { ConnectorError, describeError } from '../../../connectors/connector-error';
import { type AzureBlobOptions } from '../../../shared/connectors/azure-blob-descriptor';

const CONNECTION_STRING =
  'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';
const base = { prefix: '', blockSizeMiB: 8, uploadConcurrency: 4, container: 'exchange' } as const;

const refusal = (options: AzureBlobOptions): ConnectorError => {
  try {
    createAzureContainer(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConnectorError);
    return error as ConnectorError;
  }
  throw new Error('accepted');
};

describe('Azure sign-in method and the credentials given', () => {
  it('suggests AUTH=connectionString when only a connection string is set with another method', () => {
    for (const auth of ['sas', 'accountKey'] as const) {
      const error = refusal({ ...base, auth, connectionString: CONNECTION_STRING });
      expect(error.code).toBe('InvalidInput');
      expect(error.hint).toContain('auth=connectionString');
      expect(error.hint).toContain('FERRY_CONNECTOR_<NAME>_AUTH=connectionString');
      expect(describeError(error)).not.toContain('AccountKey=');
    }
  });

  it('keeps the usual hint when no connection string is set, and works once the method is chosen', () => {
    expect(refusal({ ...base, auth: 'sas' }).hint).toBe('Paste the SAS URL you were given.');
    expect(() =>
      createAzureContainer({ ...base, auth: 'connectionString', connectionString: CONNECTION_STRING }),
    ).not.toThrow();
  });
});
