import { z } from 'zod';
import { Id, Timestamp, pageOf, pageQuery } from './paging';
import { routesOf } from './api-route';

/** Where an acquisition's files go: an organisation connector's folder (the platform delivers) or a desktop agent. */
export const DELIVERY_TARGET_TYPES = ['connector', 'agent'] as const;
/** A delivery target's state: delivering, or paused after repeated failures until an editor resumes it. */
export const DELIVERY_TARGET_STATUSES = ['active', 'paused'] as const;
/** A delivery's state: waiting (or being retried), delivered, given up after every retry, or skipped (file removed). */
export const DELIVERY_STATUSES = ['pending', 'delivered', 'failed', 'skipped'] as const;

/** The naming pattern targets get when none is given. */
export const DEFAULT_NAMING_PATTERN = '{offer}/{name}';

/**
 * A naming pattern: the path of each delivered file under the target's folder, built from tokens: `{offer}` (the
 * offer's title made path-safe), `{path}` (the file's path in the offer), `{name}`, `{stem}` (name without its
 * extension), `{ext}` (the extension with its dot, or nothing), `{yyyy}`, `{mm}`, `{dd}` (UTC date the file became
 * available), `{acquisition}` (the acquisition's ID). It must name the file ({name}, {path} or {stem}).
 */
const NamingPattern = z.string().trim().min(1).max(500);
/** A folder of the target connector ('' is its root). */
const Folder = z.string().max(4096);

/** POST .../targets body: an organisation connector and folder, or a desktop agent; the naming pattern. */
export const CreateDeliveryTargetRequestSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('connector'),
    connectorId: Id,
    folder: Folder.default(''),
    namingPattern: NamingPattern.default(DEFAULT_NAMING_PATTERN),
  }),
  z.object({
    type: z.literal('agent'),
    folder: Folder.default(''),
    namingPattern: NamingPattern.default(DEFAULT_NAMING_PATTERN),
  }),
]);
/** POST delivery target body. */
export type CreateDeliveryTargetRequest = z.infer<typeof CreateDeliveryTargetRequestSchema>;

/** PATCH .../targets/{targetId} body: what changes for future deliveries (a connector target's connector too). */
export const UpdateDeliveryTargetRequestSchema = z.object({
  connectorId: Id.optional(),
  folder: Folder.optional(),
  namingPattern: NamingPattern.optional(),
});
/** PATCH delivery target body. */
export type UpdateDeliveryTargetRequest = z.infer<typeof UpdateDeliveryTargetRequestSchema>;

