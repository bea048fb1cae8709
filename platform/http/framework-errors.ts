import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from './api-error';

/**
 * Fastify's `frameworkErrors`: the URLs its router refuses before any hook (undecodable percent-encoding, such as
 * an encoded lone surrogate, and path parameters over maxParamLength) answered with the platform's error shape.
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const apiError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError('uri_too_long', 'A value in the address is too long.')
      : error.code === 'FST_ERR_BAD_URL'
        ? new ApiError('invalid_input', 'The address contains broken Unicode text or percent-encoding; fix it.')
        : new ApiError('malformed_request', 'The request is malformed.');
  void reply.code(apiError.status).send(apiError.toBody());
}
