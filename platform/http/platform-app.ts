import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiErrorSchema, PLATFORM_ERROR_CODES, PLATFORM_ERROR_STATUS } from '../../shared/platform';

/** The Fastify instance routes are declared on, typed by their zod schemas. */
export type PlatformApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

// Every code the platform sends with `status`, so the document lists new codes without anyone remembering to.
const codesWith = (status: number) =>
  ApiErrorSchema.describe(PLATFORM_ERROR_CODES.filter((code) => PLATFORM_ERROR_STATUS[code] === status).join(', '));

/** The error responses every route may give, for the OpenAPI document (the body is always `{ code, message }`). */
export const ERROR_RESPONSES = {
  400: codesWith(400),
  401: codesWith(401),
  403: codesWith(403),
  404: codesWith(404),
  409: codesWith(409),
  410: codesWith(410),
  413: codesWith(413),
  415: codesWith(415),
  429: codesWith(429),
  500: codesWith(500),
} as const;

/** The bearer-token security requirement for the OpenAPI document. */
export const BEARER = [{ bearer: [] }];
