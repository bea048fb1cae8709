import { type CheckReport } from '../../shared/connectors/check-report';
import { runCheckSteps, type StepPlan } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { ConnectorError } from '../connector-error';
import { type CheckOptions } from '../driver';
import { httpEndpointSteps } from '../s3/http-endpoint-steps';
import { type AzureBlobDriver } from './azure-blob-driver';
import { mapAzureError } from './map-azure-error';
import { describeSasPermissions, missingSasPermissions, requiredSasPermissions } from './sas-token';

const WEEK_MS = 7 * 24 * 3600 * 1000;

/**
 * Checks an Azure Blob connector: the endpoint (DNS, TCP, TLS), then sign-in: a SAS must not be expired and
 * must carry the permission letters the check needs (r and l; w and d too for a write check), and a first
 * listing proves the signature. Then list, read and write on the prefix.
 */
export async function runAzureCheck(driver: AzureBlobDriver, check: CheckOptions): Promise<CheckReport> {
  let endpointSteps: readonly StepPlan[] = [];
  let setupError: unknown;
  try {
    endpointSteps = httpEndpointSteps(driver.container.endpoint);
  } catch (error) {
    setupError = error;
  }
  const authenticate: StepPlan = {
    id: 'authenticate',
    hint: 'Check the SAS URL or token, the account key or the connection string.',
    async run() {
      if (setupError !== undefined) throw setupError;
      const sas = driver.sas;
      const notes: string[] = [];
      if (sas !== undefined) {
        const expires = sas.expiresAt;
        if (expires !== undefined && expires.getTime() <= Date.now()) {
          throw new ConnectorError('AuthFailed', `The SAS expired on ${expires.toISOString()}.`, {
            hint: 'Ask for a new SAS URL or token.',
          });
        }
        const missing = missingSasPermissions(sas, requiredSasPermissions(check.write === true));
        if (missing.length > 0) {
          throw new ConnectorError(
            'PermissionDenied',
            `The SAS lacks the permission${missing.length > 1 ? 's' : ''} ${describeSasPermissions(missing)} (it grants "${sas.permissions}").`,
            { hint: `Ask for a SAS with the permissions ${requiredSasPermissions(check.write === true).join('')}.` },
          );
        }
        if (expires !== undefined) {
          const soon = expires.getTime() - Date.now() < WEEK_MS ? ' (less than a week left: renew it soon)' : '';
          notes.push(`SAS valid until ${expires.toISOString()}${soon}`);
        }
        notes.push(`permissions "${sas.permissions}"`);
      }
      try {
        const pages = driver.container.client
          .listBlobsFlat({ prefix: driver.rootPrefix, abortSignal: check.signal })
          .byPage({ maxPageSize: 1 });
        await pages.next();
      } catch (error) {
        throw mapAzureError(error, undefined, 'list', driver.sas);
      }
      const container = driver.container.client.containerName;
      return {
        status: 'ok',
        detail: `Signed in to container ${container}${notes.length ? `; ${notes.join(', ')}` : ''}.`,
      };
    },
  };
  return runCheckSteps([...endpointSteps, authenticate, ...rootAccessSteps(driver, check)], check.signal);
}
