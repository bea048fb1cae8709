import {
  CHECK_STEP_IDS,
  CHECK_STEP_LABELS,
  type CheckReport,
  type CheckStep,
  type CheckStepId,
} from '../../shared/connectors/check-report';
import { ConnectorError } from '../connector-error';

/** What a step returns when it succeeds, or `skip` when it does not apply. */
export type StepOutcome =
  | { readonly status: 'ok'; readonly detail: string; readonly fingerprint?: string }
  | { readonly status: 'skipped'; readonly detail: string; readonly hint?: string };

/** One step to run: its id, an optional label, what to do when it fails (unless the error carries a hint). */
export interface StepPlan {
  readonly id: CheckStepId;
  readonly label?: string;
  readonly hint?: string;
  run(): Promise<StepOutcome>;
  /**
   * The step's own duration when its work ran inside another step's (one connection opening covers four steps);
   * undefined keeps the time `run` took.
   */
  measuredMs?(): number | undefined;
}

/**
 * Runs check steps in order; after the first failure the rest are reported skipped with the reason. Never
 * throws: an error becomes a failed step with its message and a hint. Steps missing from `plans` are listed
 * as skipped ("not applicable"), so every report shows all steps in the standard order.
 */
export async function runCheckSteps(plans: readonly StepPlan[], signal?: AbortSignal): Promise<CheckReport> {
  const done = new Map<CheckStepId, CheckStep>();
  let failed: CheckStep | undefined;
  for (const plan of plans) {
    const label = plan.label ?? CHECK_STEP_LABELS[plan.id];
    if (failed !== undefined || signal?.aborted) {
      done.set(plan.id, {
        id: plan.id,
        label,
        status: 'skipped',
        detail: signal?.aborted ? 'Not run: the check was cancelled.' : `Not run: "${failed!.label}" failed.`,
        durationMs: 0,
      });
      continue;
    }
    const started = performance.now();
    try {
      const outcome = await plan.run();
      const durationMs = Math.round(plan.measuredMs?.() ?? performance.now() - started);
      done.set(plan.id, { id: plan.id, label, ...outcome, durationMs });
    } catch (error) {
      const durationMs = Math.round(plan.measuredMs?.() ?? performance.now() - started);
      const message = error instanceof Error ? error.message : String(error);
      const hint = (error instanceof ConnectorError ? error.hint : undefined) ?? plan.hint;
      const step: CheckStep = {
        id: plan.id,
        label,
        status: 'failed',
        // What happened in words; the code is for programs, never a prefix users read ("Retryable: ...").
        detail: message,
        ...(hint === undefined ? {} : { hint }),
        durationMs,
      };
      done.set(plan.id, step);
      failed = step;
    }
  }
  const steps = CHECK_STEP_IDS.map(
    (id): CheckStep =>
      done.get(id) ?? { id, label: CHECK_STEP_LABELS[id], status: 'skipped', detail: 'Not applicable.', durationMs: 0 },
  );
  return { ok: steps.every((s) => s.status !== 'failed'), steps };
}
