import { DrizzleQueryError } from 'drizzle-orm';
import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { PlatformContext } from '../platform-context';
import { auditDenial } from '../audit/audit-request';
import { ApiError } from './api-error';

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
    // Fastify's own client errors: malformed JSON, wrong content type, body too large.
    return new ApiError('validation_failed', error.message);
  }
  return new ApiError('internal_error', 'Something went wrong on the server; it has been logged.');
}

/**
 * Sends every error as `{ code, message }` with the code's status, and writes every refusal (4xx on a route with an
 * audited action) to the audit log unless the handler already did.
 */
export function registerErrorHandler(app: FastifyInstance, ctx: PlatformContext): void {
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const apiError = toApiError(error);
    // Drizzle's query errors quote the bound parameters (hashes among them): log the driver's own error instead.
    const logged = error instanceof DrizzleQueryError && error.cause instanceof Error ? error.cause : error;
    if (apiError.status >= 500) request.log.error({ err: logged }, 'request failed');
    if (apiError.status < 500 && request.auth && !request.auth.audited && request.routeOptions.config.access) {
      const reason = (error as { auditReason?: string }).auditReason ?? apiError.code;
      try {
        await auditDenial(ctx.db, request, ctx.now(), reason);
      } catch (auditError) {
        request.log.error({ err: auditError }, 'could not record a refusal in the audit log');
      }
    }
    return reply.code(apiError.status).send(apiError.toBody());
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` }),
  );
}
