import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiErrorSchema } from '../../shared/platform';

/** The Fastify instance routes are declared on, typed by their zod schemas. */
export type PlatformApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The error responses every route may give, for the OpenAPI document (the body is always `{ code, message }`). */
export const ERROR_RESPONSES = {
  400: ApiErrorSchema.describe(
    'validation_failed, invalid_input, malformed_request, host_not_allowed, invalid_transfer_target',
  ),
  401: ApiErrorSchema.describe('unauthenticated, invalid_credentials'),
  403: ApiErrorSchema.describe('forbidden'),
  404: ApiErrorSchema.describe('not_found'),
  409: ApiErrorSchema.describe('already_set_up, already_member, last_admin, owned_resources'),
  410: ApiErrorSchema.describe('invitation_invalid'),
  413: ApiErrorSchema.describe('payload_too_large'),
  415: ApiErrorSchema.describe('unsupported_media_type'),
  429: ApiErrorSchema.describe('rate_limited'),
  500: ApiErrorSchema.describe('internal_error'),
} as const;

/** The bearer-token security requirement for the OpenAPI document. */
export const BEARER = [{ bearer: [] }];
