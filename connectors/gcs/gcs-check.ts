import { type CheckReport } from '../../shared/connectors/check-report';
import { type GcsOptions } from '../../shared/connectors/gcs-descriptor';
import { runCheckSteps, type StepPlan } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { type CheckOptions } from '../driver';
import { httpEndpointSteps } from '../s3/http-endpoint-steps';
import { parseGoogleServiceAccount } from '../google/google-service-account';
import { GCS_DEFAULT_ENDPOINT } from './gcs-client';
import { type GcsDriver } from './gcs-driver';
import { mapGcsError } from './map-gcs-error';

/**
 * Checks a Cloud Storage connector: the endpoint (DNS, TCP, TLS), the service-account key (parsed, then a
 * signed listing of the prefix), then list, read and write on the prefix.
 */
export async function runGcsCheck(driver: GcsDriver, options: GcsOptions, check: CheckOptions): Promise<CheckReport> {
  const authenticate: StepPlan = {
    id: 'authenticate',
    hint: 'Check the service account key (JSON) and that the account exists and is enabled.',
    async run() {
      const key = parseGoogleServiceAccount(options.serviceAccountJson, 'project');
      try {
        await driver.bucket.getFiles({ prefix: driver.rootPrefix, maxResults: 1, autoPaginate: false });
      } catch (error) {
        const mapped = mapGcsError(error);
        if (mapped.code === 'PermissionDenied') {
          return { status: 'ok', detail: `Signed in as ${key.client_email}; listing is denied (see list).` };
        }
        throw mapped;
      }
      return {
        status: 'ok',
        detail: `Signed in as ${key.client_email} (project ${key.project_id}), bucket ${options.bucket}.`,
      };
    },
  };
  const endpoint = new URL(options.apiEndpoint ?? GCS_DEFAULT_ENDPOINT);
  return runCheckSteps([...httpEndpointSteps(endpoint), authenticate, ...rootAccessSteps(driver, check)], check.signal);
}
