import { z } from 'zod';
import { ConnectorErrorInfoSchema } from '../errors/connector-error-code';
import { defineEvents, defineMethods } from './contract';

/** Where a transfer reads or writes: one of my connectors (or the local disk's id) and a connector path. */
export const TransferLocationSchema = z
  .object({
    connectorId: z.string().min(1).max(200),
    /** Normalised connector path: relative, '/'-separated ('' is the connector's root). */
    path: z.string().max(4096),
  })
  .strict();
/** Where a transfer reads or writes. */
export type TransferLocation = z.infer<typeof TransferLocationSchema>;

/** Life cycle of a transfer; done, failed and cancelled are final until a retry; waiting asks the user. */
export const TRANSFER_STATES = ['queued', 'running', 'waiting', 'paused', 'done', 'failed', 'cancelled'] as const;
/** Where a transfer is in its life cycle. */
export type TransferState = (typeof TRANSFER_STATES)[number];

/** States a transfer stays in until the user acts (retry or clear). */
export const FINISHED_TRANSFER_STATES: ReadonlySet<TransferState> = new Set(['done', 'failed', 'cancelled']);

/** Answers to "a file of that name is already there". */
export const CONFLICT_CHOICES = ['overwrite', 'skip', 'keepBoth', 'resume'] as const;
/** One answer to a conflict: replace it, leave it, copy beside it as `name (2).ext`, or continue the shorter file. */
export type ConflictChoice = (typeof CONFLICT_CHOICES)[number];

/** A file as the conflict dialog shows it (size and modification time when the storage tells them). */
export const ConflictFileSchema = z.object({
  size: z.number().nonnegative().nullable(),
  modifiedAt: z.number().nullable(),
});
/** One side of a conflict. */
export type ConflictFile = z.infer<typeof ConflictFileSchema>;

/** The question a waiting transfer asks: something of that name already exists at the destination. */
export const TransferConflictSchema = z.object({
  /** Source path of the incoming file (a file inside a folder copy, or the transfer's own source). */
  sourcePath: z.string(),
  /** Destination path of the existing file or folder. */
  path: z.string(),
  /** What is there now: a different file, or a folder where the file would go. */
  existing: ConflictFileSchema.extend({ kind: z.enum(['file', 'folder']) }),
  incoming: ConflictFileSchema,
  /** The answers that make sense here: resume only over a verified shorter prefix, overwrite never over a folder. */
  choices: z.array(z.enum(CONFLICT_CHOICES)).min(1),
  /** Further files of the same transfer that wait for an answer after this one. */
  more: z.number().int().nonnegative(),
});
/** What a waiting transfer asks. */
export type TransferConflict = z.infer<typeof TransferConflictSchema>;

/** What a finished file transfer did at its destination (folder copies count their files instead). */
export const TransferOutcomeSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.enum(['copied', 'overwritten', 'resumed', 'skipped', 'identical']) }),
  /** Copied beside the existing file, under a new name. */
  z.object({ kind: z.literal('keptBoth'), name: z.string() }),
]);
/** What a finished file transfer did. */
export type TransferOutcome = z.infer<typeof TransferOutcomeSchema>;

