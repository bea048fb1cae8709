import { EventEmitter } from 'node:events';
import { isConnectorError } from '../../../connectors/connector-error';
import { type Driver } from '../../../connectors/driver';
import { mapNodeError } from '../../../connectors/map-node-error';
import { joinPath } from '../../../connectors/path-safety';
import { type RetryPolicy } from '../../../connectors/transfer/retry-policy';
import {
  type ConflictChoice,
  FINISHED_TRANSFER_STATES,
  type Transfer,
  type TransferLimits,
  type TransferLocation,
} from '../../../shared/ipc/transfers-ipc';
import type { Language } from '../../../shared/settings';
import type { DriverProvider } from '../connectors/driver-provider';
import type { KeyValueStore } from '../key-value-store';
import { type TransferNotification, notificationOfBatch, waitingNotification } from './batch-notification';
import { TransferJournal } from './transfer-journal';
import { TransferActionError } from './transfer-action-error';
import { planBatch } from './transfer-batch';
import { FolderCopyError, type RunProgress, runTransfer } from './transfer-run';
import { TransferRuntime } from './transfer-runtime';
import { checkConnector, removePartial } from './transfer-endpoints';
import type { ConflictDecider, FoundConflict } from './resolving-copy';

export { TransferActionError } from './transfer-action-error';

/** What the transfers service needs from its host. */
export interface TransfersServiceOptions {
  /** Opens my connectors' drivers (and the local disk's). */
  readonly drivers: DriverProvider;
  /** The journal's SQLite file in the app's data folder (':memory:' in tests that need no restart). */
  readonly journalPath: string;
  /** Where the global limits are remembered (when no runtime is given). */
  readonly store: KeyValueStore;
  /** The queue and bandwidth limit shared with other movers (the sync engine); one of its own by default. */
  readonly runtime?: TransferRuntime;
  /** The user's language, for notification texts. */
  readonly language?: () => Language;
  readonly retry?: RetryPolicy;
  /** Least time between two progress events of one transfer (250 ms: at most 4 a second). */
  readonly progressIntervalMs?: number;
}

type Intent = 'pause' | 'cancel' | 'shutdown';

interface ActiveRun {
  readonly controller: AbortController;
  intent?: Intent;
  readonly finished: Promise<void>;
}

type Listener<T> = (value: T) => void;

/** A transfer without its question: what the service changes (the question follows from its open questions). */
type TransferRecord = Omit<Transfer, 'conflict'>;

/** The transfer with its first open question when waiting; a waiting transfer without questions is queued again. */
function withQuestion(record: TransferRecord, questions: readonly FoundConflict[]): Transfer {
  const first = questions[0];
  if (record.state === 'waiting' && first !== undefined) {
    return { ...record, state: 'waiting', conflict: { ...first, more: questions.length - 1 } };
  }
  return { ...record, state: record.state === 'waiting' ? 'queued' : record.state, conflict: null };
}

// Bytes of running transfers reach the journal this often (states are written at once).
const SAVE_BYTES_EVERY_MS = 2000;

/**
 * The desktop's transfer queue: copies files and folders between my connectors (and the local disk) with the
 * transfer engine, at most `concurrency` at once under one shared bandwidth limit (both changeable live), with pause,
 * resume (from the partial file), cancel and retry. Every transfer is journaled in SQLite, so the queue survives a
 * restart: what was running resumes from its partial, finished transfers keep their history until cleared.
 */
export class TransfersService {
  private readonly journal: TransferJournal;
  private readonly runtime: TransferRuntime;
  private readonly transfers = new Map<string, Transfer>();
  private readonly runs = new Map<string, ActiveRun>();
  private readonly lastEmit = new Map<string, number>();
  private readonly lastSave = new Map<string, number>();
  /** Open questions of waiting transfers (the first is shown), as journaled. */
  private readonly questions = new Map<string, readonly FoundConflict[]>();
  /** "Apply to all" answers, by batch. */
  private readonly batchAnswers: Map<string, ConflictChoice>;
  private readonly events = new EventEmitter<{ update: [Transfer]; notification: [TransferNotification] }>();
  private readonly progressIntervalMs: number;
  private closed = false;

