import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database';
import {
  acquisitions,
  apiKeys,
  deliveryTargets,
  invitations,
  memberships,
  offerFiles,
  offers,
  orgConnectors,
} from '../db/schema';

/** What a refusal's target ID is stored as when it is malformed or names nothing in the organisation. */
export const UNKNOWN_ID = 'unknown id';

// The shape of every ID the platform issues (see newId): a short prefix and 128 random bits in base62.
const ISSUED_ID = /^[a-z]{2,4}_[0-9A-Za-z]{22}$/;

/**
 * The target ID of a refused request as it may be stored: the caller's text only when it is a well-formed ID of
 * something that exists in that organisation, else UNKNOWN_ID, so nobody can write arbitrary text into the log.
 */
export async function checkedTargetId(db: Executor, orgId: string | null, type: string, id: string): Promise<string> {
  if (orgId === null || !ISSUED_ID.test(id)) return UNKNOWN_ID;
  let rows: readonly unknown[];
  switch (type) {
    case 'organisation':
      return id === orgId ? id : UNKNOWN_ID;
    case 'member':
      rows = await db
        .select({ id: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, id)));
      break;
    case 'invitation':
      rows = await db
        .select({ id: invitations.id })
        .from(invitations)
        .where(and(eq(invitations.orgId, orgId), eq(invitations.id, id)));
      break;
    case 'api-key':
      rows = await db
        .select({ id: apiKeys.id })
        .from(apiKeys)
        .where(and(eq(apiKeys.orgId, orgId), eq(apiKeys.id, id)));
      break;
    case 'connector':
      rows = await db
        .select({ id: orgConnectors.id })
        .from(orgConnectors)
        .where(and(eq(orgConnectors.orgId, orgId), eq(orgConnectors.id, id)));
      break;
    case 'offer':
      rows = await db
        .select({ id: offers.id })
        .from(offers)
        .where(and(eq(offers.orgId, orgId), eq(offers.id, id)));
      break;
    case 'offer-file':
      rows = await db
        .select({ id: offerFiles.id })
        .from(offerFiles)
        .where(and(eq(offerFiles.orgId, orgId), eq(offerFiles.id, id)));
      break;
    // Acquisitions and their delivery targets are named in the buyer's URLs: the buyer's organisation.
    case 'acquisition':
      rows = await db
        .select({ id: acquisitions.id })
        .from(acquisitions)
        .where(and(eq(acquisitions.buyerOrgId, orgId), eq(acquisitions.id, id)));
      break;
    case 'delivery-target':
      rows = await db
        .select({ id: deliveryTargets.id })
        .from(deliveryTargets)
        .where(and(eq(deliveryTargets.orgId, orgId), eq(deliveryTargets.id, id)));
      break;
    default:
      return UNKNOWN_ID;
  }
  return rows.length > 0 ? id : UNKNOWN_ID;
}
