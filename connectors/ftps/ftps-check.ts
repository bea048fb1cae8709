import { type CheckReport } from '../../shared/connectors/check-report';
import { type FtpsOptions } from '../../shared/connectors/ftps-descriptor';
import { type StepPlan } from '../check/check-runner';
import { ServerIdentityError } from '../server-identity';
import { type FtpsConnection, type FtpsProgress, FtpsStageError, type FtpsStage } from './ftps-session';
import { mapFtpError } from './map-ftp-error';

const STAGES: readonly FtpsStage[] = ['resolve', 'connect', 'handshake', 'authenticate'];

const STAGE_HINTS: { readonly [S in FtpsStage]: string } = {
  resolve: 'Check the host name for typos and that this computer can resolve it (DNS, VPN).',
  connect: 'Check the host, the port and the TLS mode (explicit: usually 21, implicit: 990), and the firewall.',
  handshake:
    "Check the certificate: give the server's CA certificate, or pin its SHA256 fingerprint after comparing it " +
    'with the one the administrator gives you.',
  authenticate: 'Check the user name and the password.',
};

/** The connection steps of an FTPS check, and a post-processor adding the fingerprint to a refused handshake. */
export interface FtpsSessionCheck {
  readonly plans: readonly StepPlan[];
  annotate(report: CheckReport): CheckReport;
}

/**
 * Turns one connection opening into the resolve, connect, TLS handshake (certificate subject, issuer and SHA256
 * fingerprint) and sign-in steps of a check; the connection is closed once opened.
 */
export function ftpsSessionSteps(
  open: (progress: FtpsProgress) => Promise<FtpsConnection>,
  options: FtpsOptions,
): FtpsSessionCheck {
  const reached = new Map<FtpsStage, { detail: string; fingerprint?: string }>();
  let failure: FtpsStageError | undefined;
  let opening: Promise<void> | undefined;
  const start = (): Promise<void> =>
    (opening ??= open((stage, detail, fingerprint) =>
      reached.set(stage, fingerprint === undefined ? { detail } : { detail, fingerprint }),
    ).then(
      (connection) => connection.client.close(),
      (error: unknown) => {
        failure = error instanceof FtpsStageError ? error : new FtpsStageError('handshake', error);
      },
    ));
  const plans = STAGES.map((stage): StepPlan => ({
    id: stage,
    hint: STAGE_HINTS[stage],
    label: stage === 'handshake' ? `TLS handshake (${options.secure})` : undefined,
    async run() {
      await start();
      const done = reached.get(stage);
      if (done !== undefined) return { status: 'ok', ...done };
      // A later stage failed, so this one passed without a report of its own (implicit TLS connects and
      // shakes hands in one step).
      if (failure !== undefined && STAGES.indexOf(failure.stage) > STAGES.indexOf(stage)) {
        return { status: 'ok', detail: 'Passed (reached the next step).' };
      }
      if (failure !== undefined) throw mapFtpError(failure.error);
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
