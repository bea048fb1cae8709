import { and, eq, inArray, sql } from 'drizzle-orm';
import { RESOURCE_KINDS, type OwnedResourcesQuery, type ResourceKind } from '../../shared/platform';
import { assertNever } from '../../shared/assert-never';
import type { Executor } from '../db/database';
import { apiKeys, memberships, orgConnectors, ownedResources } from '../db/schema';
import { ApiError } from '../http/api-error';
import { deleteConnectorRows } from '../connectors/delete-connector-rows';
import type { ConnectorUsages } from '../connectors/connector-usages';
import { deleteOfferRows } from '../offers/delete-offer';

/** A principal that can own resources: a member (user) or an API key. */
export interface Owner {
  readonly type: 'user' | 'api-key';
  readonly id: string;
}

function isResourceKind(kind: string): kind is ResourceKind {
  return (RESOURCE_KINDS as readonly string[]).includes(kind);
}

const ownedBy = (orgId: string, owner: Owner) =>
  and(eq(ownedResources.orgId, orgId), eq(ownedResources.ownerType, owner.type), eq(ownedResources.ownerId, owner.id));

/** Records that `owner` owns a resource (called by whatever creates the resource, in its transaction). */
export async function recordOwnership(
  db: Executor,
  orgId: string,
  kind: ResourceKind,
  resourceId: string,
  owner: Owner,
): Promise<void> {
  await db.insert(ownedResources).values({ orgId, kind, resourceId, ownerType: owner.type, ownerId: owner.id });
}

/** Forgets a deleted resource's ownership row. */
export async function forgetOwnership(db: Executor, kind: ResourceKind, resourceId: string): Promise<void> {
  await db.delete(ownedResources).where(and(eq(ownedResources.kind, kind), eq(ownedResources.resourceId, resourceId)));
}

/** How many resources an owner owns in an organisation. */
export async function countOwned(db: Executor, orgId: string, owner: Owner): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(ownedResources)
    .where(ownedBy(orgId, owner));
  return row?.n ?? 0;
}

/** The current owner of a resource, or null when nobody owns it. */
export async function ownerOf(db: Executor, kind: ResourceKind, resourceId: string): Promise<Owner | null> {
  const [row] = await db
    .select({ type: ownedResources.ownerType, id: ownedResources.ownerId })
    .from(ownedResources)
    .where(and(eq(ownedResources.kind, kind), eq(ownedResources.resourceId, resourceId)));
  return row ?? null;
}

/** What deleting owned resources must respect: things that use them are not left pointing at nothing. */
export interface OwnedResourceRules {
  readonly connectorUsages: ConnectorUsages;
}

async function deleteResource(
  db: Executor,
  rules: OwnedResourceRules,
  orgId: string,
  kind: ResourceKind,
  resourceId: string,
  now: Date,
) {
  switch (kind) {
    case 'api-key':
      // A key that owns resources takes them with it: deletion was chosen for everything its owner had.
      await deleteOwned(db, rules, orgId, { type: 'api-key', id: resourceId }, now);
      await db
        .update(apiKeys)
        .set({ deletedAt: now })
        .where(and(eq(apiKeys.id, resourceId), eq(apiKeys.orgId, orgId)));
      break;
    case 'connector': {
      // As when an admin deletes it: refused (the whole removal with it) while an offer or delivery uses it.
      const [row] = await db
        .select({ name: orgConnectors.name })
        .from(orgConnectors)
        .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, resourceId)));
      if (row !== undefined) await rules.connectorUsages.refuseIfUsed(db, orgId, resourceId, row.name);
      await deleteConnectorRows(db, orgId, resourceId);
      break;
    }
    case 'offer':
      // Refused with offer_acquired (the whole removal with it) once anyone acquired it. Its stored bytes stay
      // behind: they may only go once this transaction commits, which the caller's flow does not tell us.
      await deleteOfferRows(db, orgId, resourceId);
      break;
    default:
      assertNever(kind, 'resource kind');
  }
  await forgetOwnership(db, kind, resourceId);
}

const DELETION_ORDER = { offer: 0, 'api-key': 1 } as const;

async function deleteOwned(
  db: Executor,
  rules: OwnedResourceRules,
  orgId: string,
  owner: Owner,
  now: Date,
): Promise<number> {
  const rows = await db.select().from(ownedResources).where(ownedBy(orgId, owner));
  // Users before what they use: an offer (or a key's offer) reading from a connector must not keep it "in use".
  const rank = (kind: string): number => (DELETION_ORDER as Record<string, number>)[kind] ?? 2;
  rows.sort((a, b) => rank(a.kind) - rank(b.kind));
  for (const row of rows) {
    if (!isResourceKind(row.kind)) throw new Error(`unknown resource kind ${row.kind} in owned_resources`);
    await deleteResource(db, rules, orgId, row.kind, row.resourceId, now);
  }
  return rows.length;
}

/**
 * Before an owner is deleted: transfers what it owns to an editor or admin member (`transferTo`), or deletes it,
 * as the request chose. Refuses with `owned_resources` (and the count) when it owns something and no choice was
 * made, and with `invalid_transfer_target` when the target is not an editor or admin of the organisation (or is a
 * member being removed, listed in `excluded`), with `connector_in_use` when a connector to delete is in use, and with
 * `offer_acquired` when an offer to delete was acquired.
 */
export async function settleOwnedResources(
  db: Executor,
  rules: OwnedResourceRules,
  orgId: string,
  owner: Owner,
  choice: OwnedResourcesQuery,
  now: Date,
  excluded: readonly string[] = [],
): Promise<{ transferred: number; deleted: number }> {
  const count = await countOwned(db, orgId, owner);
  if (count === 0) return { transferred: 0, deleted: 0 };
  switch (choice.ownedResources) {
    case undefined:
      throw new ApiError(
        'owned_resources',
        `This ${owner.type === 'user' ? 'member' : 'API key'} owns ${count} resource(s): transfer them ` +
          `(ownedResources=transfer&transferTo=<member ID>) or delete them (ownedResources=delete).`,
        { ownedResourceCount: count },
      );
    case 'transfer': {
      const to = choice.transferTo;
      if (to === undefined)
        throw new ApiError('invalid_transfer_target', 'Choose the member who receives the resources.');
      const [target] = await db
        .select({ role: memberships.role })
        .from(memberships)
        .where(
          and(eq(memberships.orgId, orgId), eq(memberships.userId, to), inArray(memberships.role, ['admin', 'editor'])),
        );
      if (!target || excluded.includes(to) || (owner.type === 'user' && owner.id === to)) {
        throw new ApiError(
          'invalid_transfer_target',
          'Resources can only go to another editor or admin of this organisation.',
        );
      }
      await db.update(ownedResources).set({ ownerType: 'user', ownerId: to }).where(ownedBy(orgId, owner));
      return { transferred: count, deleted: 0 };
    }
    case 'delete':
      return { transferred: 0, deleted: await deleteOwned(db, rules, orgId, owner, now) };
    default:
      return assertNever(choice.ownedResources, 'owned resources choice');
  }
}
