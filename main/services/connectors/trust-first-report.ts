import type { CheckReport, CheckStep } from '../../../shared/connectors/check-report';
import type { ServerIdentityIssue } from '../../../shared/ipc/connectors-ipc';

/**
 * A check that stopped at a server identity never confirmed, as the user reads it: the handshake waits for their
 * confirmation and the steps after it wait for the handshake; none of them failed (the test is not over, so it is
 * not ok either). The steps before keep their outcome and measured durations; the handshake keeps the fingerprint.
 */
export function trustFirst(report: CheckReport, issue: ServerIdentityIssue): CheckReport {
  let reached = false;
  const steps = report.steps.map((step): CheckStep => {
    if (step.id === 'handshake') {
      reached = true;
      return {
        id: step.id,
        label: step.label,
        status: 'skipped',
        detail: `Waiting for you to confirm the server's ${issue.what} ${issue.fingerprint}.`,
        fingerprint: issue.fingerprint,
        durationMs: step.durationMs,
      };
    }
    if (!reached || step.status !== 'skipped') return step;
    return { ...step, detail: `Runs once the server's ${issue.what} is trusted.`, durationMs: 0 };
  });
  return { ok: false, steps };
}
