import { z } from 'zod';
import { ConnectorUsageSchema } from './connector-usage';

/**
 * The stable error codes of the platform API. Clients switch on the code (never on the message, which is for
 * people and may change); each code always comes with the same HTTP status.
 */
export const PLATFORM_ERROR_CODES = [
  'validation_failed',
  'unauthenticated',
  'invalid_credentials',
  'forbidden',
  'not_found',
  'already_set_up',
  'already_member',
  'last_admin',
  'owned_resources',
  'invalid_transfer_target',
  'invitation_invalid',
  'sign_in_required',
  'wrong_account',
  'password_reset_invalid',
  'mail_unavailable',
  'vault_unavailable',
  'connector_in_use',
  'connector_unusable',
  'invalid_state',
  'offer_not_ready',
  'offer_acquired',
  'own_offer',
  'already_acquired',
  'acquisition_inactive',
  'download_link_invalid',
  'rate_limited',
  'internal_error',
  'invalid_input',
  'malformed_request',
  'host_not_allowed',
  'method_not_allowed',
  'payload_too_large',
  'uri_too_long',
  'unsupported_media_type',
  'headers_too_large',
  'request_timeout',
] as const;

/** Why a platform API request failed. */
export type PlatformErrorCode = (typeof PLATFORM_ERROR_CODES)[number];

/** The HTTP status each error code is sent with. */
export const PLATFORM_ERROR_STATUS: { readonly [C in PlatformErrorCode]: number } = {
  validation_failed: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  forbidden: 403,
  not_found: 404,
  already_set_up: 409,
  already_member: 409,
  last_admin: 409,
  owned_resources: 409,
  invalid_transfer_target: 400,
  invitation_invalid: 410,
  sign_in_required: 401,
  wrong_account: 403,
  password_reset_invalid: 410,
  mail_unavailable: 503,
  vault_unavailable: 503,
  connector_in_use: 409,
  connector_unusable: 409,
  invalid_state: 409,
  offer_not_ready: 409,
  offer_acquired: 409,
  own_offer: 409,
  already_acquired: 409,
  acquisition_inactive: 409,
  download_link_invalid: 410,
  rate_limited: 429,
  internal_error: 500,
  invalid_input: 400,
  malformed_request: 400,
  host_not_allowed: 400,
  method_not_allowed: 405,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  headers_too_large: 431,
  request_timeout: 408,
};

/** Every error response body: a stable code and a human message (plus, for some codes, details). */
export const ApiErrorSchema = z.object({
  code: z.enum(PLATFORM_ERROR_CODES),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  ownedResourceCount: z.number().int().optional(),
  /** connector_in_use: what uses the connector, for a client to name in its own language. */
  usages: z.array(ConnectorUsageSchema).optional(),
});

/** An error response body. */
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** Whether a string is one of the platform's error codes. */
export function isPlatformErrorCode(value: unknown): value is PlatformErrorCode {
  return typeof value === 'string' && (PLATFORM_ERROR_CODES as readonly string[]).includes(value);
}
