// The platform's tables (Drizzle). drizzle-kit generates platform/migrations from this file; never edit those by hand.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { CheckReport } from '../../shared/connectors/check-report';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** People with an account: e-mail (lowercase, unique) and a scrypt password hash. */
export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  createdAt: at('created_at').notNull(),
});

/** Organisations: an immutable ID, an editable name, how long audit events are kept. */
export const organisations = pgTable('organisations', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  auditRetentionDays: integer('audit_retention_days').notNull().default(365),
  createdAt: at('created_at').notNull(),
});

/** Who belongs to which organisation with which role: a person's access entries. */
export const memberships = pgTable(
  'memberships',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: ['admin', 'editor', 'viewer'] }).notNull(),
    joinedAt: at('joined_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

/** Signed-in sessions: only the sha256 of the bearer token is kept. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

/**
 * Invitations: the token's sha256 for lookup, plus the token sealed (AES-256-GCM, key outside the database) so an
 * admin can copy the link again; a database reader alone cannot accept an invitation.
 */
export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    role: text('role', { enum: ['admin', 'editor', 'viewer'] }).notNull(),
    language: text('language', { enum: ['fr', 'en'] }).notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    sealedToken: text('sealed_token').notNull(),
    senderId: text('sender_id').references(() => users.id, { onDelete: 'set null' }),
    emailStatus: text('email_status', { enum: ['queued', 'sent', 'outbox', 'failed'] }).notNull(),
    emailError: text('email_error'),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    acceptedAt: at('accepted_at'),
  },
  (t) => [index('invitations_org_idx').on(t.orgId)],
);

/** API keys: a principal with role editor or viewer; only the secret's sha256 is kept. Deletion is a tombstone. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: text('role', { enum: ['editor', 'viewer'] }).notNull(),
    secretHash: text('secret_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    creatorId: text('creator_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    lastUsedAt: at('last_used_at'),
    // Kept so a deleted key's later use is still attributed to its organisation in the audit log.
    deletedAt: at('deleted_at'),
  },
  (t) => [index('api_keys_org_idx').on(t.orgId)],
);

/**
 * Who owns what: one row per owned resource, owned by a member (user) or an API key. Later resource kinds (offers,
 * connectors) add rows here so deleting an owner can transfer or delete everything it owns in one place.
 */
export const ownedResources = pgTable(
  'owned_resources',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    resourceId: text('resource_id').notNull(),
    ownerType: text('owner_type', { enum: ['user', 'api-key'] }).notNull(),
    ownerId: text('owner_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.kind, t.resourceId] }),
    index('owned_resources_owner_idx').on(t.orgId, t.ownerType, t.ownerId),
  ],
);

/** Every change and every refused attempt. org_id is null when no organisation can be attributed. */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').references(() => organisations.id, { onDelete: 'cascade' }),
    at: at('at').notNull(),
    principalType: text('principal_type', { enum: ['user', 'api-key', 'anonymous', 'platform'] }).notNull(),
    principalId: text('principal_id'),
    principalLabel: text('principal_label'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    // The target's human name when the event was recorded (a member's name, an invitee's e-mail), kept once it is gone.
    targetLabel: text('target_label'),
    ip: text('ip'),
    outcome: text('outcome', { enum: ['success', 'denied'] }).notNull(),
    reason: text('reason'),
  },
  (t) => [
    index('audit_events_org_at_idx').on(t.orgId, t.at),
    check('audit_events_outcome_check', sql`${t.outcome} in ('success', 'denied')`),
  ],
);

/** Password reset requests: only the token's sha256 is kept; a token works once, within its hour. */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (t) => [index('password_resets_user_idx').on(t.userId, t.createdAt)],
);

/**
 * Failed sign-ins per e-mail address (known or not, so throttling never tells whether an account exists), shared by
 * every server on the same database: failures in the current window and until when the next attempt must wait.
 */
export const loginThrottle = pgTable(
  'login_throttle',
  {
    email: text('email').primaryKey(),
    failures: integer('failures').notNull(),
    windowStart: at('window_start').notNull(),
    blockedUntil: at('blocked_until'),
  },
  (t) => [index('login_throttle_window_idx').on(t.windowStart)],
);

/**
 * How many refusals of one caller (principal or IP) an organisation's audit log took one by one in the current
 * window, and the summary event counting the ones beyond, so a flood writes a bounded number of rows.
 */