  constructor(private readonly options: TransfersServiceOptions) {
    this.progressIntervalMs = options.progressIntervalMs ?? 250;
    this.journal = new TransferJournal(options.journalPath);
    this.runtime = options.runtime ?? new TransferRuntime(options.store);
    this.batchAnswers = this.journal.batchAnswers();
    for (const { questions, ...entry } of this.journal.all()) {
      // Running when the app stopped: queue it again; it resumes from its partial file. Waiting stays waiting.
      const record = {
        ...entry,
        state: entry.state === 'running' ? 'queued' : entry.state,
        bytesPerSecond: 0,
        etaSeconds: null,
      };
      if (questions.length > 0) this.questions.set(entry.id, questions);
      const transfer = withQuestion(record, questions);
      if (transfer.state !== entry.state) this.journal.update(entry.id, { state: transfer.state });
      this.transfers.set(entry.id, transfer);
    }
    // After the constructor returns, so listeners registered right after construction see every change.
    queueMicrotask(() => {
      for (const transfer of this.transfers.values()) if (transfer.state === 'queued') this.schedule(transfer.id);
    });
  }

  /** Every transfer, oldest first. */
  list(): Transfer[] {
    return [...this.transfers.values()];
  }

  /** One transfer; TransferActionError when unknown. */
  get(id: string): Transfer {
    const transfer = this.transfers.get(id);
    if (transfer === undefined) throw new TransferActionError(`No transfer ${id}: it may have been cleared.`);
    return transfer;
  }

  /** The global limits. */
  limits(): TransferLimits {
    return this.runtime.limits();
  }

  /** Queues a copy of each source (file or folder) into the destination folder, as one batch. */
  async enqueue(
    sources: readonly TransferLocation[],
    destination: TransferLocation,
  ): Promise<{ batchId: string; transfers: Transfer[] }> {
    this.assertOpen();
    if (sources.length === 0) throw new TransferActionError('Choose at least one file or folder to transfer.');
    const { target, entries } = planBatch(sources, destination);
    for (const connectorId of new Set([target.connectorId, ...entries.map((e) => e.source.connectorId)])) {
      await checkConnector(this.options.drivers, connectorId);
    }
    this.journal.insert(entries.map((entry) => ({ ...entry, questions: [] })));
    for (const entry of entries) {
      this.transfers.set(entry.id, entry);
      this.emit(entry);
      this.schedule(entry.id);
    }
    return { batchId: entries[0]!.batchId, transfers: entries };
  }

  /** Pauses a queued or running transfer; a running one stops and keeps its partial file. */
  async pause(id: string): Promise<Transfer> {
    const transfer = this.get(id);
    if (transfer.state === 'paused') return transfer;
    if (transfer.state === 'queued') return this.change(id, { state: 'paused', bytesPerSecond: 0, etaSeconds: null });
    if (transfer.state === 'running') return this.stop(id, 'pause');
    if (transfer.state === 'waiting') {
      throw new TransferActionError(`${transfer.name} waits for your answer: nothing is copied until then.`);
    }
    throw new TransferActionError(`The transfer of ${transfer.name} has ended; retry it instead.`);
  }

  /** Queues a paused transfer again; it continues from its partial file. */
  resume(id: string): Transfer {
    const transfer = this.get(id);
    if (transfer.state === 'queued' || transfer.state === 'running' || transfer.state === 'waiting') return transfer;
    if (transfer.state !== 'paused') {
      throw new TransferActionError(`The transfer of ${transfer.name} has ended; retry it instead.`);
    }
    const queued = this.change(id, { state: 'queued' });
    this.schedule(id);
    return queued;
  }

