import { z } from 'zod';
import { singleLineText } from './text-schemas';
import { CheckReportSchema } from '../connectors/check-report';
import { ServerIdentityIssueSchema } from '../ipc/connectors-ipc';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';
import { OrgParamsSchema } from './organisations-api';
import { ConnectorUsageSchema } from './connector-usage';

const OptionName = z.string().min(1).max(100);

/** Non-secret option values as a form sends them (the kind's descriptor says which names exist). */
export const ConnectorOptionsSchema = z.record(
  OptionName,
  z.union([z.string().max(64 * 1024), z.number(), z.boolean()]),
);

/** Secrets sent to the platform (they go to its vault and never come back). */
export const ConnectorSecretsSchema = z.record(
  OptionName,
  z
    .string()
    .min(1)
    .max(64 * 1024),
);

/** Whether a secret option holds a value: `unreadable` when its key was lost (enter it again). */
export const SECRET_STATES = ['set', 'unset', 'unreadable'] as const;
/** Whether a secret option holds a value. */
export type SecretState = (typeof SECRET_STATES)[number];

/** A connector's state: usable, or paused (after repeated failures) until an admin resumes it. */
export const CONNECTOR_STATUSES = ['active', 'paused'] as const;

const ConnectorName = singleLineText(200);

/** What viewers see of a connector: its name and kind only. */
export const ConnectorBriefSchema = z.object({
  view: z.literal('brief'),
  id: Id,
  name: z.string(),
  kind: z.string(),
});
/** What viewers see of a connector. */
export type ConnectorBrief = z.infer<typeof ConnectorBriefSchema>;

/**
 * A connector as editors and admins list it: adds its state, whether secrets must be entered (again), when its
 * credentials expire and what uses it (all computed for a whole page at once).
 */