export const auditRefusalBudget = pgTable(
  'audit_refusal_budget',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    caller: text('caller').notNull(),
    windowStart: at('window_start').notNull(),
    written: integer('written').notNull(),
    suppressed: integer('suppressed').notNull(),
    summaryEventId: text('summary_event_id'),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.caller] })],
);

/**
 * The vault's secrets (platform/vault): one per (organisation, connector, option), encrypted under its own data key,
 * which is wrapped by a key-encryption key kept outside the database (`kek_id` names it, never holds it). Both
 * ciphertexts are bound to the row's organisation, connector and option, so a copy elsewhere does not decrypt.
 */
export const vaultSecrets = pgTable(
  'vault_secrets',
  {
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    connectorId: text('connector_id').notNull(),
    option: text('option').notNull(),
    kekId: text('kek_id').notNull(),
    wrappedKey: text('wrapped_key').notNull(),
    ciphertext: text('ciphertext').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.connectorId, t.option] }), index('vault_secrets_kek_idx').on(t.kekId)],
);

/**
 * Organisation connectors: storages an admin sets up once and members use without seeing credentials. `options` holds
 * only non-secret options (with the pinned host key / certificate fingerprint); the secrets live in `vault_secrets`.
 * Health: paused with a reason after repeated failures, the last check's report, the credential's expiry.
 */
export const orgConnectors = pgTable(
  'org_connectors',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    options: jsonb('options').$type<Record<string, unknown>>().notNull(),
    creatorId: text('creator_id'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    status: text('status', { enum: ['active', 'paused'] })
      .notNull()
      .default('active'),
    pausedReason: text('paused_reason'),
    pausedAt: at('paused_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    lastCheckAt: at('last_check_at'),
    lastCheckOk: boolean('last_check_ok'),
    lastCheckReport: jsonb('last_check_report').$type<CheckReport>(),
    credentialExpiresAt: at('credential_expires_at'),
    credentialExpirySource: text('credential_expiry_source'),
    expiryWarnedAt: at('expiry_warned_at'),
  },
  (t) => [
    uniqueIndex('org_connectors_org_name_idx').on(t.orgId, sql`lower(${t.name})`),
    index('org_connectors_org_idx').on(t.orgId),
    check('org_connectors_status_check', sql`${t.status} in ('active', 'paused')`),
  ],
);

/** Notices for one member (e.g. a background job that kept failing); the desktop shows them until read. */
export const notifications = pgTable(
  'notifications',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    subjectType: text('subject_type'),
    subjectId: text('subject_id'),
    params: jsonb('params').$type<Record<string, unknown>>().notNull().default({}),
    // English fallback when the desktop has no text for `kind`.
    message: text('message').notNull(),
    createdAt: at('created_at').notNull(),
    readAt: at('read_at'),
  },
  (t) => [index('notifications_user_created_idx').on(t.userId, t.createdAt)],
);

const bytes = (name: string) => bigint(name, { mode: 'number' });

/**
 * Offers: data files a provider organisation publishes (draft -> published -> archived). A subscription offer has a
 * source that feeds it (an organisation connector's folder scanned on an interval, or a desktop agent), the schedule
 * and history policy buyers see. `file_seq` is the feed position last given to one of its files: taken under the
 * offer row's lock, so positions commit in order and an agent's cursor never skips a file.
 */
export const offers = pgTable(
  'offers',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    kind: text('kind', { enum: ['one-shot', 'subscription'] }).notNull(),
    status: text('status', { enum: ['draft', 'published', 'archived'] })
      .notNull()
      .default('draft'),
    /** Largest file an upload may send, in bytes (tus maxSize). */
    maxFileSize: bytes('max_file_size').notNull(),
    sourceType: text('source_type', { enum: ['none', 'connector', 'agent'] })
      .notNull()
      .default('none'),
    sourceConnectorId: text('source_connector_id'),
    sourceFolder: text('source_folder'),
    scanIntervalMinutes: integer('scan_interval_minutes').notNull().default(60),
    /** New files from the source wait as pending until the provider approves them. */
    staging: boolean('staging').notNull().default(false),
    historyPolicy: text('history_policy', { enum: ['all', 'last', 'none'] })
      .notNull()
      .default('all'),
    historyCount: integer('history_count'),
    deliveryFrequency: text('delivery_frequency', { enum: ['as-added', 'hourly', 'daily', 'weekly', 'monthly'] })
      .notNull()
      .default('as-added'),
    firstDeliveryAt: at('first_delivery_at'),
    fileSeq: bytes('file_seq').notNull().default(0),
    lastScanAt: at('last_scan_at'),
    nextScanAt: at('next_scan_at'),
    creatorId: text('creator_id'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    publishedAt: at('published_at'),
    archivedAt: at('archived_at'),
  },
  (t) => [
    index('offers_org_idx').on(t.orgId),
    index('offers_status_idx').on(t.status),
    index('offers_source_connector_idx').on(t.sourceConnectorId),
    check('offers_kind_check', sql`${t.kind} in ('one-shot', 'subscription')`),
    check('offers_status_check', sql`${t.status} in ('draft', 'published', 'archived')`),
  ],
);

