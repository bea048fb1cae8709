// The platform's tables (Drizzle). drizzle-kit generates platform/migrations from this file; never edit those by hand.
import { sql } from 'drizzle-orm';
import {
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