export const ConnectorSummarySchema = ConnectorBriefSchema.extend({
  view: z.literal('full'),
  status: z.enum(CONNECTOR_STATUSES),
  /** A required secret is missing or unreadable: the connector cannot be used until an admin enters it. */
  needsSecrets: z.boolean(),
  /** An SFTP host key not confirmed yet: the connector is neither used nor checked until an admin confirms it. */
  needsIdentity: z.boolean(),
  lastCheckAt: Timestamp.nullable(),
  lastCheckOk: z.boolean().nullable(),
  /** When a credential (e.g. a SAS token) expires, if one does: the list warns ahead of it. */
  credentialExpiresAt: Timestamp.nullable(),
  /** What uses the connector (offers, imports, deliveries): deleting it is refused meanwhile. */
  usages: z.array(ConnectorUsageSchema),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** A connector as editors and admins list it. */
export type ConnectorSummary = z.infer<typeof ConnectorSummarySchema>;

/** A listed connector: brief for viewers, summary for editors and admins. */
export const ConnectorListItemSchema = z.discriminatedUnion('view', [ConnectorSummarySchema, ConnectorBriefSchema]);
/** A listed connector. */
export type ConnectorListItem = z.infer<typeof ConnectorListItemSchema>;

/** A connector's health as background work and checks left it. */
export const ConnectorHealthSchema = z.object({
  status: z.enum(CONNECTOR_STATUSES),
  pausedReason: z.string().nullable(),
  pausedAt: Timestamp.nullable(),
  consecutiveFailures: z.number().int(),
  lastCheckAt: Timestamp.nullable(),
  lastCheckOk: z.boolean().nullable(),
  credentialExpiresAt: Timestamp.nullable(),
  /** The option whose credential expires then (e.g. `sasToken`), so a form can point at the field to replace. */
  credentialExpirySource: z.string().nullable(),
});
/** A connector's health. */
export type ConnectorHealth = z.infer<typeof ConnectorHealthSchema>;

/** A connector in detail (editors and admins): non-secret options, secret states, health, identity. */
export const ConnectorDetailSchema = ConnectorSummarySchema.extend({
  options: ConnectorOptionsSchema,
  /** Every secret option of the kind and whether it holds a value; values are never returned. */
  secrets: z.record(z.string(), z.enum(SECRET_STATES)),
  /** Secret options whose key is gone (a restore without the vault key): "secrets need to be entered again". */
  secretsToReenter: z.array(z.string()),
  health: ConnectorHealthSchema,
  /** The server identity pinned in the options (SFTP host key, FTPS certificate), or null. */
  identity: z.object({ what: z.enum(['host key', 'certificate']), fingerprint: z.string() }).nullable(),
  /** The addresses the platform connects from, for the storage owner's IP filter. */
  outgoingAddresses: z.array(z.string()),
  owner: z.object({ type: z.enum(['user', 'api-key']), id: Id }).nullable(),
  creatorId: Id.nullable(),
});
/** A connector in detail. */
export type ConnectorDetail = z.infer<typeof ConnectorDetailSchema>;

/** One connector as read: brief for viewers, in detail for editors and admins. */
export const ConnectorViewSchema = z.discriminatedUnion('view', [ConnectorDetailSchema, ConnectorBriefSchema]);
/** One connector as read. */
export type ConnectorView = z.infer<typeof ConnectorViewSchema>;

/** POST /v1/orgs/{orgId}/connectors body: a name, a kind, its non-secret options and its secrets. */
export const CreateConnectorRequestSchema = z.object({
  name: ConnectorName,
  kind: z.string().min(1).max(50),
  options: ConnectorOptionsSchema.default({}),
  secrets: ConnectorSecretsSchema.default({}),
});
/** POST connector body. */
export type CreateConnectorRequest = z.infer<typeof CreateConnectorRequestSchema>;

/**
 * PATCH body: a new name; the non-secret options as a whole (the pinned identity is kept unless given, or dropped
 * when host or port change); secrets set (a string), cleared (null) or kept (absent).
 */
export const UpdateConnectorRequestSchema = z.object({
  name: ConnectorName.optional(),
  options: ConnectorOptionsSchema.optional(),
  secrets: z
    .record(
      OptionName,
      z
        .string()
        .min(1)
        .max(64 * 1024)
        .nullable(),
    )
    .optional(),
});
/** PATCH connector body. */
export type UpdateConnectorRequest = z.infer<typeof UpdateConnectorRequestSchema>;

/** GET connectors query: paging, sort, a filter on the name, a kind filter. */
export const ListConnectorsQuerySchema = pageQuery(['name', 'kind', 'createdAt'], 'name').extend({
  q: z.string().max(200).optional(),
  kind: z.string().max(50).optional(),
});
/** GET connectors query. */
export type ListConnectorsQuery = z.infer<typeof ListConnectorsQuerySchema>;

/** A page of connectors. */
export const ConnectorPageSchema = pageOf(ConnectorListItemSchema);
/** A page of connectors. */
export type ConnectorPage = z.infer<typeof ConnectorPageSchema>;

/** Path parameters of one connector. */
export const ConnectorParamsSchema = z.object({ orgId: Id, connectorId: Id });

/** POST .../test query: `write=true` also writes, reads back and removes a probe file (read-only otherwise). */
export const TestConnectorQuerySchema = z.object({
  write: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
});

/** A test's outcome: the step-by-step report, and a server identity to confirm (unknown) or refused (changed). */
export const ConnectorTestSchema = z.object({
  report: CheckReportSchema,
  identity: ServerIdentityIssueSchema.optional(),
});
/** A test's outcome. */
export type ConnectorTest = z.infer<typeof ConnectorTestSchema>;

/** POST .../trust body: the fingerprint the last test showed, as the admin confirmed it. */
export const TrustIdentityRequestSchema = z.object({ fingerprint: z.string().min(1).max(200) });

/** A path under the connector's root ('' is the root). */
const ConnectorPath = z.string().max(4096).default('');

/** GET .../entries query: the folder, the previous page's cursor, a page size hint. */
export const ListEntriesQuerySchema = z.object({
  path: ConnectorPath,
  cursor: z.string().min(1).max(8192).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

/** GET .../stat query: the path. */
export const StatQuerySchema = z.object({ path: ConnectorPath });

/** A file or folder of a connector. */
export const ConnectorEntrySchema = z.object({
  name: z.string(),
  path: z.string(),
  type: z.enum(['file', 'directory']),
  size: z.number().int().optional(),
  modifiedAt: Timestamp.optional(),
  hashes: z.record(z.string(), z.string()).optional(),
});
/** A file or folder of a connector. */
export type ConnectorEntry = z.infer<typeof ConnectorEntrySchema>;

/** One page of a folder: entries, names the platform refused (never followed), the next page's cursor. */
export const ConnectorEntriesPageSchema = z.object({
  entries: z.array(ConnectorEntrySchema),
  rejected: z.array(z.object({ rawName: z.string(), reason: z.string() })),
  cursor: z.string().nullable(),
});
/** One page of a folder. */
export type ConnectorEntriesPage = z.infer<typeof ConnectorEntriesPageSchema>;

/** The addresses the platform connects to storages from (the same for every connector), for IP filters. */
export const OutgoingAddressesSchema = z.object({ addresses: z.array(z.string()) });
/** The platform's outgoing addresses. */
export type OutgoingAddresses = z.infer<typeof OutgoingAddressesSchema>;

const connector = { type: 'connector', param: 'connectorId' } as const;

/** The organisation connector routes. */
export const CONNECTOR_ROUTES = routesOf('connectors', {
  create: {
    method: 'POST',
    path: '/v1/orgs/:orgId/connectors',
    status: 201,
    params: OrgParamsSchema,
    body: CreateConnectorRequestSchema,
    response: ConnectorDetailSchema,
    access: { kind: 'org', action: 'connectors.create', minRole: 'admin' },
    summary: 'Create an organisation connector; its secrets go to the vault and are never returned',
  },
  list: {
    method: 'GET',
    path: '/v1/orgs/:orgId/connectors',
    status: 200,
    params: OrgParamsSchema,
    query: ListConnectorsQuerySchema,
    response: ConnectorPageSchema,
    access: { kind: 'org', action: 'connectors.list', minRole: 'viewer' },
    summary: 'List connectors (viewers see names and kinds only)',
  },
  outgoingAddresses: {
    method: 'GET',
    path: '/v1/orgs/:orgId/outgoing-addresses',
    status: 200,
    params: OrgParamsSchema,
    response: OutgoingAddressesSchema,
    access: { kind: 'org', action: 'connectors.outgoing-addresses', minRole: 'editor' },
    summary: "The addresses the platform connects from, for a storage owner's IP filter (before creating a connector)",
  },
  read: {
    method: 'GET',
    path: '/v1/orgs/:orgId/connectors/:connectorId',
    status: 200,
    params: ConnectorParamsSchema,
    response: ConnectorViewSchema,
    access: { kind: 'org', action: 'connectors.read', minRole: 'viewer', target: connector },
    summary:
      'One connector: options, secret states, health, identity, outgoing addresses, usages (viewers: name, kind)',
  },
  update: {
    method: 'PATCH',
    path: '/v1/orgs/:orgId/connectors/:connectorId',
    status: 200,
    params: ConnectorParamsSchema,
    body: UpdateConnectorRequestSchema,
    response: ConnectorDetailSchema,
    access: { kind: 'org', action: 'connectors.update', minRole: 'admin', target: connector },
    summary: 'Change a connector: name, options, secrets (replaced or cleared, never read)',
  },
  delete: {
    method: 'DELETE',
    path: '/v1/orgs/:orgId/connectors/:connectorId',
    status: 204,
    params: ConnectorParamsSchema,
    response: z.null(),
    access: { kind: 'org', action: 'connectors.delete', minRole: 'admin', target: connector },
    summary: 'Delete a connector and its secrets (refused while an offer or delivery uses it)',
  },
  test: {
    method: 'POST',
    path: '/v1/orgs/:orgId/connectors/:connectorId/test',
    status: 200,
    params: ConnectorParamsSchema,
    query: TestConnectorQuerySchema,
    response: ConnectorTestSchema,
    access: { kind: 'org', action: 'connectors.test', minRole: 'admin', target: connector },
    summary: 'Check the connector step by step, read-only unless write=true; shows a server identity to confirm',
  },
  trust: {
    method: 'POST',
    path: '/v1/orgs/:orgId/connectors/:connectorId/trust',
    status: 200,
    params: ConnectorParamsSchema,
    body: TrustIdentityRequestSchema,
    response: ConnectorDetailSchema,
    access: { kind: 'org', action: 'connectors.trust', minRole: 'admin', target: connector },
    summary: 'Pin the host key or certificate the last test showed',
  },
  forgetIdentity: {
    method: 'POST',
    path: '/v1/orgs/:orgId/connectors/:connectorId/forget-identity',
    status: 200,
    params: ConnectorParamsSchema,
    response: ConnectorDetailSchema,
    access: { kind: 'org', action: 'connectors.forget-identity', minRole: 'admin', target: connector },
    summary: 'Forget the pinned host key or certificate: the next test shows the server identity to confirm again',
  },
  resume: {
    method: 'POST',
    path: '/v1/orgs/:orgId/connectors/:connectorId/resume',
    status: 200,
    params: ConnectorParamsSchema,
    response: ConnectorDetailSchema,
    access: { kind: 'org', action: 'connectors.resume', minRole: 'admin', target: connector },
    summary: 'Resume a paused connector (its failure count starts again)',
  },
  entries: {
    method: 'GET',
    path: '/v1/orgs/:orgId/connectors/:connectorId/entries',
    status: 200,
    params: ConnectorParamsSchema,
    query: ListEntriesQuerySchema,
    response: ConnectorEntriesPageSchema,
    access: { kind: 'org', action: 'connectors.browse', minRole: 'editor', target: connector },
    summary: 'One page of a folder of the connector, to choose a folder',
  },
  stat: {
    method: 'GET',
    path: '/v1/orgs/:orgId/connectors/:connectorId/stat',
    status: 200,
    params: ConnectorParamsSchema,
    query: StatQuerySchema,
    response: ConnectorEntrySchema,
    access: { kind: 'org', action: 'connectors.stat', minRole: 'editor', target: connector },
    summary: 'One file or folder of the connector',
  },
});
