import type { Database } from './db/database';
import type { MailService } from './mail/mail-service';
import type { JobsRuntime } from './jobs/jobs-runtime';
import type { TokenSealer } from './auth/token-sealer';
import type { LoginThrottlePolicy } from './auth/login-throttle';

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
}