const transferFields = {
  id: z.string(),
  /** Transfers enqueued together; one notification when all of them have ended, one "apply to all" answer. */
  batchId: z.string(),
  /** Name of the file or folder (the last segment of the source path). */
  name: z.string(),
  source: TransferLocationSchema,
  /** The folder the file or folder is copied into. */
  destination: TransferLocationSchema,
  /** Known once the source was examined. */
  kind: z.enum(['file', 'folder']).nullable(),
  /** Bytes at the destination (files of a folder included). */
  bytes: z.number().nonnegative(),
  /** Size of the file; for a folder, known once the copy has ended. */
  total: z.number().nonnegative().nullable(),
  bytesPerSecond: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Files of a folder copied, failed and left as they were (identical, or skipped by an answer); a file counts as one. */
  files: z.object({
    done: z.number().int().nonnegative(),
    failed: z.number().int().nonnegative(),
    skipped: z.number().int().nonnegative(),
  }),
  /** How the copy was verified: a hash algorithm name, or 'size'. */
  verification: z.string().nullable(),
  /** What a done file transfer did (null for folders and until done). */
  outcome: TransferOutcomeSchema.nullable(),
  error: ConnectorErrorInfoSchema.nullable(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
};

/** One file or folder copy of the queue, as the renderer shows it: a waiting transfer always carries its question. */
export const TransferSchema = z.discriminatedUnion('state', [
  z.object({ ...transferFields, state: z.literal('waiting'), conflict: TransferConflictSchema }),
  z.object({
    ...transferFields,
    state: z.enum(TRANSFER_STATES).exclude(['waiting']),
    conflict: z.null(),
  }),
]);
/** One transfer of the queue. */
export type Transfer = z.infer<typeof TransferSchema>;

/** Highest concurrency the settings accept. */
export const MAX_TRANSFER_CONCURRENCY = 16;
/** Lowest bandwidth limit (1 KiB/s): below it transfers would time out. */
export const MIN_BANDWIDTH_BYTES_PER_SECOND = 1024;

/** Global limits of the queue, applied live and remembered. */
export const TransferLimitsSchema = z
  .object({
    /** Transfers running at once (a folder also copies up to this many of its files at once). */
    concurrency: z.number().int().min(1).max(MAX_TRANSFER_CONCURRENCY),
    /** Bytes per second shared by all transfers, or null for no limit. */
    bandwidthBytesPerSecond: z.number().int().min(MIN_BANDWIDTH_BYTES_PER_SECOND).nullable(),
  })
  .strict();
/** Global limits of the queue. */
export type TransferLimits = z.infer<typeof TransferLimitsSchema>;

/** Limits on first run: three at once, no bandwidth limit. */
export const DEFAULT_TRANSFER_LIMITS: TransferLimits = Object.freeze({ concurrency: 3, bandwidthBytesPerSecond: null });

const ById = z.object({ id: z.string().min(1).max(100) }).strict();

/** Methods of the transfers domain. */
export const transfersMethods = defineMethods({
  'transfers.list': {
    summary: 'Every transfer of the queue (oldest first) and the global limits.',
    input: z.object({}).strict(),
    output: z.object({ transfers: z.array(TransferSchema), limits: TransferLimitsSchema }),
  },
  'transfers.enqueue': {
    summary: 'Queues a copy of each source (file or folder) into the destination folder, as one batch.',
    input: z
      .object({ sources: z.array(TransferLocationSchema).min(1).max(1000), destination: TransferLocationSchema })
      .strict(),
    output: z.object({ batchId: z.string(), transfers: z.array(TransferSchema) }),
  },
  'transfers.pause': {
    summary: 'Pauses a queued or running transfer; its partial file is kept for resuming.',
    input: ById,
    output: TransferSchema,
  },
  'transfers.resume': {
    summary: 'Queues a paused transfer again; it continues from its partial file.',
    input: ById,
    output: TransferSchema,
  },
  'transfers.cancel': {
    summary: 'Cancels a transfer that has not ended; its partial file is removed.',
    input: ById,
    output: TransferSchema,
  },
  'transfers.retry': {
    summary: 'Queues a failed or cancelled transfer again.',
    input: ById,
    output: TransferSchema,
  },
  'transfers.clearFinished': {
    summary: 'Removes the transfers that are done, failed or cancelled from the list.',
    input: z.object({}).strict(),
    output: z.object({ removed: z.array(z.string()) }),
  },
  'transfers.resolveConflict': {
    summary: 'Answers the question of a waiting transfer; applyToAll answers the same for the rest of its batch.',
    input: z
      .object({ id: z.string().min(1).max(100), choice: z.enum(CONFLICT_CHOICES), applyToAll: z.boolean() })
      .strict(),
    output: TransferSchema,
  },
  'transfers.setLimits': {
    summary: 'Changes the concurrency and bandwidth limits; running transfers follow at once.',
    input: TransferLimitsSchema.partial().strict(),
    output: TransferLimitsSchema,
  },
});

/** Events of the transfers domain. */
export const transfersEvents = defineEvents({
  'transfers.updated': {
    summary: 'A transfer changed (state at once; progress at most 4 times a second per transfer).',
    payload: TransferSchema,
  },
  'transfers.limitsChanged': {
    summary: 'The global limits changed.',
    payload: TransferLimitsSchema,
  },
});
