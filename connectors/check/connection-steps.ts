import { type CheckReport } from '../../shared/connectors/check-report';
import { type ConnectorError } from '../connector-error';
import { type CheckOptions, type Driver } from '../driver';
import { ServerIdentityError } from '../server-identity';
import { runCheckSteps, type StepPlan } from './check-runner';
import { rootAccessSteps } from './root-access-steps';

/** The stages of opening a connection to a file server, in check order. */
export type ConnectionStage = 'resolve' | 'connect' | 'handshake' | 'authenticate';

const STAGES: readonly ConnectionStage[] = ['resolve', 'connect', 'handshake', 'authenticate'];

/** Receives each stage's report as the connection reaches it. */
export type StageReporter = (stage: ConnectionStage, detail: string, fingerprint?: string) => void;

/** How one protocol opens a connection and explains each stage. */
export interface ConnectionStepsSpec {
  /** Opens (and closes) one connection, reporting each stage it passes. */
  open(report: StageReporter): Promise<void>;
  /** What to do when a stage fails. */
  readonly hints: { readonly [S in ConnectionStage]: string };
  /** Labels replacing the standard ones. */
  readonly labels?: { readonly [S in ConnectionStage]?: string };
  /** The stage an opening error belongs to and its cause. */
  failure(error: unknown): { readonly stage: ConnectionStage; readonly error: unknown };
  /** The ConnectorError a failed stage shows. */
  mapError(error: unknown): ConnectorError;
}

/** The connection steps of a check, plus a post-processor adding the fingerprint to a refused handshake. */
export interface ConnectionCheck {
  readonly plans: readonly StepPlan[];
  /** Adds the presented fingerprint to a failed handshake step, so the app can show it and offer to pin it. */
  annotate(report: CheckReport): CheckReport;
}

/**
 * Turns one connection opening (resolve, connect, handshake with the server's fingerprint, sign in) into four
 * check steps for `runCheckSteps`, shared by SFTP and FTPS: each reports what happened at that stage, or fails
 * with the stage's error and what to do.
 */
export function connectionCheckSteps(spec: ConnectionStepsSpec): ConnectionCheck {
  const reached = new Map<ConnectionStage, { detail: string; fingerprint?: string }>();
  // When each stage ended (reported or failed), so each step shows its own share of the one opening.
  const endedAt = new Map<ConnectionStage, number>();
  let openedAt = 0;
  let failure: { readonly stage: ConnectionStage; readonly error: unknown } | undefined;
  let opening: Promise<void> | undefined;
  const start = (): Promise<void> => {
    if (opening !== undefined) return opening;
    openedAt = performance.now();
    opening = spec
      .open((stage, detail, fingerprint) => {
        endedAt.set(stage, performance.now());
        reached.set(stage, fingerprint === undefined ? { detail } : { detail, fingerprint });
      })
      .catch((error: unknown) => {
        failure = spec.failure(error);
        if (!endedAt.has(failure.stage)) endedAt.set(failure.stage, performance.now());
      });
    return opening;
  };
  const measured = (stage: ConnectionStage): number | undefined => {
    const end = endedAt.get(stage);
    // A stage passed without a report of its own took no time of its own: the next reported stage holds it.
    if (end === undefined) return opening === undefined ? undefined : 0;
    const before = STAGES.slice(0, STAGES.indexOf(stage))
      .map((s) => endedAt.get(s))
      .filter((t): t is number => t !== undefined);
    return Math.max(0, end - Math.max(openedAt, ...before));
  };
  const plans = STAGES.map((stage): StepPlan => ({
    id: stage,
    hint: spec.hints[stage],
    label: spec.labels?.[stage],
    measuredMs: () => measured(stage),
    async run() {
      await start();
      const done = reached.get(stage);
      if (done !== undefined) return { status: 'ok', ...done };
      // A later stage failed, so this one passed without a report of its own (implicit TLS connects and
      // shakes hands in one step).
      if (failure !== undefined && STAGES.indexOf(failure.stage) > STAGES.indexOf(stage)) {
        return { status: 'ok', detail: 'Passed (reached the next step).' };
      }
      if (failure !== undefined) throw spec.mapError(failure.error);
      return { status: 'skipped', detail: 'Not reported by the connection.' };
    },
  }));
  return {
    plans,
    annotate(report) {
      const refused = failure?.error;
      if (!(refused instanceof ServerIdentityError)) return report;
      return {
        ...report,
        steps: report.steps.map((step) =>
          step.id === 'handshake' && step.status === 'failed' ? { ...step, fingerprint: refused.fingerprint } : step,
        ),
      };
    },
  };
}

/**
 * A file server's whole check on a fresh driver (so the report shows the server as it is now, not a cached
 * connection): the connection steps, then list/read/write on the root; the fresh driver is closed afterwards.
 */
export async function runConnectionCheck(
  fresh: Driver,
  session: ConnectionCheck,
  options: CheckOptions = {},
): Promise<CheckReport> {
  try {
    const report = await runCheckSteps([...session.plans, ...rootAccessSteps(fresh, options)], options.signal);
    return session.annotate(report);
  } finally {
    await fresh.close();
  }
}
