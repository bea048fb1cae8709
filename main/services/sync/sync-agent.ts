import { EventEmitter } from 'node:events';
import { type CredentialExpiry, expiryThreshold } from '../../../connectors/config/credential-expiry';
import { describeError, isConnectorError } from '../../../connectors/connector-error';
import type {
  ActivityEntry,
  ActivityInput,
  DeliverBinding,
  PublishBinding,
  SyncBinding,
  SyncPreview,
  SyncStatus,
} from '../../../shared/ipc/sync-ipc';
import { assertNever } from '../../../shared/assert-never';
import type { DriverProvider } from '../connectors/driver-provider';
import type { KeyValueStore } from '../key-value-store';
import type { TransferRuntime } from '../transfers/transfer-runtime';
import { ActivityLog } from './activity-log';
import { bindingState, forgetTarget, lastRunOfAny, markRunEnded } from './binding-state';
import { askRedelivery } from './delivery-records';
import type { AgentPlatform } from './agent-platform';
import type { BindingRunner, RunContext, RunSummary } from './binding-runner';
import type { BindingSource } from './sync-bindings-store';
import type { SyncLedger } from './sync-ledger';

/** How often the agent looks for bindings that are due (a run starts at most this late after its interval). */
export const SYNC_TICK_MS = 30_000;

const PAUSE_KEY = 'sync.pausedUntil';

/** What the agent runs on. */
export interface SyncAgentOptions {
  readonly ledger: SyncLedger;
  readonly bindings: BindingSource;
  readonly drivers: DriverProvider;
  readonly platform: AgentPlatform;
  /** The queue and bandwidth limit shared with manual transfers. */
  readonly runtime: TransferRuntime;
  readonly runners: {
    readonly publish: BindingRunner<PublishBinding>;
    readonly deliver: BindingRunner<DeliverBinding>;
  };
  /** Where a pause is remembered across restarts (none: a pause lasts as long as the process). */
  readonly store?: KeyValueStore;
  /** When a my-connector's credentials expire (an Azure SAS, a certificate); checked before each run. */
  readonly credentialExpiry?: (connectorId: string) => Promise<CredentialExpiry | null>;
  readonly tickMs?: number;
}

/** How one binding's run ended, for `runOnce` (the headless agent's exit code). */
export type BindingOutcome =
  { readonly kind: 'ran'; readonly summary: RunSummary } | { readonly kind: 'crashed'; readonly error: unknown };

interface Events {
  status: [SyncStatus];
  activity: [ActivityEntry];
  run: [SyncBinding, BindingOutcome, readonly ActivityEntry[]];
}

// A pause: until a time (ms), or until resumed (null).
type Pause = { readonly until: number | null } | undefined;

/**
 * The sync agent: runs each enabled binding on its interval (publish a my-connector folder to an offer, deliver an
 * acquisition into one), sync now, pause for a while or until resumed, and a graceful stop that lets the current
 * file finish. Each binding runs at most once at a time; files share the transfer queue and bandwidth limit with
 * manual transfers. Its status feeds the tray; its activity the window and the tray. Plain Node: the app, the
 * browser harness and `ferry agent` run the same agent.
 */
export class SyncAgent {
  /** Every publish, delivery, conflict, skip, failure and warning. */
  readonly activity: ActivityLog;
  private readonly running = new Map<string, Promise<BindingOutcome>>();
  private readonly problems = new Map<string, string>();
  private readonly events = new EventEmitter<Events>();
  private readonly abort = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private pause: Pause;
  private stopping = false;
  private lastRunAt: number | null = null;
  private lastStatus = '';

  constructor(private readonly options: SyncAgentOptions) {
    this.activity = new ActivityLog(options.ledger);
    const saved = options.store?.get(PAUSE_KEY);
    if (saved === null || typeof saved === 'number') this.pause = { until: saved };
    this.lastRunAt = lastRunOfAny(options.ledger);
  }

  /** Starts running due bindings now and every tick. */
  start(): void {
    if (this.timer !== undefined || this.stopping) return;
    this.timer = setInterval(() => this.runDue(), this.options.tickMs ?? SYNC_TICK_MS);
    this.timer.unref();
    this.runDue();
  }

  /** Runs the bindings whose interval has passed (after a suspend or a restart, the ones missed meanwhile). */
  runDue(): void {
    if (this.isPaused() || this.stopping) return;
    const now = this.options.ledger.now();
    for (const binding of this.enabled()) {
      const last = this.lastRunOf(binding.id);
      if (last === null || now - last >= binding.intervalMinutes * 60_000) this.launch(binding);
    }
  }

