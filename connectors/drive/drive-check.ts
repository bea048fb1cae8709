import { type CheckReport } from '../../shared/connectors/check-report';
import { type DriveOptions } from '../../shared/connectors/drive-descriptor';
import { runCheckSteps, type StepPlan } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { ConnectorError } from '../connector-error';
import { type CheckOptions } from '../driver';
import { httpEndpointSteps } from '../s3/http-endpoint-steps';
import { DRIVE_DEFAULT_ENDPOINT } from './drive-client';
import { type DriveDriver } from './drive-driver';
import { MY_DRIVE_QUOTA_HINT, MY_DRIVE_QUOTA_MESSAGE } from './map-drive-error';

/**
 * Checks a Drive connector: the endpoint (DNS, TCP, TLS), the key (parsed, then the root folder fetched: which
 * drive holds it), then list, read and write. A service account whose root lies in My Drive fails the write step
 * before any upload, explaining that it has no storage quota there and what to do instead.
 */
export async function runDriveCheck(
  driver: DriveDriver,
  options: DriveOptions,
  check: CheckOptions,
): Promise<CheckReport> {
  let inSharedDrive = false;
  let mayUpload = false;
  const authenticate: StepPlan = {
    id: 'authenticate',
    hint: 'Check the service account key (JSON) or sign in with Google again, and that the folder or Shared Drive is shared with the account.',
    async run() {
      const client = driver.client;
      const { data } = await driver.call(
        '',
        () =>
          driver.client.api.files.get(
            { fileId: driver.rootId, fields: 'id,name,driveId', supportsAllDrives: true },
            { signal: check.signal },
          ),
        check.signal,
      );
      inSharedDrive = data.driveId != null;
      mayUpload = inSharedDrive || !client.serviceAccount;
      const where = inSharedDrive ? `in Shared Drive ${data.driveId}` : 'in My Drive';
      return { status: 'ok', detail: `Signed in as ${client.identity}; root folder "${data.name ?? ''}" ${where}.` };
    },
  };
  const steps = rootAccessSteps(driver, check).map((step): StepPlan => {
    if (step.id !== 'write') return step;
    return {
      ...step,
      async run() {
        if (mayUpload) return step.run();
        if (check.write !== true) {
          return { status: 'skipped', detail: `Not asked for. ${MY_DRIVE_QUOTA_MESSAGE}.`, hint: MY_DRIVE_QUOTA_HINT };
        }
        throw new ConnectorError('PermissionDenied', `${MY_DRIVE_QUOTA_MESSAGE}.`, { hint: MY_DRIVE_QUOTA_HINT });
      },
    };
  });
  const endpoint = new URL(options.apiEndpoint ?? DRIVE_DEFAULT_ENDPOINT);
  return runCheckSteps([...httpEndpointSteps(endpoint), authenticate, ...steps], check.signal);
}
