// The shape of a route in the platform API's table, and the concrete path of a call.
import type { z } from 'zod';
import type { Role } from './roles';

/** The HTTP methods of the API. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, and the action name its audit entries carry:
 * - `public`: anyone (setup, login, accepting an invitation);
 * - `signed-in`: any valid session or API key (`sessionsOnly` refuses API keys);
 * - `org`: a principal of the organisation in the URL with at least `minRole`; `target` names the path parameter
 *   holding the ID acted on.
 */
export type RouteAccess =
  | { readonly kind: 'public'; readonly action: string }
  | { readonly kind: 'signed-in'; readonly action: string; readonly sessionsOnly?: boolean }
  | {
      readonly kind: 'org';
      readonly action: string;
      readonly minRole: Role;
      readonly target?: { readonly type: string; readonly param: string };
    };

/** One API route: method, path template (`:name` parameters), schemas, success status, access and its summary. */
export interface ApiRoute {
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: 200 | 201 | 202 | 204;
  readonly params?: z.ZodType;
  readonly query?: z.ZodType;
  readonly body?: z.ZodType;
  /** The success body's schema (`z.null()` for 204). */
  readonly response: z.ZodType;
  readonly access: RouteAccess;
  /** The OpenAPI summary and tag. */
  readonly summary: string;
  readonly tag: string;
  /** Limited per client IP (the sign-in, setup and invitation routes): 429 rate_limited past the limit. */
  readonly rateLimited?: boolean;
  /** A public route that also reads a bearer token when one is sent. */
  readonly optionalBearer?: boolean;
  /** Responses documented besides (or instead of) the common error responses. */
  readonly responses?: Readonly<Record<number, z.ZodType>>;
  /** False when the route documents no error response. */
  readonly errors?: false;
  readonly produces?: readonly string[];
}

/** Declares the routes of one domain (its OpenAPI tag), keeping their literal types for server and client. */
export function routesOf<const T extends Readonly<Record<string, Omit<ApiRoute, 'tag'>>>>(
  tag: string,
  routes: T,
): { readonly [K in keyof T]: T[K] & { readonly tag: string } } {
  return Object.fromEntries(Object.entries(routes).map(([name, route]) => [name, { ...route, tag }])) as {
    readonly [K in keyof T]: T[K] & { readonly tag: string };
  };
}

/** The path parameters a route's template names, as strings. */
export type RouteParams<R extends ApiRoute> = R['params'] extends z.ZodType ? z.input<R['params']> : undefined;
/** The query a caller may give (the server fills its defaults). */
export type RouteQuery<R extends ApiRoute> = R['query'] extends z.ZodType ? z.input<R['query']> : undefined;
/** The body a caller sends. */
export type RouteBody<R extends ApiRoute> = R['body'] extends z.ZodType ? z.input<R['body']> : undefined;
/** The body of a success. */
export type RouteResponse<R extends ApiRoute> = z.output<R['response']>;

/** The concrete path of a route: each `:name` replaced by its parameter, URI-encoded. */
export function pathOf(route: ApiRoute, params: Readonly<Record<string, string>> = {}): string {
  return route.path.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name} of ${route.path}`);
    return encodeURIComponent(value);
  });
}
