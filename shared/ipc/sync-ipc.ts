import { z } from 'zod';
import { defineEvents, defineMethods } from './contract';

// The sync agent's contract: bindings (publish a my-connector folder to an offer, deliver an acquisition into one),
// its status for the tray and the window, and its activity.

/** Default minutes between two runs of a binding (the platform's scan interval default). */
export const DEFAULT_SYNC_INTERVAL_MINUTES = 60;
/** Fewest minutes between two runs of a binding. */
export const MIN_SYNC_INTERVAL_MINUTES = 1;
/** Most minutes between two runs of a binding (a week, as the platform's scans). */
export const MAX_SYNC_INTERVAL_MINUTES = 10_080;

const Id = z.string().min(1).max(100);
const Glob = z.string().min(1).max(500);

const BindingBaseSchema = z.object({
  /** Stable ID chosen when the binding is made; the ledger's records are keyed by it. */
  id: Id,
  /** What the user calls it (shown in the activity and the tray). */
  name: z.string().min(1).max(200),
  /** The organisation on the platform. */
  orgId: Id,
  /** My connector (or the local disk's id) holding the folder. */
  connectorId: z.string().min(1).max(200),
  /** Folder on that connector ('' is its root), a connector path. */
  folder: z.string().max(4096),
  /** Minutes between two runs (sync now runs at once). */
  intervalMinutes: z
    .number()
    .int()
    .min(MIN_SYNC_INTERVAL_MINUTES)
    .max(MAX_SYNC_INTERVAL_MINUTES)
    .default(DEFAULT_SYNC_INTERVAL_MINUTES),
  /** A disabled binding keeps its records and does not run. */
  enabled: z.boolean().default(true),
});

/** Publishes new files of a my-connector folder to a subscription offer fed by a desktop agent. */
export const PublishBindingSchema = BindingBaseSchema.extend({
  kind: z.literal('publish'),
  offerId: Id,
  /** Globs on the path under `folder` ('**' crosses folders); a file must match one when any is given. */
  include: z.array(Glob).max(50).default([]),
  /** Globs on the path under `folder`; a matching file is never published. */
  exclude: z.array(Glob).max(50).default([]),
});
/** A publish binding. */
export type PublishBinding = z.output<typeof PublishBindingSchema>;

/** Delivers an acquisition's files into a my-connector folder, through one of its agent delivery targets. */
export const DeliverBindingSchema = BindingBaseSchema.extend({
  kind: z.literal('deliver'),
  acquisitionId: Id,
  /** The acquisition's agent target this binding acknowledges to; found (same folder) or made when absent. */
  targetId: Id.optional(),
  /** Naming pattern of delivered files under `folder` (the platform's default when absent). */
  namingPattern: z.string().trim().min(1).max(500).default('{offer}/{name}'),
});
/** A deliver binding. */
export type DeliverBinding = z.output<typeof DeliverBindingSchema>;

/** A binding the agent runs. */
export const SyncBindingSchema = z.discriminatedUnion('kind', [PublishBindingSchema, DeliverBindingSchema]);
/** A binding the agent runs. */
export type SyncBinding = z.output<typeof SyncBindingSchema>;

