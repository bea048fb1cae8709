import { z } from 'zod';

/** A member's role in an organisation, from most to least powerful. */
export const ROLES = ['admin', 'editor', 'viewer'] as const;
/** A member's role in an organisation. */
export type Role = (typeof ROLES)[number];
/** A member's role. */
export const RoleSchema = z.enum(ROLES);

/** The roles an API key may have: never admin. */
export const API_KEY_ROLES = ['editor', 'viewer'] as const;
/** An API key's role. */
export type ApiKeyRole = (typeof API_KEY_ROLES)[number];
/** An API key's role. */
export const ApiKeyRoleSchema = z.enum(API_KEY_ROLES);

const RANK: { readonly [R in Role]: number } = { admin: 3, editor: 2, viewer: 1 };

/** Whether `role` grants at least what `required` grants. */
export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/** Languages an invitation e-mail can be written in. */
export const LANGUAGES = ['fr', 'en'] as const;
/** An invitation e-mail's language. */
export type Language = (typeof LANGUAGES)[number];
/** An invitation e-mail's language. */
export const LanguageSchema = z.enum(LANGUAGES);
