// Runs a jobs suite on PGlite and on a real PostgreSQL: runtimes on the suite's database, stopped before it closes.
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import type { Database } from '../../../platform/db/database';
import { bossDatabaseOf } from '../../../platform/jobs/boss-database';
import { JobsRuntime, type JobsLog, type JobsRuntimeOptions } from '../../../platform/jobs/jobs-runtime';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';

/** Polling as fast as pg-boss allows, cron passes every second: the suites wait seconds, not minutes. */
export const FAST: JobsRuntimeOptions = { pollingIntervalSeconds: 0.5, cronIntervalSeconds: 1, stopTimeoutSeconds: 5 };

/** A log that keeps what the runtime reported, so a test can show it when something goes wrong. */
export function recordingLog(): JobsLog & { readonly lines: string[] } {
  const lines: string[] = [];
  const keep =
    (level: string) =>
    (...args: unknown[]) =>
      void lines.push(`${level} ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ')}`);
  return { lines, info: keep('info'), warn: keep('warn'), error: keep('error') } as unknown as JobsLog & {
    readonly lines: string[];
  };
}

/** A database for a jobs suite, and runtimes on it (each on its own connection pool with PostgreSQL). */
export interface JobsEnv {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Database;
  /** A runtime on this database; with PostgreSQL on a pool of its own, like another platform instance. */
  runtime(options?: JobsRuntimeOptions): Promise<JobsRuntime>;
}

const postgres = postgresAvailability();

/** Waits until `check` holds (polling every 50 ms), or fails with `what` after `ms`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Declares `suite` on PGlite (in memory) and on a PostgreSQL started for the file (skipped without it locally). */
export function forEachJobsDatabase(suite: (env: () => JobsEnv) => void): void {
  describe('on PGlite', () => suite(jobsEnv('pglite')));
  onPostgres(suite);
}

/** Declares `suite` on a PostgreSQL started for the file only (several instances sharing one server). */
export function onPostgres(suite: (env: () => JobsEnv) => void): void {
  describe.skipIf(!postgres.available)('on PostgreSQL', () => suite(jobsEnv('postgres')));
}

// Registers the hooks that open the suite's database and stop its runtimes before closing it.
function jobsEnv(kind: JobsEnv['kind']): () => JobsEnv {
  let env: JobsEnv | undefined;
  let server: PostgresServer | undefined;
  const databases: OpenDatabase[] = [];
  const runtimes: JobsRuntime[] = [];
  beforeAll(async () => {
    const url =
      kind === 'postgres' && postgres.available
        ? await (server = await startPostgres(postgres.bin)).createDatabase()
        : undefined;
    const open = () => openDatabase(url !== undefined ? { kind: 'postgres', url } : { kind: 'pglite' });
    const first = await open();
    databases.push(first);
    env = {
      kind,
      db: first.db,
      async runtime(options = FAST) {
        // PGlite is one in-process database: every runtime shares it. PostgreSQL: a pool per runtime.
        const database = kind === 'pglite' || runtimes.length === 0 ? first : await open();
        if (database !== first) databases.push(database);
        const runtime = new JobsRuntime(bossDatabaseOf(database.db), recordingLog(), options);
        runtimes.push(runtime);
        return runtime;
      },
    };
  });
  afterAll(async () => {
    for (const runtime of runtimes) await runtime.stop();
    for (const database of databases) await database.close();
    await server?.stop();
  });
  return () => env as JobsEnv;
}
