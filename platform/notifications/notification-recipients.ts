import { and, eq } from 'drizzle-orm';
import type { ResourceKind } from '../../shared/platform';
import type { Executor } from '../db/database';
import { apiKeys, memberships } from '../db/schema';
import { ownerOf } from '../resources/owned-resources';

/** The organisation's admins (their user IDs). */
export async function adminsOf(db: Executor, orgId: string): Promise<string[]> {
  const rows = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.role, 'admin')));
  return rows.map((row) => row.userId);
}

/**
 * Who stands for a resource's owner among people: the owning member, or for an API key the member who created it
 * (keys read no notifications), as long as that person is still a member of the organisation. Null otherwise.
 */
export async function ownerPersonOf(
  db: Executor,
  orgId: string,
  kind: ResourceKind,
  resourceId: string,
): Promise<string | null> {
  const owner = await ownerOf(db, kind, resourceId);
  if (owner === null) return null;
  let userId: string | null = owner.id;
  if (owner.type === 'api-key') {
    const [key] = await db
      .select({ creatorId: apiKeys.creatorId })
      .from(apiKeys)
      .where(and(eq(apiKeys.id, owner.id), eq(apiKeys.orgId, orgId)));
    userId = key?.creatorId ?? null;
  }
  if (userId === null) return null;
  const [member] = await db
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)));
  return member?.userId ?? null;
}
