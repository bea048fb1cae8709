// Runs a vault suite on PGlite (in memory) and on a real PostgreSQL started for the file, with two organisations.
import { afterAll, beforeAll, describe } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../../platform/db/open-database';
import type { Database } from '../../../platform/db/database';
import { organisations } from '../../../platform/db/schema';
import { postgresAvailability, startPostgres, type PostgresServer } from '../../servers/postgres';

/** A migrated database with organisations `org-a` and `org-b`; for PostgreSQL, its server and URL too. */
export interface VaultEnv {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Database;
  readonly postgres?: { readonly server: PostgresServer; readonly bin: string; readonly url: string };
}

const postgres = postgresAvailability();

async function withOrgs(db: Database): Promise<void> {
  const createdAt = new Date();
  await db.insert(organisations).values([
    { id: 'org-a', name: 'A', createdAt },
    { id: 'org-b', name: 'B', createdAt },
  ]);
}

/** Declares `suite` on PGlite and on PostgreSQL (skipped with a reason locally when missing, failing under CI). */
export function forEachVaultDatabase(suite: (env: () => VaultEnv) => void): void {
  describe('on PGlite', () => {
    let database: OpenDatabase | undefined;
    let env: VaultEnv | undefined;
    beforeAll(async () => {
      database = await openDatabase({ kind: 'pglite' });
      await withOrgs(database.db);
      env = { kind: 'pglite', db: database.db };
    });
    afterAll(() => database?.close());
    suite(() => env as VaultEnv);
  });

  describe.skipIf(!postgres.available)('on PostgreSQL', () => {
    let database: OpenDatabase | undefined;
    let server: PostgresServer | undefined;
    let env: VaultEnv | undefined;
    beforeAll(async () => {
      if (!postgres.available) return;
      server = await startPostgres(postgres.bin);
      const url = await server.createDatabase();
      database = await openDatabase({ kind: 'postgres', url });
      await withOrgs(database.db);
      env = { kind: 'postgres', db: database.db, postgres: { server, bin: postgres.bin, url } };
    });
    afterAll(async () => {
      await database?.close();
      await server?.stop();
    });
    suite(() => env as VaultEnv);
  });
}
