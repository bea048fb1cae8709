import { type CheckReport } from '../../shared/connectors/check-report';
import { type SnowflakeOptions } from '../../shared/connectors/snowflake-descriptor';
import { runCheckSteps, type StepPlan } from '../check/check-runner';
import { rootAccessSteps } from '../check/root-access-steps';
import { ConnectorError, isConnectorError } from '../connector-error';
import { type CheckOptions } from '../driver';
import { httpEndpointSteps } from '../s3/http-endpoint-steps';
import { type SnowflakeDriver } from './snowflake-driver';

/** The account's URL: the access URL when given, else https://<account>.snowflakecomputing.com. */
export function snowflakeAccountUrl(options: SnowflakeOptions): URL {
  return new URL(options.accessUrl || `https://${options.account}.snowflakecomputing.com`);
}

/**
 * Checks a Snowflake connector: the account URL (DNS, TCP, TLS), the sign-in and the role the session got, then
 * list, read and write on the stage; a missing stage privilege fails with the GRANT statements to run.
 */
export async function runSnowflakeCheck(
  driver: SnowflakeDriver,
  options: SnowflakeOptions,
  check: CheckOptions,
): Promise<CheckReport> {
  let role = options.role ?? '';
  const authenticate: StepPlan = {
    id: 'authenticate',
    label: 'Sign in and take the role',
    hint: 'Check the account identifier, the user name and the key or password.',
    async run() {
      const [row] = await driver.session.run('SELECT CURRENT_USER(), CURRENT_ROLE()');
      const user = String(row?.['CURRENT_USER()'] ?? '');
      role = String(row?.['CURRENT_ROLE()'] ?? '');
      if (options.role && role.toUpperCase() !== options.role.toUpperCase()) {
        throw new ConnectorError('PermissionDenied', `The session has role ${role}, not ${options.role}.`, {
          hint: `Grant the role to the user: GRANT ROLE ${options.role} TO USER ${user};`,
        });
      }
      return { status: 'ok', detail: `Signed in as ${user} with role ${role}.` };
    },
  };
  // The generic steps' errors, with the GRANTs for the role the session really has.
  const withGrants = (plan: StepPlan): StepPlan => ({
    ...plan,
    async run() {
      try {
        return await plan.run();
      } catch (error) {
        if (isConnectorError(error, 'PermissionDenied') || isConnectorError(error, 'NotFound')) {
          const grants = driver.grantsFor(role || '<role>', plan.id === 'write');
          throw new ConnectorError(error.code, error.message, {
            hint: `Run as an administrator: ${grants}`,
            cause: error,
          });
        }
        throw error;
      }
    },
  });
  return runCheckSteps(
    [
      ...httpEndpointSteps(snowflakeAccountUrl(options)),
      authenticate,
      ...rootAccessSteps(driver, check).map(withGrants),
    ],
    check.signal,
  );
}
