/** Query keys per platform domain: a mutation invalidates its domain's prefix, so lists and details reload together. */
export const queryKeys = {
  organisation: ['organisation'],
  members: ['members'],
  invitations: ['invitations'],
  apiKeys: ['apiKeys'],
  audit: ['audit'],
  connectors: ['connectors'],
} as const;

/** A domain's query key prefix. */
export type QueryDomain = keyof typeof queryKeys;

/** The domains of the signed-in organisation: their cache is dropped when the account or organisation changes. */
export const ORGANISATION_DOMAINS: readonly QueryDomain[] = [
  'organisation',
  'members',
  'invitations',
  'apiKeys',
  'audit',
];
