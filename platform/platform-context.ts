import type { Database } from './db/database';
import type { Mailer } from './mail/mailer';
import type { TokenSealer } from './auth/token-sealer';

/** What every route needs: the database, the clock, the mailer, the link sealer and the deployment's settings. */
export interface PlatformContext {
  readonly db: Database;
  /** The current time (tests move it to expire keys, sessions and invitations). */
  now(): Date;
  readonly mailer: Mailer;
  readonly sealer: TokenSealer;
  /** The base URL put in links sent to people (invitations), without a trailing slash. */
  publicUrl(): string;
  readonly sessionTtlMs: number;
  readonly invitationTtlMs: number;
}
