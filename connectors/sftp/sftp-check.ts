import { type CheckReport } from '../../shared/connectors/check-report';
import { type StepPlan } from '../check/check-runner';
import { mapSftpError } from './map-sftp-error';
import { ServerIdentityError } from '../server-identity';
import { SessionStageError, type SessionProgress, type SessionStage } from './sftp-session';

const STAGES: readonly SessionStage[] = ['resolve', 'connect', 'handshake', 'authenticate'];

const STAGE_HINTS: { readonly [S in SessionStage]: string } = {
  resolve: 'Check the host name for typos and that this computer can resolve it (DNS, VPN).',
  connect: 'Check the host and port, that the SSH server runs, and that no firewall blocks the port.',
  handshake: "Compare the server's host key fingerprint with the one its administrator gives you, then pin it.",
  authenticate: 'Check the user name and the password, or the private key and its passphrase.',
};

/** The connection steps of an SFTP check, plus a post-processor adding the fingerprint to a refused handshake. */
export interface SessionCheck {
  readonly plans: readonly StepPlan[];
  /** Adds the presented fingerprint to a failed handshake step, so the app can show it and offer to pin it. */
  annotate(report: CheckReport): CheckReport;
}

/**
 * Turns one session opening (resolve, connect, SSH handshake with the host-key fingerprint, sign in) into four
 * check steps for `runCheckSteps`: each reports what happened at that stage, or fails with the stage's error
 * and what to do.
 */
export function sessionCheckSteps(open: (progress: SessionProgress) => Promise<unknown>): SessionCheck {
  const reached = new Map<SessionStage, { detail: string; fingerprint?: string }>();
  let failure: SessionStageError | undefined;
  let opening: Promise<void> | undefined;
  const start = (): Promise<void> =>
    (opening ??= open({
      onStage: (stage, detail, fingerprint) =>
        reached.set(stage, fingerprint === undefined ? { detail } : { detail, fingerprint }),
    }).then(
      () => undefined,
      (error: unknown) => {
        failure = error instanceof SessionStageError ? error : new SessionStageError('connect', error);
      },
    ));
  const plans = STAGES.map((stage): StepPlan => ({
    id: stage,
    hint: STAGE_HINTS[stage],
    async run() {
      await start();
      const done = reached.get(stage);
      if (done !== undefined) return { status: 'ok', ...done };
      // A later stage failed, so this one passed without a report of its own (implicit TLS connects and
      // shakes hands in one step).
      if (failure !== undefined && STAGES.indexOf(failure.stage) > STAGES.indexOf(stage)) {
        return { status: 'ok', detail: 'Passed (reached the next step).' };
      }
      if (failure !== undefined) throw mapSftpError(failure.error);
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