  /** Lifts a pause and runs every enabled binding now (those already running go on). */
  syncNow(): SyncStatus {
    if (this.pause !== undefined) this.setPause(undefined);
    for (const binding of this.enabled()) this.launch(binding);
    return this.status();
  }

  /** Runs every enabled binding once and waits for all (the headless `--once`, tests). */
  async runOnce(): Promise<ReadonlyMap<string, BindingOutcome>> {
    const outcomes = new Map<string, BindingOutcome>();
    await Promise.all(
      this.enabled().map(async (binding) => {
        // One already running (a tick) is waited for, then this run goes.
        await this.running.get(binding.id);
        outcomes.set(binding.id, await this.launch(binding));
      }),
    );
    return outcomes;
  }

  /** Pauses for `hours` (null: until resumed): running bindings finish their current file and stop. */
  pauseFor(hours: number | null): SyncStatus {
    this.setPause({ until: hours === null ? null : this.options.ledger.now() + hours * 3_600_000 });
    return this.status();
  }

  /** Resumes a paused agent and runs what became due. */
  resume(): SyncStatus {
    this.setPause(undefined);
    this.runDue();
    return this.status();
  }

  /**
   * Delivers again, at once, a file a deliver binding delivered before (the user deleted it and wants it back);
   * false when that binding never delivered it (its runs deliver it anyway).
   */
  redeliver(bindingId: string, fileId: string): boolean {
    const binding = this.options.bindings.list().find((b) => b.id === bindingId);
    if (binding === undefined || binding.kind !== 'deliver') return false;
    const asked = askRedelivery(this.options.ledger, bindingId, fileId);
    if (asked && binding.enabled && !this.isPaused()) void this.launch(binding);
    return asked;
  }

  /** What a binding's next run would do. */
  async preview(bindingId: string): Promise<SyncPreview> {
    const binding = this.options.bindings.list().find((b) => b.id === bindingId);
    if (binding === undefined) throw new Error(`No binding ${bindingId}.`);
    const context = this.contextFor(binding);
    switch (binding.kind) {
      case 'publish':
        return this.options.runners.publish.preview(binding, context);
      case 'deliver':
        return this.options.runners.deliver.preview(binding, context);
      default:
        return assertNever(binding);
    }
  }

  /** The agent's state for the tray and the window. */
  status(): SyncStatus {
    const paused = this.isPaused();
    const problem = [...this.problems.values()][0] ?? null;
    const state = paused ? 'paused' : this.running.size > 0 ? 'syncing' : problem !== null ? 'error' : 'idle';
    return {
      state,
      pausedUntil: paused && this.pause?.until != null ? new Date(this.pause.until).toISOString() : null,
      running: this.running.size,
      bindings: this.enabled().length,
      lastRunAt: this.lastRunAt === null ? null : new Date(this.lastRunAt).toISOString(),
      problem,
    };
  }

  /** Calls `listener` when the status changes; returns the unsubscribe function. */
  onStatus(listener: (status: SyncStatus) => void): () => void {
    this.events.on('status', listener);
    return () => this.events.off('status', listener);
  }

  /** Calls `listener` for each activity entry written; returns the unsubscribe function. */
  onActivity(listener: (entry: ActivityEntry) => void): () => void {
    this.events.on('activity', listener);
    return () => this.events.off('activity', listener);
  }

  /** Calls `listener` after each binding's run with what it reported (notifications); returns the unsubscribe. */
  onRunEnd(
    listener: (binding: SyncBinding, outcome: BindingOutcome, entries: readonly ActivityEntry[]) => void,
  ): () => void {
    this.events.on('run', listener);
    return () => this.events.off('run', listener);
  }

  /**
   * A binding was saved again (changed, or made again after its target was deleted): a deliver binding finds or
   * makes its target anew at its next run, and its last problem is forgotten until that run.
   */
  bindingSaved(bindingId: string): void {
    forgetTarget(this.options.ledger, bindingId);
    this.problems.delete(bindingId);
    this.emitStatus();
  }

  /** Forgets what a removed binding observed (its published and delivered records stay). */
  forget(bindingId: string): void {
    this.problems.delete(bindingId);
    this.options.ledger.forgetBinding(bindingId);
    this.emitStatus();
  }

