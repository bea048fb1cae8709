import type { MethodOutput } from '../../../../shared/ipc';
import type { ConnectorTest } from '../../../../shared/platform';

/**
 * A platform test as the shared test dialog reads it, the server identity first: a host key never confirmed stops
 * the test there ('confirm-identity': the steps after it wait, they did not fail), a changed one is refused.
 */
export function testResultOf(test: ConnectorTest): MethodOutput<'connectors.test'> {
  const identity = test.identity;
  const outcome =
    identity?.problem === 'unknown'
      ? 'confirm-identity'
      : identity?.problem === 'changed'
        ? 'identity-changed'
        : test.report.ok
          ? 'ok'
          : 'failed';
  return identity === undefined ? { outcome, report: test.report } : { outcome, report: test.report, identity };
}