/** What an activity entry reports. */
export const ACTIVITY_KINDS = [
  'published',
  'delivered',
  'conflict',
  'skipped',
  'failed',
  'warning',
  'credential-expiry',
] as const;
/** What an activity entry reports. */
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Why a file was skipped, or why a run stopped with a warning (rendered in the user's language). */
export const ACTIVITY_REASONS = [
  'already-published',
  'already-delivered',
  'deleted-locally',
  'excluded',
  'not-stable-yet',
  'source-empty',
  'source-unreachable',
  'target-missing',
  'acquisition-ended',
  'credential-expiring',
  'credential-expired',
] as const;
/** Why a file was skipped, or why a run stopped with a warning. */
export type ActivityReason = (typeof ACTIVITY_REASONS)[number];

/** An activity entry as a component reports it (the ledger gives it its id and time). */
export const ActivityInputSchema = z.object({
  kind: z.enum(ACTIVITY_KINDS),
  bindingId: z.string(),
  /** The file's path under the binding's folder (publish), or where it was delivered (deliver). */
  path: z.string().optional(),
  size: z.number().int().nonnegative().optional(),
  reason: z.enum(ACTIVITY_REASONS).optional(),
  /** A failure's stable code (ConnectorError code, platform error code, upload error kind). */
  code: z.string().optional(),
  /** A failure's message from the component that failed (English), shown under the translated summary. */
  message: z.string().optional(),
  /** What to do about it, when the failing component said. */
  hint: z.string().optional(),
});
/** An activity entry as a component reports it. */
export type ActivityInput = z.input<typeof ActivityInputSchema>;

/** An activity entry. */
export const ActivityEntrySchema = ActivityInputSchema.extend({
  id: z.number().int(),
  /** ISO timestamp. */
  at: z.string(),
  /** The binding's name when the entry was written (the binding may be gone since). */
  bindingName: z.string(),
});
/** An activity entry. */
export type ActivityEntry = z.output<typeof ActivityEntrySchema>;

/** The agent's state, for the tray icon and tooltip and the window. */
export const SYNC_STATES = ['idle', 'syncing', 'paused', 'error'] as const;
/** The agent's state. */
export type SyncState = (typeof SYNC_STATES)[number];

/** The agent's status. */
export const SyncStatusSchema = z.object({
  state: z.enum(SYNC_STATES),
  /** While paused: until when (ISO), or null until resumed. */
  pausedUntil: z.string().nullable(),
  /** Bindings running now. */
  running: z.number().int().nonnegative(),
  bindings: z.number().int().nonnegative(),
  /** The last run that ended (ISO), if any. */
  lastRunAt: z.string().nullable(),
  /** Why the state is 'error': the last failure's summary (the activity has the details). */
  problem: z.string().nullable(),
});
/** The agent's status. */
export type SyncStatus = z.output<typeof SyncStatusSchema>;

/** Pauses the tray offers, in hours. */
export const SYNC_PAUSE_HOURS = [1, 8, 24] as const;

/** Filter of the activity list. */
export const ActivityQuerySchema = z
  .object({
    kinds: z.array(z.enum(ACTIVITY_KINDS)).max(ACTIVITY_KINDS.length).optional(),
    bindingId: z.string().max(100).optional(),
    /** Words found in the path or message. */
    text: z.string().max(200).optional(),
    /** Entries with an id below this one (paging back in time). */
    before: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict();
/** Filter of the activity list. */
export type ActivityQuery = z.input<typeof ActivityQuerySchema>;

/** A dry run of a binding: what its next run would do, nothing done. */
export const SyncPreviewSchema = z.object({
  bindingId: z.string(),
  /** Files the run would publish or deliver. */
  wouldSend: z.array(z.object({ path: z.string(), size: z.number().int().nonnegative() })),
  /** Files it would leave, and why (already sent, not stable yet, excluded, deleted locally). */
  skipped: z.array(z.object({ path: z.string(), reason: z.enum(ACTIVITY_REASONS) })),
  /** A warning that would stop the run (an empty or unreachable source). */
  warning: z.enum(ACTIVITY_REASONS).nullable(),
  /** The lists stopped at this many files to stay bounded (a run still takes every file); null when complete. */
  truncatedAt: z.number().int().positive().nullable(),
});
/** A dry run of a binding. */
export type SyncPreview = z.output<typeof SyncPreviewSchema>;

const Empty = z.object({}).strict();

/** Methods of the sync agent. */
export const syncMethods = defineMethods({
  'sync.status': { summary: "The agent's state, for the tray and the window.", input: Empty, output: SyncStatusSchema },
  'sync.now': {
    summary: 'Runs every enabled binding now (a pause is lifted first).',
    input: Empty,
    output: SyncStatusSchema,
  },
  'sync.pause': {
    summary: 'Pauses the agent for some hours (null: until resumed); running files finish first.',
    input: z.object({ hours: z.number().int().min(1).max(168).nullable() }).strict(),
    output: SyncStatusSchema,
  },
  'sync.resume': { summary: 'Resumes a paused agent.', input: Empty, output: SyncStatusSchema },
  'sync.bindings': {
    summary: "The agent's bindings.",
    input: Empty,
    output: z.object({ bindings: z.array(SyncBindingSchema) }),
  },
  'sync.saveBinding': {
    summary: 'Adds or replaces a binding (its records stay when it is replaced).',
    input: SyncBindingSchema,
    output: SyncBindingSchema,
  },
  'sync.removeBinding': {
    summary: 'Removes a binding; files it published or delivered stay where they are.',
    input: z.object({ id: Id }).strict(),
    output: z.object({ removed: z.boolean() }),
  },
  'sync.redeliver': {
    summary: 'Delivers a file again that a deliver binding delivered before (deleted locally, wanted back), now.',
    input: z.object({ bindingId: Id, fileId: Id }).strict(),
    output: z.object({ asked: z.boolean() }),
  },
  'sync.preview': {
    summary: 'A dry run of one binding: what its next run would send and skip.',
    input: z.object({ id: Id }).strict(),
    output: SyncPreviewSchema,
  },
  'sync.activity': {
    summary: 'The latest activity entries (newest first), filtered.',
    input: ActivityQuerySchema,
    output: z.object({ entries: z.array(ActivityEntrySchema), hasMore: z.boolean() }),
  },
  'sync.exportActivity': {
    summary: 'Saves the filtered activity as CSV where the user chooses; null when cancelled.',
    input: ActivityQuerySchema.omit({ before: true, limit: true }),
    output: z.object({ path: z.string().nullable(), rows: z.number().int().nonnegative() }),
  },
});

/** Events of the sync agent. */
export const syncEvents = defineEvents({
  'sync.statusChanged': { summary: "The agent's state changed.", payload: SyncStatusSchema },
  'sync.activityAdded': { summary: 'An activity entry was written.', payload: ActivityEntrySchema },
});
