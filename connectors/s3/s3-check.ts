import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { type CheckReport } from '../../shared/connectors/check-report';
import { type S3Options } from '../../shared/connectors/s3-descriptor';
import { runCheckSteps, type StepPlan } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { type CheckOptions } from '../driver';
import { httpEndpointSteps } from './http-endpoint-steps';
import { mapS3Error } from './map-s3-error';
import { leastPrivilegePolicy } from './s3-iam-policy';
import { type S3Driver } from './s3-driver';

/** An S3 check report: the standard steps plus the least-privilege IAM policy for the bucket and prefix. */
export interface S3CheckReport extends CheckReport {
  /** IAM policy JSON granting exactly what Ferry needs on the configured bucket and prefix. */
  readonly iamPolicy: string;
}

/**
 * Checks an S3 connector: the endpoint (DNS, TCP, TLS), the credentials (a signed listing of the prefix, whose
 * refusal names the wrong credential), then list, read and write on the prefix. A permission failure's hint
 * points at the least-privilege policy, which the report always carries.
 */
export async function runS3Check(driver: S3Driver, options: S3Options, check: CheckOptions): Promise<S3CheckReport> {
  const { bucket, keyPrefix } = driver.location;
  const iamPolicy = leastPrivilegePolicy(bucket, keyPrefix.replace(/\/$/, ''));
  const settings = driver.settings;
  const endpoint = new URL(settings.endpoint ?? `https://s3.${settings.region}.amazonaws.com`);
  const policyHint = `Attach this policy to the key's user or role (also in the report's iamPolicy): ${JSON.stringify(JSON.parse(iamPolicy))}`;
  const authenticate: StepPlan = {
    id: 'authenticate',
    hint: 'Check the access key ID and the secret access key.',
    async run() {
      try {
        await driver.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: keyPrefix, MaxKeys: 1 }), {
          abortSignal: check.signal,
        });
      } catch (error) {
        const mapped = mapS3Error(error);
        // Signed in, but not allowed to list: the credentials are right, the permissions are not.
        if (mapped.code === 'PermissionDenied') {
          return { status: 'ok', detail: `Signed in as ${options.accessKeyId}; listing is denied (see list).` };
        }
        throw mapped;
      }
      return {
        status: 'ok',
        detail: `Signed in as ${options.accessKeyId} to ${settings.providerLabel} (${settings.region}), bucket ${bucket}.`,
      };
    },
  };
  const access = rootAccessSteps(driver, check).map((step): StepPlan => ({
    ...step,
    hint: `${step.hint ?? ''} ${policyHint}`.trim(),
  }));
  const report = await runCheckSteps([...httpEndpointSteps(endpoint), authenticate, ...access], check.signal);
  return { ...report, iamPolicy };
}
