import { z } from 'zod';
import { CheckReportSchema } from '../connectors/check-report';
import { DRIVE_SIGN_IN_FAILURES } from '../connectors/drive-sign-in-failure';
import { defineMethods } from './contract';

/** A connector's display name: what the user calls it in lists and pickers. */
export const ConnectorNameSchema = z.string().trim().min(1).max(80);

/** A non-secret option value as a form produces it. */
export const OptionValueSchema = z.union([z.string().max(64 * 1024), z.number(), z.boolean()]);

/** Non-secret options by name (secret options are refused here: they travel in `secrets`, towards main only). */
export const ConnectorOptionValuesSchema = z.record(z.string().max(100), OptionValueSchema);

/** A server identity the user must confirm (unknown) or that was refused because it changed. */
export const ServerIdentityIssueSchema = z.object({
  problem: z.enum(['unknown', 'changed']),
  /** 'host key' (SSH) or 'certificate' (TLS). */
  what: z.enum(['host key', 'certificate']),
  /** SHA256 fingerprint the server presented. */
  fingerprint: z.string(),
  /** The trusted or pinned fingerprint it should have had ('changed' only). */
  expected: z.string().optional(),
  /** host:port, to show next to the fingerprint. */
  server: z.string(),
});
/** A server identity the user must confirm, or that was refused because it changed. */
export type ServerIdentityIssue = z.infer<typeof ServerIdentityIssueSchema>;

/** The server identity of a connector to a file server (SFTP host key, FTPS certificate): trusted, refused. */
export const ConnectorIdentitySchema = z.object({
  /** 'host key' (SSH) or 'certificate' (TLS). */
  what: z.enum(['host key', 'certificate']),
  /** host:port. */
  server: z.string(),
  /**
   * The fingerprint trusted for this server: confirmed by the user (an SSH host key, remembered for host and port)
   * or pinned in the connector's options (typed in, or a certificate confirmed once).
   */
  trusted: z.object({ fingerprint: z.string(), source: z.enum(['confirmed', 'pinned']) }).optional(),
  /** The last time the server's identity was refused (a browse, a transfer or a test), until it is sorted out. */
  refused: ServerIdentityIssueSchema.optional(),
});
/** The server identity of a connector: what is trusted, what was refused. */
export type ConnectorIdentity = z.infer<typeof ConnectorIdentitySchema>;

/** One of my connectors as the renderer sees it: settings without any secret value. */
export const ConnectorSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  /** Non-secret options as saved (options left empty are absent; their defaults apply). */
  options: ConnectorOptionValuesSchema,
  /** For each secret option of the kind: whether a value is stored. Never the value. */
  secrets: z.record(z.string(), z.object({ hasSecret: z.boolean() })),
  /** Kinds that verify a server identity (SFTP, FTPS) only. */
  identity: ConnectorIdentitySchema.optional(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
/** One of my connectors as the renderer sees it. */
export type ConnectorSummary = z.infer<typeof ConnectorSummarySchema>;

/** Secrets given from a form: a value sets it, null clears it, an absent name keeps the stored one. */
const SecretChangesSchema = z.record(
  z.string().max(100),
  z
    .string()
    .min(1)
    .max(64 * 1024)
    .nullable(),
);

/** A Google sign-in completed in this session: main holds its refresh token until a save stores it in the keychain. */
const SignInTicketSchema = z.string().min(1).max(100);

const EndpointSchema = z
  .string()
  .max(2000)
  .regex(/^https?:\/\/\S+$/);

/** How a Google sign-in ended: the account signed in (its token stays in main), or why it did not. */
export const DriveSignInOutcomeSchema = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('signedIn'),
    /** Give it to `connectors.create` / `connectors.update` as `signIn`: the refresh token is saved then. */
    signIn: SignInTicketSchema,
    /** The account's address, when Google said it. */
    email: z.string().optional(),
  }),
  z.object({
    outcome: z.literal('failed'),
    failure: z.enum(DRIVE_SIGN_IN_FAILURES),
    /** Google's or the network's own words (English), for the details. */
    detail: z.string(),
  }),
]);
/** How a Google sign-in ended. */
export type DriveSignInOutcome = z.infer<typeof DriveSignInOutcomeSchema>;

const ById = z.object({ id: z.string().min(1).max(100) }).strict();

/** What a connector test found, the server identity first. */
export const TEST_OUTCOMES = ['ok', 'failed', 'confirm-identity', 'identity-changed'] as const;
/** What a connector test found. */
export type TestOutcome = (typeof TEST_OUTCOMES)[number];

