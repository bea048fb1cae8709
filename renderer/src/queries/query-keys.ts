/** Query keys per platform domain: a mutation invalidates its domain's prefix, so lists and details reload together. */
export const queryKeys = {
  organisation: ['organisation'],
  members: ['members'],
  invitations: ['invitations'],
  apiKeys: ['apiKeys'],
  audit: ['audit'],
} as const;

/** A domain's query key prefix. */
export type QueryDomain = keyof typeof queryKeys;
