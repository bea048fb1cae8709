import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { PlatformContext } from '../platform-context';
import { auditDenial } from '../audit/audit-request';
import { ApiError } from './api-error';
import { loggableError } from './loggable-error';
import { routeMethods } from './route-methods';

// Fastify's own client errors (parsing, limits, routing) and the code each is sent with.
function fastifyClientError(error: FastifyError): ApiError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('payload_too_large', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'Send the body as JSON (content-type: application/json).');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiError('uri_too_long', 'A value in the address is too long.');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('malformed_request', 'The body is not valid JSON.');
    default:
      return new ApiError('malformed_request', 'The request is malformed.');
  }
}

function toApiError(error: FastifyError): ApiError {
  if (error instanceof ApiError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      path: `${error.validationContext ?? 'request'}${issue.instancePath.replaceAll('/', '.')}`,
      message: issue.message ?? 'invalid',
    }));
    return new ApiError('validation_failed', 'The request is not valid.', { issues });
  }
  if (error.statusCode === 429) return new ApiError('rate_limited', 'Too many attempts; wait a minute and try again.');
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    return fastifyClientError(error);
  }
  return new ApiError('internal_error', 'Something went wrong on the server; it has been logged.');
}

/**
 * Sends every error as `{ code, message }` with the code's status, and writes every refusal (4xx on a route with an
 * audited action) to the audit log unless the handler already did. Unknown URLs answer not_found, a known URL with
 * another method method_not_allowed (with Allow).
 */
export function registerErrorHandler(app: FastifyInstance, ctx: PlatformContext): void {
  const methods = routeMethods(app);
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      // Drizzle's and PGlite's query errors carry the SQL and its bound parameters: log only what is safe.
      request.log.error({ err: loggableError(error) }, 'request failed');
    }
    if (apiError.status < 500 && request.auth && !request.auth.audited && request.routeOptions.config.access) {
      const reason = (error as { auditReason?: string }).auditReason ?? apiError.code;
      try {
        await auditDenial(ctx.db, request, ctx.now(), reason);
      } catch (auditError) {
        request.log.error({ err: loggableError(auditError) }, 'could not record a refusal in the audit log');
      }
    }
    return reply.code(apiError.status).send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const allowed = methods(path);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send(
          new ApiError(
            'method_not_allowed',
            `${request.method} is not allowed here; use ${allowed.join(', ')}.`,
          ).toBody(),
        );
    }
    return reply.code(404).send(new ApiError('not_found', `No route ${request.method} ${path}`).toBody());
  });
}
