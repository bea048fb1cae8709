import { z } from 'zod';
import {
  EmailSchema,
  Id,
  InvitationPreviewSchema,
  MembershipSchema,
  NewPasswordSchema,
  OrganisationNameSchema,
  PersonNameSchema,
} from '../platform';
import { defineMethods } from './contract';

/** Where an account lives: the local workspace (the platform inside Ferry) or a shared platform at a URL. */
export const PlatformTargetSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local') }).strict(),
  z.object({ kind: z.literal('remote'), url: z.string().min(1).max(2048) }).strict(),
]);
/** Where an account lives. */
export type PlatformTarget = z.infer<typeof PlatformTargetSchema>;

/** An account as the renderer sees it: who, where, in which organisations; never its session token. */
export const AccountViewSchema = z.object({
  id: z.string(),
  target: PlatformTargetSchema,
  email: z.string(),
  name: z.string(),
  /** Whether a session token is kept for it (in the keychain); false after signing out or when it expired. */
  signedIn: z.boolean(),
  memberships: z.array(MembershipSchema),
  /** The organisation the screens show for this account. */
  orgId: z.string().nullable(),
});
/** An account as the renderer sees it. */
export type AccountView = z.infer<typeof AccountViewSchema>;

/** Every configured account and which one is in use. */
export const PlatformStateSchema = z.object({
  accounts: z.array(AccountViewSchema),
  activeAccountId: z.string().nullable(),
  /** Where session tokens are kept: 'session' means until Ferry quits (no keychain available). */
  secretsBackend: z.enum(['keychain', 'session']),
});
/** Every configured account and which one is in use. */
export type PlatformState = z.infer<typeof PlatformStateSchema>;

const PasswordInput = z.string().min(1).max(200);

/**
 * How the local workspace sends invitation e-mails: TLS from the first byte (`tls`, port 465), STARTTLS required
 * (`starttls`), or STARTTLS when the server offers it (`opportunistic`). The password lives in the OS keychain.
 */
export const LocalSmtpSchema = z
  .object({
    host: z.string().trim().min(1).max(253),
    port: z.number().int().min(1).max(65535),
    security: z.enum(['tls', 'starttls', 'opportunistic']),
    user: z.string().max(256),
    from: EmailSchema,
  })
  .strict();
/** How the local workspace sends invitation e-mails. */
export type LocalSmtp = z.infer<typeof LocalSmtpSchema>;

/** The local workspace's settings as the renderer sees them (the SMTP password only as `hasPassword`). */
export const LocalWorkspaceSettingsSchema = z.object({
  /** The base URL put in invitation links; null: the address the local workspace listens on (this computer only). */
  publicUrl: z.string().nullable(),
  /** Where the local workspace listens now (127.0.0.1 and its port), null when it is not started. */
  listenUrl: z.string().nullable(),
  smtp: LocalSmtpSchema.extend({ hasPassword: z.boolean() }).nullable(),
  /** True when SMTP was configured when Ferry started (then these settings are not used). */
  smtpFixed: z.boolean(),
});
/** The local workspace's settings. */
export type LocalWorkspaceSettings = z.infer<typeof LocalWorkspaceSettingsSchema>;

/** A change of the local workspace's settings: null clears; the SMTP password: omitted keeps, null clears. */
export const LocalWorkspacePatchSchema = z
  .object({
    publicUrl: z.string().trim().min(1).max(2048).nullable().optional(),
    smtp: LocalSmtpSchema.extend({ password: z.string().min(1).max(1024).nullable().optional() })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();
/** A change of the local workspace's settings. */
export type LocalWorkspacePatch = z.infer<typeof LocalWorkspacePatchSchema>;
const AccountRef = z.object({ accountId: z.string().min(1).max(64) }).strict();

/** Methods of the platform connection: local workspace, sign-in, accounts, sign-out. */
export const platformMethods = defineMethods({
  'platform.state': {
    summary: 'The configured accounts (non-secret) and the active one.',
    input: z.object({}).strict(),
    output: PlatformStateSchema,
  },
  'platform.localStatus': {
    summary: 'Starts the local workspace if needed and says whether its first-run setup is still to be done.',
    input: z.object({}).strict(),
    output: z.object({ setupRequired: z.boolean() }),
  },
  'platform.setupLocal': {
    summary: "Creates the local workspace's organisation and its admin, and signs the admin in.",
    input: z
      .object({
        organisationName: OrganisationNameSchema,
        name: PersonNameSchema,
        email: EmailSchema,
        password: NewPasswordSchema,
      })
      .strict(),
    output: PlatformStateSchema,
  },
  'platform.signIn': {
    summary: 'Signs in to the local workspace or a platform URL; the session token goes to the keychain.',
    input: z.object({ target: PlatformTargetSchema, email: EmailSchema, password: PasswordInput }).strict(),
    output: PlatformStateSchema,
  },
  'platform.previewInvitation': {
    summary: 'What an invitation link offers (organisation, e-mail, role), before joining.',
    input: z.object({ link: z.string().min(1).max(4096) }).strict(),
    output: InvitationPreviewSchema,
  },
  'platform.acceptInvitation': {
    summary: 'Joins an organisation through an invitation link and signs in as the new member.',
    input: z
      .object({ link: z.string().min(1).max(4096), name: PersonNameSchema, password: NewPasswordSchema })
      .strict(),
    output: PlatformStateSchema,
  },
  'platform.localSettings': {
    summary: "The local workspace's public URL, listening address and SMTP settings (never the SMTP password).",
    input: z.object({}).strict(),
    output: LocalWorkspaceSettingsSchema,
  },
  'platform.configureLocal': {
    summary: "Changes the local workspace's public URL or SMTP (password to the keychain); it restarts to use them.",
    input: LocalWorkspacePatchSchema,
    output: LocalWorkspaceSettingsSchema,
  },
  'platform.refresh': {
    summary: "Re-reads the active account's organisations and roles from its platform.",
    input: z.object({}).strict(),
    output: PlatformStateSchema,
  },
  'platform.switchAccount': {
    summary: 'Makes another configured account the active one.',
    input: AccountRef,
    output: PlatformStateSchema,
  },
  'platform.switchOrganisation': {
    summary: "Shows another of the active account's organisations.",
    input: z.object({ orgId: Id }).strict(),
    output: PlatformStateSchema,
  },
  'platform.signOut': {
    summary: 'Ends the session on the platform and forgets its token; the account stays listed.',
    input: AccountRef,
    output: PlatformStateSchema,
  },
  'platform.removeAccount': {
    summary: 'Signs out and removes the account from the list.',
    input: AccountRef,
    output: PlatformStateSchema,
  },
});
