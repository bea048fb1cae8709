import { z } from 'zod';
import { Id } from './paging';

/**
 * What happens to the resources a deleted member or API key owns: given to another member (`transfer`, with
 * `transferTo` an editor or admin) or deleted with the owner (`delete`). Omitted, the deletion is refused with
 * `owned_resources` when the owner owns anything.
 */
export const OwnedResourcesQuerySchema = z.object({
  ownedResources: z.enum(['transfer', 'delete']).optional(),
  transferTo: Id.optional(),
});
/** The owned-resources choice of a deletion. */
export type OwnedResourcesQuery = z.infer<typeof OwnedResourcesQuerySchema>;

/** Kinds of resources a member or an API key can own (offers join later). */
export const RESOURCE_KINDS = ['api-key', 'connector', 'offer'] as const;
/** A kind of owned resource. */
export type ResourceKind = (typeof RESOURCE_KINDS)[number];