  /** Cancels a transfer that has not ended; its partial file is removed. */
  async cancel(id: string): Promise<Transfer> {
    const transfer = this.get(id);
    if (transfer.state === 'running') return this.stop(id, 'cancel');
    if (transfer.state === 'paused' || transfer.state === 'queued' || transfer.state === 'waiting') {
      if (transfer.state === 'paused' && transfer.kind === 'file') await removePartial(this.options.drivers, transfer);
      this.setQuestions(id, []);
      return this.change(id, { state: 'cancelled', bytesPerSecond: 0, etaSeconds: null, finishedAt: Date.now() });
    }
    throw new TransferActionError(`The transfer of ${transfer.name} has already ended.`);
  }

  /** Queues a failed or cancelled transfer again (a folder skips the files it already copied). */
  retry(id: string): Transfer {
    const transfer = this.get(id);
    if (transfer.state !== 'failed' && transfer.state !== 'cancelled') {
      throw new TransferActionError(
        `Only failed or cancelled transfers can be retried (${transfer.name} is ${transfer.state}).`,
      );
    }
    const queued = this.change(id, {
      state: 'queued',
      error: null,
      finishedAt: null,
      bytes: 0,
      bytesPerSecond: 0,
      etaSeconds: null,
      files: { done: 0, failed: 0, skipped: 0 },
      outcome: null,
    });
    this.schedule(id);
    return queued;
  }

  /**
   * Answers the question of a waiting transfer. With `applyToAll` the same answer also settles every open question
   * of the batch it makes sense for, now and later (other questions still ask). A transfer with no question left
   * is queued again and runs with its answers.
   */
  resolveConflict(id: string, choice: ConflictChoice, applyToAll: boolean): Transfer {
    const transfer = this.get(id);
    if (transfer.state !== 'waiting') {
      throw new TransferActionError(`${transfer.name} is not waiting for an answer (it is ${transfer.state}).`);
    }
    const question = transfer.conflict;
    if (!question.choices.includes(choice)) {
      throw new TransferActionError(
        `${question.path}: "${choice}" is not possible here (${question.choices.join(', ')}).`,
      );
    }
    this.journal.answer(id, question.sourcePath, choice);
    if (applyToAll) {
      this.batchAnswers.set(transfer.batchId, choice);
      this.journal.setBatchAnswer(transfer.batchId, choice);
    }
    const waiting = this.list().filter(
      (t) => t.state === 'waiting' && (t.id === id || (applyToAll && t.batchId === transfer.batchId)),
    );
    for (const other of waiting) {
      const open = (this.questions.get(other.id) ?? []).filter(
        (q) =>
          !(other.id === id && q.sourcePath === question.sourcePath) && !(applyToAll && q.choices.includes(choice)),
      );
      this.setQuestions(other.id, open);
      if (open.length > 0) {
        this.change(other.id, {});
      } else {
        this.change(other.id, { state: 'queued' });
        this.schedule(other.id);
      }
    }
    return this.get(id);
  }

  /** Forgets done, failed and cancelled transfers; returns their ids. */
  clearFinished(): string[] {
    const ids = this.list()
      .filter((t) => FINISHED_TRANSFER_STATES.has(t.state))
      .map((t) => t.id);
    this.journal.remove(ids);
    for (const id of ids) {
      this.transfers.delete(id);
      this.lastEmit.delete(id);
      this.lastSave.delete(id);
      this.questions.delete(id);
    }
    return ids;
  }

  /** Changes the limits, remembers them and applies them at once to running and waiting transfers. */
  setLimits(patch: Partial<TransferLimits>): TransferLimits {
    return this.runtime.setLimits(patch);
  }

  /** Bytes per second the shared limiter allows now (null: unlimited). */
  get bandwidthRate(): number | null {
    return this.runtime.limiter.bytesPerSecond;
  }

  /** Calls `listener` on every change of a transfer (progress throttled); returns the unsubscribe function. */
  onUpdate(listener: Listener<Transfer>): () => void {
    this.events.on('update', listener);
    return () => void this.events.off('update', listener);
  }