/**
 * An offer's files: where each is stored (`storage_key` under the offer storage's root), its size and SHA-256, how
 * it came (upload, import from a connector, a desktop agent; `origin_ref` says from where). `pending` files wait for
 * the provider's approval; a file gets its feed position `seq` when it becomes available; a removed file is kept
 * (deliveries name it) but no longer offered.
 */
export const offerFiles = pgTable(
  'offer_files',
  {
    id: text('id').primaryKey(),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    path: text('path').notNull(),
    name: text('name').notNull(),
    size: bytes('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    origin: text('origin', { enum: ['upload', 'import', 'agent'] }).notNull(),
    originRef: text('origin_ref'),
    status: text('status', { enum: ['pending', 'available', 'removed'] }).notNull(),
    seq: bytes('seq'),
    addedAt: at('added_at').notNull(),
    availableAt: at('available_at'),
    removedAt: at('removed_at'),
  },
  (t) => [
    uniqueIndex('offer_files_offer_seq_idx').on(t.offerId, t.seq),
    index('offer_files_offer_path_idx').on(t.offerId, t.path),
    index('offer_files_offer_sha_idx').on(t.offerId, t.sha256),
    check('offer_files_status_check', sql`${t.status} in ('pending', 'available', 'removed')`),
  ],
);

/**
 * What a subscription's scans saw in its source, one row per path: the last look's size, mtime and ETag and how many
 * looks in a row found them unchanged (a file is taken once stable), and what became of it.
 */
export const sourceObservations = pgTable(
  'source_observations',
  {
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id, { onDelete: 'cascade' }),
    path: text('path').notNull(),
    size: bytes('size').notNull(),
    mtimeMs: bytes('mtime_ms'),
    etag: text('etag'),
    stableLooks: integer('stable_looks').notNull().default(0),
    firstSeenAt: at('first_seen_at').notNull(),
    lastSeenAt: at('last_seen_at').notNull(),
    outcome: text('outcome', { enum: ['waiting', 'imported', 'skipped'] }).notNull(),
    reason: text('reason'),
    fileId: text('file_id'),
  },
  (t) => [primaryKey({ columns: [t.offerId, t.path] })],
);

/**
 * The change cursor of a subscription's source (a driver's ChangeFeed, e.g. Drive's page token): scans after the
 * first look only at what changed since it. `scope` is what it was taken for (connector and folder).
 */
export const sourceChangeCursors = pgTable('source_change_cursors', {
  offerId: text('offer_id')
    .primaryKey()
    .references(() => offers.id, { onDelete: 'cascade' }),
  cursor: text('cursor').notNull(),
  scope: text('scope').notNull(),
  savedAt: at('saved_at').notNull(),
});

/** Each scan and each import of an offer: when, what triggered it, what it added and why files were skipped. */
export const offerImports = pgTable(
  'offer_imports',
  {
    id: text('id').primaryKey(),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    kind: text('kind', { enum: ['scan', 'import'] }).notNull(),
    trigger: text('trigger', { enum: ['schedule', 'manual'] }).notNull(),
    status: text('status', { enum: ['queued', 'running', 'succeeded', 'failed'] }).notNull(),
    request: jsonb('request').$type<Record<string, unknown>>(),
    added: jsonb('added').$type<readonly { path: string; fileId: string }[]>().notNull().default([]),
    skipped: jsonb('skipped').$type<readonly { path: string; reason: string }[]>().notNull().default([]),
    error: text('error'),
    createdAt: at('created_at').notNull(),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
  },
  (t) => [index('offer_imports_offer_idx').on(t.offerId, t.createdAt)],
);

