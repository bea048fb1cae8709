import { and, eq } from 'drizzle-orm';
import type { Role } from '../../shared/platform';
import type { Executor } from '../db/database';
import { memberships, organisations } from '../db/schema';

/** The IDs of the organisations a person belongs to. */
export async function orgIdsOf(db: Executor, userId: string): Promise<string[]> {
  const rows = await db.select({ orgId: memberships.orgId }).from(memberships).where(eq(memberships.userId, userId));
  return rows.map((row) => row.orgId);
}

/** A person's role in an organisation, or null when they are not a member. */
export async function roleIn(db: Executor, orgId: string, userId: string): Promise<Role | null> {
  const [row] = await db
    .select({ role: memberships.role })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  return row?.role ?? null;
}

/** A person's organisations with their role in each, by name. */
export async function organisationsOf(db: Executor, userId: string) {
  return db
    .select({ org: organisations, role: memberships.role })
    .from(memberships)
    .innerJoin(organisations, eq(organisations.id, memberships.orgId))
    .where(eq(memberships.userId, userId))
    .orderBy(organisations.name);
}