/** Methods of my connectors: settings on this machine, secrets in the OS keychain (they never come back). */
export const connectorsMethods = defineMethods({
  'connectors.kinds': {
    summary: 'The storage kinds this build can use (descriptors live in shared/connectors/).',
    input: z.object({}).strict(),
    output: z.object({ kinds: z.array(z.string()) }),
  },
  'connectors.list': {
    summary: 'My connectors, by name.',
    input: z.object({}).strict(),
    output: z.object({ connectors: z.array(ConnectorSummarySchema) }),
  },
  'connectors.create': {
    summary: 'Saves a new connector; secrets go to the keychain (or session memory when accepted).',
    input: z
      .object({
        name: ConnectorNameSchema,
        kind: z.string().min(1).max(50),
        options: ConnectorOptionValuesSchema,
        secrets: z.record(
          z.string().max(100),
          z
            .string()
            .min(1)
            .max(64 * 1024),
        ),
        /** Needed when no keychain is available: the user accepts that secrets last until Ferry quits. */
        acceptSessionSecrets: z.boolean().optional(),
        /** A Google sign-in of this form (`connectors.driveSignIn`): its refresh token is saved with the connector. */
        signIn: SignInTicketSchema.optional(),
      })
      .strict(),
    output: ConnectorSummarySchema,
  },
  'connectors.update': {
    summary: 'Changes a connector: name, non-secret options (replaced as a whole), secrets set, cleared or kept.',
    input: z
      .object({
        id: z.string().min(1).max(100),
        name: ConnectorNameSchema,
        options: ConnectorOptionValuesSchema,
        secrets: SecretChangesSchema,
        acceptSessionSecrets: z.boolean().optional(),
        /** A Google sign-in of this form: its refresh token replaces the stored one. */
        signIn: SignInTicketSchema.optional(),
      })
      .strict(),
    output: ConnectorSummarySchema,
  },
  'connectors.delete': {
    summary: 'Deletes a connector and its secrets.',
    input: ById,
    output: z.object({ deleted: z.literal(true) }),
  },
  'connectors.test': {
    summary: "Runs the driver's check step by step; says when the server's identity needs confirming or changed.",
    input: z.object({ id: z.string().min(1).max(100), write: z.boolean().optional() }).strict(),
    output: z.object({
      /**
       * What the test found, the server identity first: 'confirm-identity' stopped at a new host key or certificate
       * (the steps after it wait for the user's confirmation and did not fail), 'identity-changed' refused a
       * different one, otherwise 'ok' or 'failed' by the steps.
       */
      outcome: z.enum(TEST_OUTCOMES),
      report: CheckReportSchema,
      identity: ServerIdentityIssueSchema.optional(),
    }),
  },
  'connectors.trustIdentity': {
    summary: 'Trusts the host key or certificate the last test showed (first use only; a changed one is refused).',
    input: z.object({ id: z.string().min(1).max(100), fingerprint: z.string().min(1).max(200) }).strict(),
    output: ConnectorSummarySchema,
  },
  'connectors.driveSignIn': {
    summary:
      'Signs a Google account in for a Drive connector being created or edited: opens the consent page in the browser, waits for the loopback redirect; the refresh token stays in main. A new call cancels the one under way.',
    input: z
      .object({
        /** The connector being edited (its stored client secret is used when none is typed); absent when new. */
        connectorId: z.string().min(1).max(100).optional(),
        clientId: z
          .string()
          .min(1)
          .max(300)
          .regex(/^[\w.-]+$/),
        clientSecret: z.string().min(1).max(1000).optional(),
        /** The form's advanced endpoints (a local test server); Google's when absent. */
        authorizeUrl: EndpointSchema.optional(),
        tokenUrl: EndpointSchema.optional(),
        apiEndpoint: EndpointSchema.optional(),
      })
      .strict(),
    output: DriveSignInOutcomeSchema,
  },
  'connectors.cancelDriveSignIn': {
    summary: 'Cancels the Google sign-in under way (its loopback listener closes); false when none was.',
    input: z.object({}).strict(),
    output: z.object({ cancelled: z.boolean() }),
  },
  'connectors.forgetIdentity': {
    summary:
      'Forgets the trusted host key (for its host and port) or the pinned certificate: the next connection asks again.',
    input: ById,
    output: ConnectorSummarySchema,
  },
});
