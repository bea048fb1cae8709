import type { FastifyInstance } from 'fastify';

/** The HTTP methods the app's routes accept for a concrete path (empty when no route has that path). */
export type RouteMethods = (path: string) => readonly string[];

// `/v1/orgs/:orgId/members` -> /^\/v1\/orgs\/[^/]+\/members\/?$/
function patternOf(url: string): RegExp {
  const parts = url
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  return new RegExp(`^${parts.join('/')}/?$`);
}

/** Collects the routes as they are added (call before any route), to answer 405 with Allow instead of 404. */
export function routeMethods(app: FastifyInstance): RouteMethods {
  const routes: { readonly pattern: RegExp; readonly methods: readonly string[] }[] = [];
  app.addHook('onRoute', (route) => {
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).map(String);
    routes.push({ pattern: patternOf(route.url), methods });
  });
  return (path) => {
    const found = new Set<string>();
    for (const route of routes) if (route.pattern.test(path)) route.methods.forEach((m) => found.add(m));
    return [...found].sort();
  };
}