/**
 * A buyer organisation's acquisition of another organisation's offer. Entitled: available files whose feed position
 * is above `history_after_seq` (the history policy at acquisition), up to `until_seq` (one-shot) or added before
 * `period_end` (subscription).
 */
export const acquisitions = pgTable(
  'acquisitions',
  {
    id: text('id').primaryKey(),
    offerId: text('offer_id')
      .notNull()
      .references(() => offers.id, { onDelete: 'restrict' }),
    providerOrgId: text('provider_org_id').notNull(),
    buyerOrgId: text('buyer_org_id')
      .notNull()
      .references(() => organisations.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['one-shot', 'subscription'] }).notNull(),
    status: text('status', { enum: ['active', 'ended', 'cancelled'] }).notNull(),
    acquiredByType: text('acquired_by_type', { enum: ['user', 'api-key'] }).notNull(),
    acquiredById: text('acquired_by_id').notNull(),
    historyAfterSeq: bytes('history_after_seq').notNull(),
    untilSeq: bytes('until_seq'),
    periodStart: at('period_start').notNull(),
    periodEnd: at('period_end'),
    createdAt: at('created_at').notNull(),
  },
  (t) => [
    index('acquisitions_buyer_idx').on(t.buyerOrgId),
    index('acquisitions_offer_idx').on(t.offerId),
    index('acquisitions_provider_idx').on(t.providerOrgId),
  ],
);

/**
 * Where a buyer delivers an acquisition's files automatically: an organisation connector's folder (the platform's
 * jobs deliver) or a desktop agent (the agent delivers and acknowledges). `cursor_seq`: every file up to this feed
 * position has its delivery row. Paused with the reason after repeated failures.
 */
export const deliveryTargets = pgTable(
  'delivery_targets',
  {
    id: text('id').primaryKey(),
    acquisitionId: text('acquisition_id')
      .notNull()
      .references(() => acquisitions.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    type: text('type', { enum: ['connector', 'agent'] }).notNull(),
    connectorId: text('connector_id'),
    folder: text('folder').notNull().default(''),
    namingPattern: text('naming_pattern').notNull(),
    status: text('status', { enum: ['active', 'paused'] })
      .notNull()
      .default('active'),
    pausedReason: text('paused_reason'),
    pausedAt: at('paused_at'),
    consecutiveFailures: integer('consecutive_failures').notNull().default(0),
    cursorSeq: bytes('cursor_seq').notNull().default(0),
    creatorId: text('creator_id'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (t) => [
    index('delivery_targets_acquisition_idx').on(t.acquisitionId),
    index('delivery_targets_connector_idx').on(t.connectorId),
  ],
);

/**
 * One file of an acquisition delivered to one target: unique per (acquisition, file, target), so a retry or a
 * second instance never sends it twice. `path` is where it was written (a conflict copy's name when a different
 * file was there), `receipt_path` the receipt beside it.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: text('id').primaryKey(),
    acquisitionId: text('acquisition_id')
      .notNull()
      .references(() => acquisitions.id, { onDelete: 'cascade' }),
    targetId: text('target_id')
      .notNull()
      .references(() => deliveryTargets.id, { onDelete: 'cascade' }),
    fileId: text('file_id')
      .notNull()
      .references(() => offerFiles.id, { onDelete: 'cascade' }),
    orgId: text('org_id').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed', 'skipped'] }).notNull(),
    path: text('path'),
    conflict: boolean('conflict').notNull().default(false),
    receiptPath: text('receipt_path'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull(),
    deliveredAt: at('delivered_at'),
    acknowledgedAt: at('acknowledged_at'),
  },
  (t) => [
    uniqueIndex('deliveries_unique_idx').on(t.acquisitionId, t.fileId, t.targetId),
    index('deliveries_target_idx').on(t.targetId, t.status),
  ],
);

/**
 * Download links a buyer's member made (the link itself is a sealed token the platform does not keep): which key
 * version sealed it, so the vault keeps that version until the link expires, and until when it works.
 */
export const downloadLinks = pgTable(
  'download_links',
  {
    id: text('id').primaryKey(),
    acquisitionId: text('acquisition_id')
      .notNull()
      .references(() => acquisitions.id, { onDelete: 'cascade' }),
    fileId: text('file_id').notNull(),
    orgId: text('org_id').notNull(),
    kekId: text('kek_id').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (t) => [index('download_links_kek_idx').on(t.kekId, t.expiresAt), index('download_links_org_idx').on(t.orgId)],
);
