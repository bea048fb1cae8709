import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiRoute } from '../../shared/platform';
import { BEARER, ERROR_RESPONSES, type PlatformApp } from './platform-app';

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

/** A request to a table route, typed by its validated params, query and body. */
export type ApiRequest<R extends ApiRoute> = FastifyRequest<{
  Params: Output<R['params']>;
  Querystring: Output<R['query']>;
  Body: Output<R['body']>;
}>;

/** Answers a table route: returns the success body (sent with the table's status) or the reply it already sent. */
export type ApiHandler<R extends ApiRoute> = (
  request: ApiRequest<R>,
  reply: FastifyReply,
) => Promise<z.input<R['response']> | FastifyReply>;

/** Registers the handlers of routes of the shared table (shared/platform/routes.ts). */
export interface ApiRoutes {
  add<R extends ApiRoute>(route: R, handler: ApiHandler<R>): void;
}

/**
 * Routes of the shared table on `app`: method, path, schemas, access and OpenAPI text come from the table; the
 * rate-limited ones get `rateLimit`.
 */
export function apiRoutes(app: PlatformApp, rateLimit: object): ApiRoutes {
  return {
    add(route, handler) {
      const security = route.optionalBearer ? [{}, ...BEARER] : route.access.kind === 'public' ? undefined : BEARER;
      app.route({
        method: route.method,
        url: route.path,
        config: { access: route.access, ...(route.rateLimited ? { rateLimit } : {}) },
        schema: {
          summary: route.summary,
          tags: [route.tag],
          ...(security !== undefined ? { security } : {}),
          ...(route.params !== undefined ? { params: route.params } : {}),
          ...(route.query !== undefined ? { querystring: route.query } : {}),
          ...(route.body !== undefined ? { body: route.body } : {}),
          ...(route.produces !== undefined ? { produces: [...route.produces] } : {}),
          response: {
            [route.status]: route.response,
            ...(route.errors === false ? {} : ERROR_RESPONSES),
            ...route.responses,
          },
        },
        handler: async (request, reply) => {
          const result = await handler(request as unknown as Parameters<typeof handler>[0], reply);
          if (result === reply) return reply;
          return reply.code(route.status).send(result);
        },
      });
    },
  };
}
