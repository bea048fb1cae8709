// The background re-wrap: after a rotation (here or on another machine) or a new FERRY_VAULT_KEY, moves every data key
// and pending invitation token to the active key version in batches, then retires the versions nothing uses.
import type { Database } from '../db/database';
import { TokenSealer } from '../auth/token-sealer';
import { defineQueue } from '../jobs/job-queue';
import type { JobsLog, JobsRuntime } from '../jobs/jobs-runtime';
import { loggableError } from '../http/loggable-error';
import type { KeyProvider } from './key-provider';
import { resealInvitationTokens } from './sealed-key-use';
import {
  DEFAULT_RETIRE_GRACE_MS,
  olderKeyIds,
  retireUnusedKeys,
  rewrapBatch,
  type RewrapCursor,
} from './vault-rotation';

/** One re-wrap pass at a time across every instance (singleton policy), retried a few times, then a dead letter. */
export const VAULT_REWRAP_QUEUE = defineQueue<{ readonly reason: 'start' | 'daily' }>({
  name: 'vault-rewrap',
  retryLimit: 3,
  retryDelay: 60,
  retryBackoff: true,
  deadLetter: 'vault-rewrap-dead',
  policy: 'singleton',
  expireInSeconds: 60 * 60,
});

/** Every day at 03:41 UTC (off the hour); also at each start. */
export const VAULT_REWRAP_CRON = '41 3 * * *';

/** What one pass did (logged; tests count it). */
export interface RewrapPassReport {
  readonly rewrapped: number;
  readonly refused: number;
  readonly resealed: number;
  readonly retired: readonly string[];
  readonly removable: readonly string[];
}

/** How the re-wrap runs: rows per batch and how long a superseded version is kept (other instances may use it). */
export interface VaultRewrapOptions {
  readonly batchSize?: number;
  readonly retireGraceMs?: number;
  readonly cron?: string;
}

/** One pass: re-wrap in batches, re-seal pending invitation tokens, retire unused versions after the grace. */
export async function runRewrapPass(
  db: Database,
  keys: KeyProvider,
  options: VaultRewrapOptions = {},
): Promise<RewrapPassReport> {
  let rewrapped = 0;
  let refused = 0;
  let cursor: RewrapCursor | null = null;
  do {
    const step: Awaited<ReturnType<typeof rewrapBatch>> = await rewrapBatch(db, keys, cursor, options.batchSize);
    rewrapped += step.rewrapped;
    refused += step.refused;
    cursor = step.next;
  } while (cursor !== null);
  const { resealed } = await resealInvitationTokens(
    db,
    new TokenSealer(keys),
    await olderKeyIds(keys),
    new Date(),
    options.batchSize,
  );
  const { retired, removable } = await retireUnusedKeys(db, keys, options.retireGraceMs ?? DEFAULT_RETIRE_GRACE_MS);
  return { rewrapped, refused, resealed, retired, removable };
}

/**
 * Runs re-wrap passes on this instance's worker; schedules the daily pass. `queueAtStart` sends a pass once the
 * runtime has started (call it after `jobs.start()`).
 */
export function registerVaultRewrap(
  jobs: JobsRuntime,
  db: Database,
  keys: KeyProvider,
  log: JobsLog,
  options: VaultRewrapOptions = {},
): { queueAtStart(): Promise<void> } {
  jobs.work(VAULT_REWRAP_QUEUE, async () => {
    try {
      const report = await runRewrapPass(db, keys, options);
      if (report.rewrapped + report.refused + report.resealed + report.retired.length + report.removable.length > 0) {
        // Key IDs and counts only, never a key.
        log.info({ vaultRewrap: report }, 'vault re-wrap pass');
      }
    } catch (error) {
      log.error({ err: loggableError(error) }, 'vault re-wrap pass failed');
      throw error;
    }
  });
  jobs.schedule(VAULT_REWRAP_QUEUE, options.cron ?? VAULT_REWRAP_CRON, { reason: 'daily' });
  return {
    queueAtStart: async () => {
      // No singleton key, like the cron's jobs: they share one slot, so one pass runs at a time across instances.
      await jobs.send(VAULT_REWRAP_QUEUE, { reason: 'start' });
    },
  };
}