  /** Calls `listener` when the limits change; returns the unsubscribe function. */
  onLimitsChange(listener: Listener<TransferLimits>): () => void {
    return this.runtime.onLimitsChange(listener);
  }

  /** Calls `listener` when a batch ends, fails or waits for an answer (the shell shows an OS notification). */
  onNotification(listener: Listener<TransferNotification>): () => void {
    this.events.on('notification', listener);
    return () => void this.events.off('notification', listener);
  }

  /** Resolves when nothing runs or waits (tests, the CLI). */
  async whenIdle(): Promise<void> {
    await Promise.resolve();
    await this.runtime.queue.onIdle();
  }

  /** Stops running transfers keeping their partial files (they resume on the next start) and closes the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const runs = [...this.runs.values()];
    for (const run of runs) {
      run.intent = 'shutdown';
      run.controller.abort();
    }
    await Promise.all(runs.map((run) => run.finished));
    this.journal.close();
  }

  private schedule(id: string): void {
    // A run that has just ended may still be closing its drivers (its state already shown): the next one follows it.
    const previous = this.runs.get(id);
    if (previous === undefined) void this.runtime.queue.add(() => this.run(id));
    else void previous.finished.then(() => this.schedule(id));
  }

  private async stop(id: string, intent: 'pause' | 'cancel'): Promise<Transfer> {
    const run = this.runs.get(id);
    if (run !== undefined) {
      run.intent ??= intent;
      run.controller.abort();
      await run.finished;
    }
    return this.get(id);
  }

  private async run(id: string): Promise<void> {
    const transfer = this.transfers.get(id);
    if (this.closed || transfer === undefined || transfer.state !== 'queued' || this.runs.has(id)) return;
    const controller = new AbortController();
    let finish = (): void => undefined;
    const run: ActiveRun = { controller, finished: new Promise<void>((resolve) => (finish = resolve)) };
    this.runs.set(id, run);
    this.change(id, { state: 'running', error: null, finishedAt: null, bytesPerSecond: 0, etaSeconds: null });
    const opened: Driver[] = [];
    const folder = this.runtime.folderQueue();
    try {
      const source = await this.options.drivers.open(transfer.source.connectorId);
      opened.push(source);
      // One driver when both ends are the same connector: the storage may then copy server-side.
      const destination =
        transfer.destination.connectorId === transfer.source.connectorId
          ? source
          : await this.options.drivers.open(transfer.destination.connectorId);
      if (destination !== source) opened.push(destination);
      const result = await runTransfer({
        source,
        destination,
        sourcePath: transfer.source.path,
        destinationPath: joinPath(transfer.destination.path, transfer.name),
        signal: controller.signal,
        limiter: this.runtime.limiter,
        retry: this.options.retry,
        retainPartial: () => run.intent === 'pause' || run.intent === 'shutdown',
        folderQueue: () => folder.queue,
        doneFiles: this.journal.doneFiles(id),
        decide: this.decider(transfer.batchId, this.journal.answers(id)),
        onKind: (kind, total) => this.change(id, { kind, total }),
        onProgress: (progress) => this.progress(id, progress),
        onFileDone: (path, file) => this.journal.fileDone(id, path, file),
      });
      // An "apply to all" given meanwhile (another transfer of the batch) may already answer some questions.
      const decide = this.decider(transfer.batchId, new Map());
      const open = result.questions.filter((q) => decide(q) === undefined);
      const idle = { bytes: result.bytes, files: result.files, bytesPerSecond: 0, etaSeconds: null } as const;
      if (result.questions.length > 0) {
        // One notification per batch while it waits: the window may be closed (tray) and nothing would move.
        const asked = this.list().some((t) => t.batchId === transfer.batchId && t.state === 'waiting');
        this.setQuestions(id, open);
        this.change(id, { ...idle, state: open.length > 0 ? 'waiting' : 'queued' });
        if (open.length === 0) this.schedule(id);
        else if (!asked) {
          const language = this.options.language?.() ?? 'en';
          this.events.emit('notification', waitingNotification(transfer.batchId, open[0]!.path, language));
        }
        return;
      }
      this.change(id, {
        ...idle,
        state: 'done',
        total: result.bytes,
        verification: result.verification,
        outcome: result.outcome,
        finishedAt: Date.now(),
      });
    } catch (raw) {
      this.ended(id, run.intent, raw);
    } finally {
      folder.release();
      await Promise.all(opened.map((driver) => driver.close().catch(() => undefined)));
      this.runs.delete(id);
      finish();
    }
  }

  private ended(id: string, intent: Intent | undefined, raw: unknown): void {
    const idle = { bytesPerSecond: 0, etaSeconds: null } as const;
    switch (intent) {
      case 'shutdown':
        // Stays 'running' in the journal: the next start queues it again and it resumes from its partial.
        this.journal.update(id, { bytes: this.get(id).bytes });
        return;
      case 'pause':
        this.change(id, { state: 'paused', ...idle });
        return;
      case 'cancel':
        this.change(id, { state: 'cancelled', ...idle, finishedAt: Date.now() });
        return;
      case undefined: {
        const error = isConnectorError(raw) ? raw : mapNodeError(raw);
        const folder = error instanceof FolderCopyError ? { files: error.files, bytes: error.bytes } : {};
        this.change(id, { state: 'failed', ...idle, ...folder, error: error.toJSON(), finishedAt: Date.now() });
        return;
      }
    }
  }

  private progress(id: string, progress: RunProgress): void {
    const transfer = this.transfers.get(id);
    if (transfer === undefined || transfer.state !== 'running') return;
    const next: Transfer = {
      ...transfer,
      bytes: progress.bytes,
      total: progress.total ?? transfer.total,
      bytesPerSecond: progress.bytesPerSecond,
      etaSeconds: progress.etaSeconds,
      files: progress.files,
    };
    this.transfers.set(id, next);
    const now = performance.now();
    if (now - (this.lastSave.get(id) ?? -Infinity) >= SAVE_BYTES_EVERY_MS) {
      this.lastSave.set(id, now);
      this.journal.update(id, { bytes: next.bytes, files: next.files });
    }
    if (now - (this.lastEmit.get(id) ?? -Infinity) >= this.progressIntervalMs) this.emit(next);
  }

  // Known answers for a run: the user's for that file, else the batch's "apply to all", each only where it fits.
  private decider(batchId: string, answers: ReadonlyMap<string, ConflictChoice>): ConflictDecider {
    return (conflict) =>
      [answers.get(conflict.sourcePath), this.batchAnswers.get(batchId)].find(
        (choice) => choice !== undefined && conflict.choices.includes(choice),
      );
  }

  private setQuestions(id: string, questions: readonly FoundConflict[]): void {
    if (questions.length === 0) this.questions.delete(id);
    else this.questions.set(id, questions);
    this.journal.update(id, { questions });
  }

  private change(id: string, patch: Partial<Omit<TransferRecord, 'id'>>): Transfer {
    const { conflict: _question, ...current } = this.get(id);
    const next = withQuestion({ ...current, ...patch }, this.questions.get(id) ?? []);
    this.transfers.set(id, next);
    const { bytesPerSecond: _rate, etaSeconds: _eta, ...persisted } = patch;
    this.journal.update(id, persisted);
    this.emit(next);
    if (patch.state !== undefined && FINISHED_TRANSFER_STATES.has(patch.state)) this.checkBatch(next.batchId);
    return next;
  }

  private emit(transfer: Transfer): void {
    this.lastEmit.set(transfer.id, performance.now());
    this.events.emit('update', transfer);
  }

  private checkBatch(batchId: string): void {
    const batch = this.list().filter((t) => t.batchId === batchId);
    const notification = notificationOfBatch(batchId, batch, this.options.language?.() ?? 'en');
    if (notification === undefined) return;
    this.events.emit('notification', notification);
  }

  private assertOpen(): void {
    if (this.closed) throw new TransferActionError('Ferry is shutting down; try again after the restart.');
  }
}