/** A delivery target as its acquisition's organisation sees it. */
export const DeliveryTargetSchema = z.object({
  id: Id,
  acquisitionId: Id,
  type: z.enum(DELIVERY_TARGET_TYPES),
  connectorId: Id.nullable(),
  folder: z.string(),
  namingPattern: z.string(),
  status: z.enum(DELIVERY_TARGET_STATUSES),
  pausedReason: z.string().nullable(),
  pausedAt: Timestamp.nullable(),
  consecutiveFailures: z.number().int(),
  /** Every file of the acquisition up to this feed position has its delivery row. */
  cursorSeq: z.number().int(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
/** A delivery target. */
export type DeliveryTarget = z.infer<typeof DeliveryTargetSchema>;

/** The delivery targets of an acquisition. */
export const DeliveryTargetListSchema = z.object({ items: z.array(DeliveryTargetSchema) });
/** The delivery targets of an acquisition. */
export type DeliveryTargetList = z.infer<typeof DeliveryTargetListSchema>;

/** One file of an acquisition to one target: what, where it was written, its receipt, how it went. */
export const DeliverySchema = z.object({
  id: Id,
  acquisitionId: Id,
  targetId: Id,
  file: z.object({
    id: Id,
    name: z.string(),
    path: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    /** The file's feed position in its offer. */
    seq: z.number().int().nullable(),
  }),
  status: z.enum(DELIVERY_STATUSES),
  /** Where it was written (a conflict copy's path when a different file was there). */
  path: z.string().nullable(),
  conflict: z.boolean(),
  receiptPath: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: Timestamp,
  deliveredAt: Timestamp.nullable(),
  /** When a desktop agent acknowledged it (agent targets). */
  acknowledgedAt: Timestamp.nullable(),
});
/** One delivery. */
export type Delivery = z.infer<typeof DeliverySchema>;

/** GET .../deliveries query: paging, a status filter, a target filter. */
export const ListDeliveriesQuerySchema = pageQuery(['createdAt', 'deliveredAt'], 'createdAt').extend({
  status: z.enum(DELIVERY_STATUSES).optional(),
  targetId: Id.optional(),
});
/** GET deliveries query. */
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuerySchema>;

/** A page of deliveries. */
export const DeliveryPageSchema = pageOf(DeliverySchema);
/** A page of deliveries. */
export type DeliveryPage = z.infer<typeof DeliveryPageSchema>;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case hex SHA-256');

/** An agent's acknowledgement: where it wrote the file, the bytes it wrote, whether it made a conflict copy. */
export const DeliveryAckRequestSchema = z.object({
  path: z.string().min(1).max(4096),
  sha256: Sha256,
  size: z.number().int().min(0),
  conflict: z.boolean().default(false),
});
/** POST .../ack body. */
export type DeliveryAckRequest = z.infer<typeof DeliveryAckRequestSchema>;

/** POST .../targets/{targetId}/acks body: an acknowledgement naming the file (its delivery row made when absent). */
export const TargetAckRequestSchema = DeliveryAckRequestSchema.extend({ fileId: Id });
/** POST target acks body. */
export type TargetAckRequest = z.infer<typeof TargetAckRequestSchema>;

/** Path parameters of an acquisition's deliveries. */
export const DeliveryAcquisitionParamsSchema = z.object({ orgId: Id, acquisitionId: Id });
/** Path parameters of one delivery target. */
export const DeliveryTargetParamsSchema = DeliveryAcquisitionParamsSchema.extend({ targetId: Id });
/** Path parameters of one delivery. */
export const DeliveryParamsSchema = DeliveryAcquisitionParamsSchema.extend({ deliveryId: Id });

const target = { type: 'delivery-target', param: 'targetId' } as const;
const TARGETS = '/v1/orgs/:orgId/acquisitions/:acquisitionId/targets';
const DELIVERIES = '/v1/orgs/:orgId/acquisitions/:acquisitionId/deliveries';

/** The delivery routes of a buyer organisation (a provider never reaches them). */
export const DELIVERY_ROUTES = routesOf('deliveries', {
  createTarget: {
    method: 'POST',
    path: TARGETS,
    status: 201,
    params: DeliveryAcquisitionParamsSchema,
    body: CreateDeliveryTargetRequestSchema,
    response: DeliveryTargetSchema,
    access: { kind: 'org', action: 'deliveries.targets.create', minRole: 'editor' },
    summary: "Deliver an acquisition's files automatically: to an organisation connector's folder, or a desktop agent",
  },
  listTargets: {
    method: 'GET',
    path: TARGETS,
    status: 200,
    params: DeliveryAcquisitionParamsSchema,
    response: DeliveryTargetListSchema,
    access: { kind: 'org', action: 'deliveries.targets.list', minRole: 'viewer' },
    summary: "The acquisition's delivery targets",
  },
  readTarget: {
    method: 'GET',
    path: `${TARGETS}/:targetId`,
    status: 200,
    params: DeliveryTargetParamsSchema,
    response: DeliveryTargetSchema,
    access: { kind: 'org', action: 'deliveries.targets.read', minRole: 'viewer', target },
    summary: 'One delivery target, with its state',
  },
  updateTarget: {
    method: 'PATCH',
    path: `${TARGETS}/:targetId`,
    status: 200,
    params: DeliveryTargetParamsSchema,
    body: UpdateDeliveryTargetRequestSchema,
    response: DeliveryTargetSchema,
    access: { kind: 'org', action: 'deliveries.targets.update', minRole: 'editor', target },
    summary: 'Change where future deliveries go (connector, folder, naming pattern)',
  },
  deleteTarget: {
    method: 'DELETE',
    path: `${TARGETS}/:targetId`,
    status: 204,
    params: DeliveryTargetParamsSchema,
    response: z.null(),
    access: { kind: 'org', action: 'deliveries.targets.delete', minRole: 'editor', target },
    summary: 'Stop delivering to a target (files already delivered stay where they are)',
  },
  resumeTarget: {
    method: 'POST',
    path: `${TARGETS}/:targetId/resume`,
    status: 200,
    params: DeliveryTargetParamsSchema,
    response: DeliveryTargetSchema,
    access: { kind: 'org', action: 'deliveries.targets.resume', minRole: 'editor', target },
    summary: 'Resume a target (paused, or with deliveries given up): its waiting and given-up deliveries run again',
  },
  ackTarget: {
    method: 'POST',
    path: `${TARGETS}/:targetId/acks`,
    status: 200,
    params: DeliveryTargetParamsSchema,
    body: TargetAckRequestSchema,
    response: DeliverySchema,
    access: { kind: 'org', action: 'deliveries.ack', minRole: 'editor', target },
    summary: "A desktop agent acknowledges a file it delivered (idempotent; the file's delivery row made if absent)",
  },
  list: {
    method: 'GET',
    path: DELIVERIES,
    status: 200,
    params: DeliveryAcquisitionParamsSchema,
    query: ListDeliveriesQuerySchema,
    response: DeliveryPageSchema,
    access: { kind: 'org', action: 'deliveries.list', minRole: 'viewer' },
    summary: "The acquisition's deliveries (filter by status, target), with where each file went",
  },
  ack: {
    method: 'POST',
    path: `${DELIVERIES}/:deliveryId/ack`,
    status: 200,
    params: DeliveryParamsSchema,
    body: DeliveryAckRequestSchema,
    response: DeliverySchema,
    access: { kind: 'org', action: 'deliveries.ack', minRole: 'editor' },
    summary: 'A desktop agent acknowledges a delivery it made (idempotent)',
  },
});