  /**
   * Stops: no new run or file starts; `graceful` lets each running binding finish its current file (SIGTERM, quit),
   * otherwise the files under way are aborted (their partials kept for the next start). Waits for the runs to end.
   */
  async stop(graceful = true): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    this.timer = undefined;
    if (!graceful) this.abort.abort(new Error('The agent stopped.'));
    await Promise.all(this.running.values());
  }

  private enabled(): readonly SyncBinding[] {
    return this.options.bindings.list().filter((b) => b.enabled);
  }

  private isPaused(): boolean {
    if (this.pause === undefined) return false;
    if (this.pause.until !== null && this.pause.until <= this.options.ledger.now()) {
      this.setPause(undefined);
      return false;
    }
    return true;
  }

  private setPause(pause: Pause): void {
    this.pause = pause;
    // false, not undefined: electron-store refuses to set undefined (it wants delete()).
    this.options.store?.set(PAUSE_KEY, pause === undefined ? false : pause.until);
    this.emitStatus();
  }

  private lastRunOf(bindingId: string): number | null {
    return bindingState(this.options.ledger, bindingId).lastRunAt;
  }

  private report(binding: SyncBinding, input: ActivityInput, into?: ActivityEntry[]): void {
    const entry = this.activity.add(input, binding.name);
    into?.push(entry);
    this.events.emit('activity', entry);
  }

  private contextFor(binding: SyncBinding, into?: ActivityEntry[]): RunContext {
    return {
      ledger: this.options.ledger,
      drivers: this.options.drivers,
      platform: this.options.platform,
      runtime: this.options.runtime,
      report: (input) => this.report(binding, { ...input, bindingId: binding.id }, into),
      signal: this.abort.signal,
      stopping: () => this.stopping || this.isPaused(),
    };
  }

  private launch(binding: SyncBinding): Promise<BindingOutcome> {
    const already = this.running.get(binding.id);
    if (already !== undefined) return already;
    if (this.stopping) return Promise.resolve({ kind: 'crashed', error: new Error('The agent is stopping.') });
    const run = this.runBinding(binding).finally(() => {
      this.running.delete(binding.id);
      this.emitStatus();
    });
    this.running.set(binding.id, run);
    this.emitStatus();
    return run;
  }

  /**
   * Warns once per binding and threshold (14 days, 3 days, expired) that its connector's credentials expire: in the
   * activity, so in the tray too. A renewed credential (another expiry date) is warned about afresh.
   */
  private async warnCredentialExpiry(binding: SyncBinding, context: RunContext): Promise<boolean> {
    const expiry = await this.options.credentialExpiry?.(binding.connectorId).catch(() => null);
    if (expiry == null) return false;
    const threshold = expiryThreshold(expiry.expiresAt, new Date(this.options.ledger.now()));
    if (threshold === null) return false;
    const reason = threshold === 0 ? 'credential-expired' : 'credential-expiring';
    const message = `The connector's ${expiry.source} ${threshold === 0 ? 'expired' : 'expires'} ${expiry.expiresAt.toISOString()} (warning at ${threshold} days).`;
    const told = this.options.ledger.db
      .prepare("SELECT 1 FROM activity WHERE binding_id = ? AND kind = 'credential-expiry' AND message = ? LIMIT 1")
      .get(binding.id, message);
    if (told === undefined) {
      context.report({
        kind: 'credential-expiry',
        bindingId: binding.id,
        reason,
        code: expiry.source,
        message,
        hint: `Edit the connector and enter a new ${expiry.source} before it stops working.`,
      });
    }
    return threshold === 0;
  }

  private async runBinding(binding: SyncBinding): Promise<BindingOutcome> {
    const entries: ActivityEntry[] = [];
    const context = this.contextFor(binding, entries);
    let outcome: BindingOutcome;
    const expired = await this.warnCredentialExpiry(binding, context);
    try {
      const summary =
        binding.kind === 'publish'
          ? await this.options.runners.publish.run(binding, context)
          : await this.options.runners.deliver.run(binding, context);
      outcome = { kind: 'ran', summary };
      if (summary.failed > 0) {
        this.problems.set(binding.id, `${binding.name}: ${summary.failed} file(s) failed.`);
      } else if (summary.stoppedBy !== undefined) {
        this.problems.set(binding.id, `${binding.name}: ${summary.stoppedBy}.`);
      } else if (expired) {
        this.problems.set(binding.id, `${binding.name}: the connector's credentials have expired.`);
      } else {
        this.problems.delete(binding.id);
      }
    } catch (error) {
      // A runner reports per-file failures itself; what reaches here stopped the whole run (platform gone, bug).
      outcome = { kind: 'crashed', error };
      if (this.abort.signal.aborted) return outcome;
      this.report(
        binding,
        {
          kind: 'failed',
          bindingId: binding.id,
          ...(isConnectorError(error) ? { code: error.code } : {}),
          message: describeError(error),
        },
        entries,
      );
      this.problems.set(binding.id, `${binding.name}: ${describeError(error)}`);
    }
    this.lastRunAt = markRunEnded(this.options.ledger, binding.id);
    this.events.emit('run', binding, outcome, entries);
    return outcome;
  }

  private emitStatus(): void {
    const status = this.status();
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    this.lastStatus = key;
    this.events.emit('status', status);
  }
}
