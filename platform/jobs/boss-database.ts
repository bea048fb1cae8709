import { PGlite } from '@electric-sql/pglite';
import { Pool } from 'pg';
import { fromPglite, type Db } from 'pg-boss';
import type { Database } from '../db/database';

/** How pg-boss reaches the platform's database: the same PGlite instance or the same PostgreSQL pool. */
export interface BossDatabase {
  readonly backend: 'pglite' | 'postgres';
  readonly db: Db;
}

/**
 * pg-boss's executor over the connection Drizzle already holds: PGlite through pg-boss's own adapter (one
 * in-process session, no socket in between), PostgreSQL through the platform's pool (pg-boss's own driver does the
 * same `pool.query`), so jobs live in the database the rows that cause them live in.
 */
export function bossDatabaseOf(database: Database): BossDatabase {
  const client = (database as unknown as { readonly $client?: unknown }).$client;
  if (client instanceof PGlite) return { backend: 'pglite', db: fromPglite(client) };
  if (client instanceof Pool) {
    return { backend: 'postgres', db: { executeSql: (text, values) => client.query(text, values) } };
  }
  throw new Error('the jobs runtime needs a database opened by openDatabase (PGlite or a PostgreSQL pool)');
}
