import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiRoute } from '../../shared/platform';
import type { Access } from './access';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from './platform-app';

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A request to a table route, typed by its validated params, query and body. */
export type ApiRequest<R extends ApiRoute> = FastifyRequest<{
  Params: Output<R['params']>;
  Querystring: Output<R['query']>;
  Body: Output<R['body']>;
}>;

/** What the server adds to a table route: who may call it, its OpenAPI text, and its limits. */
export interface RouteSetup {
  readonly access: Access;
  readonly summary: string;
  readonly tag: string;
  /** OpenAPI security; default: none for public routes, the bearer token otherwise. */
  readonly security?: readonly Record<string, readonly string[]>[];
  readonly rateLimit?: object;
  /** Responses documented besides (or instead of) the common error responses. */
  readonly responses?: Readonly<Record<number, z.ZodType>>;
  /** False when the route documents no error response. */
  readonly errors?: false;
  readonly produces?: readonly string[];
}

/**
 * Registers a route of the shared table (shared/platform/routes.ts): its method, path and schemas come from there;
 * the handler returns the success body (sent with the table's status) or the reply it already sent.
 */
export function apiRoute<R extends ApiRoute>(
  app: PlatformApp,
  route: R,
  setup: RouteSetup,
  handler: (request: ApiRequest<R>, reply: FastifyReply) => Promise<z.input<R['response']> | FastifyReply>,
): void {
  const security = setup.security ?? (setup.access.kind === 'public' ? undefined : BEARER);
  app.route({
    method: route.method,
    url: route.path,
    config: { access: setup.access, ...(setup.rateLimit !== undefined ? { rateLimit: setup.rateLimit } : {}) },
    schema: {
      summary: setup.summary,
      tags: [setup.tag],
      ...(security !== undefined ? { security: security as Record<string, string[]>[] } : {}),
      ...(route.params !== undefined ? { params: route.params } : {}),
      ...(route.query !== undefined ? { querystring: route.query } : {}),
      ...(route.body !== undefined ? { body: route.body } : {}),
      ...(setup.produces !== undefined ? { produces: [...setup.produces] } : {}),
      response: {
        [route.status]: route.response,
        ...(setup.errors === false ? {} : ERROR_RESPONSES),
        ...setup.responses,
      },
    },
    handler: async (request, reply) => {
      const result = await handler(request as unknown as ApiRequest<R>, reply);
      if (result === reply) return reply;
      return reply.code(route.status).send(result);
    },
  });
}
