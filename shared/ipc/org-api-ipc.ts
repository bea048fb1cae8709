// The platform routes the screens call through main, one IPC method per route, derived from the route table so the
// renderer's payloads are checked against the same schemas the server uses. Main adds the active organisation's ID
// and the session; the renderer never names an organisation nor holds a token.
import { z } from 'zod';
import { API, type ApiRoute, type RouteBody, type RouteParams, type RouteQuery } from '../platform';
import type { MethodSpec } from './contract';

/** The routes exposed to the renderer, by IPC method name. Binary routes (file content, downloads) are not here. */
export const ORG_API_ROUTES = {
  'orgConnectors.list': API.connectors.list,
  'orgConnectors.get': API.connectors.read,
  'orgConnectors.outgoingAddresses': API.connectors.outgoingAddresses,
  'orgConnectors.create': API.connectors.create,
  'orgConnectors.update': API.connectors.update,
  'orgConnectors.delete': API.connectors.delete,
  'orgConnectors.test': API.connectors.test,
  'orgConnectors.trust': API.connectors.trust,
  'orgConnectors.forgetIdentity': API.connectors.forgetIdentity,
  'orgConnectors.resume': API.connectors.resume,
  'orgConnectors.entries': API.connectors.entries,
  'orgConnectors.stat': API.connectors.stat,
  'offers.list': API.offers.list,
  'offers.get': API.offers.read,
  'offers.create': API.offers.create,
  'offers.update': API.offers.update,
  'offers.delete': API.offers.delete,
  'offers.publish': API.offers.publish,
  'offers.archive': API.offers.archive,
  'offers.files': API.offers.files,
  'offers.removeFile': API.offers.removeFile,
  'offers.approveFiles': API.offers.approveFiles,
  'offers.rejectFiles': API.offers.rejectFiles,
  'offers.sales': API.acquisitions.sales,
  'imports.create': API.imports.create,
  'imports.list': API.imports.list,
  'imports.get': API.imports.read,
  'imports.scan': API.imports.scan,
  'imports.preview': API.imports.preview,
  'catalog.list': API.catalog.list,
  'catalog.get': API.catalog.read,
  'acquisitions.create': API.acquisitions.create,
  'acquisitions.list': API.acquisitions.list,
  'acquisitions.get': API.acquisitions.read,
  'acquisitions.cancel': API.acquisitions.cancel,
  'acquisitions.delete': API.acquisitions.delete,
  'acquisitions.files': API.acquisitions.files,
  'acquisitions.link': API.acquisitions.link,
  'deliveries.createTarget': API.deliveries.createTarget,
  'deliveries.listTargets': API.deliveries.listTargets,
  'deliveries.getTarget': API.deliveries.readTarget,
  'deliveries.updateTarget': API.deliveries.updateTarget,
  'deliveries.deleteTarget': API.deliveries.deleteTarget,
  'deliveries.resumeTarget': API.deliveries.resumeTarget,
  'deliveries.list': API.deliveries.list,
  'notifications.list': API.notifications.list,
  'notifications.read': API.notifications.read,
  'notifications.readAll': API.notifications.readAll,
} as const satisfies Readonly<Record<string, ApiRoute>>;

/** The IPC method name of an exposed platform route. */
export type OrgApiMethod = keyof typeof ORG_API_ROUTES;

type Params<R extends ApiRoute> = R['params'] extends z.ZodType ? Omit<RouteParams<R>, 'orgId'> : never;
type Field<K extends string, T> = [T] extends [never] ? unknown : [T] extends [undefined] ? unknown : { [P in K]: T };
type OptionalField<K extends string, T> = [T] extends [undefined] ? unknown : { [P in K]?: T };
type NonEmpty<T> = keyof T extends never ? never : T;

/** What a route's IPC method takes: its path parameters except the organisation, its query and body. */
export type OrgApiInput<R extends ApiRoute> = Field<'params', NonEmpty<Params<R>>> &
  OptionalField<'query', RouteQuery<R>> &
  Field<'body', RouteBody<R>>;

/**
 * The methods that also take a Google sign-in made in the form (`connectors.driveSignIn`): main puts its refresh
 * token in the body's secrets, so the token goes to the platform's vault without passing through the renderer.
 */
export const ORG_SIGN_IN_METHODS = ['orgConnectors.create', 'orgConnectors.update'] as const;

/** The sign-in field of the methods that take one. */
type SignInField<M> = M extends (typeof ORG_SIGN_IN_METHODS)[number] ? { signIn?: string } : unknown;

/** The IPC spec of one route: input as OrgApiInput, output the route's own response schema. */
type RouteMethodSpec<R extends ApiRoute, M> = MethodSpec<
  z.ZodType<OrgApiInput<R> & SignInField<M>, OrgApiInput<R> & SignInField<M>>,
  R['response']
>;

/** The input schema of a route's method: the route's own schemas, the organisation left to main. */
function inputSchemaOf(route: ApiRoute, signIn: boolean): z.ZodType {
  const shape: Record<string, z.ZodType> = {};
  if (route.params instanceof z.ZodObject) {
    const params = 'orgId' in route.params.shape ? route.params.omit({ orgId: true }) : route.params;
    if (Object.keys(params.shape).length > 0) shape['params'] = params.strict();
  }
  if (route.query !== undefined) shape['query'] = route.query.optional();
  if (route.body !== undefined) shape['body'] = route.body;
  if (signIn) shape['signIn'] = z.string().min(1).max(100).optional();
  return z.object(shape).strict();
}

/** The IPC methods of the exposed platform routes. */
export const orgApiMethods = Object.fromEntries(
  Object.entries(ORG_API_ROUTES).map(([name, route]) => [
    name,
    {
      summary: `${route.summary} (platform ${route.method} ${route.path}).`,
      input: inputSchemaOf(route, (ORG_SIGN_IN_METHODS as readonly string[]).includes(name)),
      output: route.response,
    },
  ]),
) as unknown as { readonly [M in OrgApiMethod]: RouteMethodSpec<(typeof ORG_API_ROUTES)[M], M> };
