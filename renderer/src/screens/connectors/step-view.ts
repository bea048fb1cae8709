import type { TFunction } from 'i18next';
import type { CheckStep } from '../../../../shared/connectors/check-report';
import type { ConnectorSummary, TestOutcome } from '../../../../shared/ipc/connectors-ipc';
import { connectorPlace } from './connector-place';
import { withoutCodes } from './connector-error-message';

/** How a step shows: its outcome, or 'awaiting' for the handshake that waits for the user's confirmation. */
export type StepDisplay = 'ok' | 'failed' | 'skipped' | 'awaiting';

/** One step of a test as the dialog shows it: all words in the user's language, the driver's detail aside. */
export interface StepView {
  readonly id: CheckStep['id'];
  readonly display: StepDisplay;
  /** What happened, in the user's language, naming the server and account. */
  readonly text: string;
  /** The driver's own detail (addresses, fingerprints, the server's words), without internal codes. */
  readonly detail?: string;
  /** What to do, in the user's language (failed steps). */
  readonly hint?: string;
  /** The step's measured duration; absent for steps that did not run. */
  readonly durationMs?: number;
}

/** The test's outcome and report, plus whether the write probe was asked for. */
export interface StepViewInput {
  readonly outcome: TestOutcome;
  readonly steps: readonly CheckStep[];
  /** The connector tested (mine or the organisation's): its name, kind and non-secret options. */
  readonly connector: Pick<ConnectorSummary, 'name' | 'kind' | 'options'>;
  readonly write: boolean;
}

/** The steps of a test, in the user's language: the identity first, then only what ran shows a time. */
export function stepViews(t: TFunction, input: StepViewInput): StepView[] {
  const { server, user } = connectorPlace(input.connector);
  const port = input.connector.options['port'];
  const where = typeof port === 'number' || typeof port === 'string' ? `${server}:${String(port)}` : server;
  const what = t(`connectors.identity.what.${input.connector.kind === 'ftps' ? 'certificate' : 'hostKey'}`);
  const params = { server, where, user: user ?? '', what };
  let failed: CheckStep | undefined;
  let awaiting = false;
  return input.steps.map((step): StepView => {
    const detail = withoutCodes(step.detail);
    if (input.outcome === 'confirm-identity' && step.id === 'handshake') {
      awaiting = true;
      return {
        id: step.id,
        display: 'awaiting',
        // The fingerprint is in the prompt above; main's English remark would only repeat it.
        text: t('connectors.test.awaiting', params),
        durationMs: step.durationMs,
      };
    }
    if (awaiting) return { id: step.id, display: 'skipped', text: t('connectors.test.afterTrust', params) };
    if (step.status === 'ok') {
      const key = step.id === 'authenticate' && user === undefined ? 'authenticateNoUser' : step.id;
      return {
        id: step.id,
        display: 'ok',
        text: t(`connectors.test.passed.${key}`, params),
        // The facts worth checking (the address found, the fingerprint verified); other drivers' remarks repeat the text.
        ...(step.id === 'resolve' || step.id === 'handshake' ? { detail } : {}),
        durationMs: step.durationMs,
      };
    }
    if (step.status === 'failed') {
      failed = step;
      const key = step.id === 'authenticate' && user === undefined ? 'authenticateNoUser' : step.id;
      return {
        id: step.id,
        display: 'failed',
        text: t(`connectors.test.failedStep.${key}`, params),
        detail,
        hint: t(`connectors.test.hint.${step.id}`, params),
        durationMs: step.durationMs,
      };
    }
    const text =
      failed !== undefined
        ? t('connectors.test.notRun', { step: t(`connectors.test.step.${failed.id}`) })
        : step.id === 'write' && !input.write
          ? t('connectors.test.writeNotAsked')
          : step.id === 'read'
            ? t('connectors.test.nothingToRead')
            : t('connectors.test.notApplicable');
    return { id: step.id, display: 'skipped', text };
  });
}
