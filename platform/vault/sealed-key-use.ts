// Sealed values outside vault_secrets that also depend on a key version: pending invitations' tokens, queued mail and
// download links still valid.
import { and, eq, gt, inArray, isNull, like, sql } from 'drizzle-orm';
import type { Database } from '../db/database';
import { invitations } from '../db/schema';
import { sealedKeyId, type TokenSealer } from '../auth/token-sealer';
import { downloadLinkKeyIdsInUse } from '../acquisitions/acquisition-files';

const rowsOf = <T>(result: unknown): readonly T[] => (result as { rows: T[] }).rows;

const KEK_OF_TOKEN = sql<string>`split_part(${invitations.sealedToken}, '.', 2)`;

/**
 * Key versions still needed by sealed tokens of pending invitations (their links are copied from them), by download
 * links not yet expired, and by e-mails waiting in the `mail` queue (retired too early, they could no longer be sent).
 */
export async function sealedKeyIdsInUse(db: Database, now: Date = new Date()): Promise<ReadonlySet<string>> {
  const tokens = await db
    .selectDistinct({ kekId: KEK_OF_TOKEN })
    .from(invitations)
    .where(and(like(invitations.sealedToken, 'v2.%'), isNull(invitations.acceptedAt), gt(invitations.expiresAt, now)));
  const used = new Set(tokens.map((row) => row.kekId));
  for (const kekId of await downloadLinkKeyIdsInUse(db, now)) used.add(kekId);
  // pg-boss installs its schema at the first start: a database never started by a server has no queue yet.
  const [installed] = rowsOf<{ present: boolean }>(
    await db.execute(sql`select to_regclass('pgboss.job') is not null as present`),
  );
  if (installed?.present === true) {
    const jobs = rowsOf<{ sealed: string | null }>(
      await db.execute(
        sql`select distinct data->>'sealed' as sealed from pgboss.job
            where name = 'mail' and state in ('created', 'retry', 'active')`,
      ),
    );
    for (const { sealed } of jobs) {
      const kekId = sealed === null ? null : sealedKeyId(sealed);
      if (kekId !== null) used.add(kekId);
    }
  }
  return used;
}

/**
 * Re-seals up to `batchSize` pending invitations' tokens sealed under one of `older` with the active version, so
 * those versions can retire. A token that does not open (its version not held) is left; a row changed meanwhile too.
 */
export async function resealInvitationTokens(
  db: Database,
  sealer: TokenSealer,
  older: readonly string[],
  now: Date = new Date(),
  batchSize = 200,
): Promise<{ readonly resealed: number; readonly unopened: number }> {
  if (older.length === 0) return { resealed: 0, unopened: 0 };
  let resealed = 0;
  let unopened = 0;
  const skipped = new Set<string>();
  for (;;) {
    const rows = await db
      .select({ id: invitations.id, sealedToken: invitations.sealedToken })
      .from(invitations)
      .where(
        and(
          like(invitations.sealedToken, 'v2.%'),
          inArray(KEK_OF_TOKEN, older),
          isNull(invitations.acceptedAt),
          gt(invitations.expiresAt, now),
        ),
      )
      .orderBy(invitations.id)
      .limit(batchSize + skipped.size);
    const todo = rows.filter((row) => !skipped.has(row.id));
    if (todo.length === 0) return { resealed, unopened };
    for (const row of todo) {
      const token = await sealer.open(row.sealedToken, 'invitation-token');
      if (token === null) {
        skipped.add(row.id);
        unopened++;
        continue;
      }
      const updated = await db
        .update(invitations)
        .set({ sealedToken: await sealer.seal(token, 'invitation-token') })
        .where(and(eq(invitations.id, row.id), eq(invitations.sealedToken, row.sealedToken)))
        .returning({ id: invitations.id });
      resealed += updated.length;
      // Changed by someone else meanwhile: not picked again in this pass.
      if (updated.length === 0) skipped.add(row.id);
    }
  }
}
