import type { Database } from './db/database';
import type { MailService } from './mail/mail-service';
import type { JobsRuntime } from './jobs/jobs-runtime';
import type { TokenSealer } from './auth/token-sealer';
import type { LoginThrottlePolicy } from './auth/login-throttle';
import type { VaultService } from './vault/vault-service';
import type { ConnectorUsages } from './connectors/connector-usages';
import type { OfferStorage } from './offers/offer-storage';

/** The vault as this deployment has it: usable, or refused with the reason (PostgreSQL without a key configured). */
export type VaultAccess =
  | { readonly kind: 'ready'; readonly service: VaultService }
  | { readonly kind: 'unavailable'; readonly reason: string };

/** What every service needs: the database, the clock, outgoing mail, the link sealer and the deployment's settings. */
export interface PlatformContext {
  readonly db: Database;
  /** The current time (tests move it to expire keys, sessions and invitations). */
  now(): Date;
  /** Outgoing e-mail, sent from a queue outside the request. */
  readonly mail: MailService;
  /** Background jobs (pg-boss in the same database): enqueue in a transaction, run on any instance. */
  readonly jobs: JobsRuntime;
  readonly sealer: TokenSealer;
  /** The base URL put in links sent to people (invitations), without a trailing slash. */
  publicUrl(): string;
  readonly sessionTtlMs: number;
  readonly invitationTtlMs: number;
  /** How failed sign-ins of one address slow down the next attempts. */
  readonly loginThrottle: LoginThrottlePolicy;
  /** Refusals of one caller an organisation's audit log takes one by one per window, before summarising. */
  readonly auditRefusals: { readonly perWindow: number; readonly windowMs: number };
  /** Secrets of organisation connectors; unavailable refuses organisation connectors only, never the server. */
  readonly vault: VaultAccess;
  /** The addresses the platform's connections leave from, for storage owners' IP filters (configured or detected). */
  outgoingAddresses(): readonly string[];
  /** Whether organisation connectors of kind `local` (a folder on the platform's machine) are allowed: single-machine platforms only. */
  readonly localConnectors: boolean;
  /** What uses each organisation connector: deleting it, also with its owner, is refused while something does. */
  readonly connectorUsages: ConnectorUsages;
  /** Where offer files and uploads in progress are stored (a local folder, or S3 shared by several instances). */
  readonly offerStorage: OfferStorage;
}
