import type { ActivityInput, SyncBinding, SyncPreview } from '../../../shared/ipc/sync-ipc';
import type { DriverProvider } from '../connectors/driver-provider';
import type { TransferRuntime } from '../transfers/transfer-runtime';
import type { AgentPlatform } from './agent-platform';
import type { SyncLedger } from './sync-ledger';

/** What one run of a binding may use. */
export interface RunContext {
  readonly ledger: SyncLedger;
  /** Opens my connectors (and the local disk); each driver opened is the runner's to close. */
  readonly drivers: DriverProvider;
  readonly platform: AgentPlatform;
  /** The queue and bandwidth limit shared with manual transfers: each file takes a slot of `runtime.queue`. */
  readonly runtime: TransferRuntime;
  /** Writes an activity entry (the agent adds the time, the binding's name, and tells the window and the tray). */
  readonly report: (entry: ActivityInput) => void;
  /** Aborts at once (quit, binding removed): the file under way stops, its partial is kept for the next run. */
  readonly signal: AbortSignal;
  /** True once the agent is stopping gracefully (SIGTERM, pause): finish the current file, start no other. */
  readonly stopping: () => boolean;
}

/** How one run of a binding ended. */
export interface RunSummary {
  /** Files published or delivered by this run. */
  readonly sent: number;
  readonly bytes: number;
  /** Files that failed this run (each reported to the activity); they are tried again next run. */
  readonly failed: number;
  /** A warning that stopped the run before any file (empty or unreachable source, target gone), reported too. */
  readonly stoppedBy?: ActivityInput['reason'];
}

/** Runs one kind of binding: publish or deliver. */
export interface BindingRunner<B extends SyncBinding> {
  /** One run: every step idempotent, the ledger written last, so a kill at any point resumes without loss or duplicate. */
  run(binding: B, context: RunContext): Promise<RunSummary>;
  /** What the next run would do, doing nothing (no upload, no write, no ledger change). */
  preview(binding: B, context: RunContext): Promise<SyncPreview>;
}
