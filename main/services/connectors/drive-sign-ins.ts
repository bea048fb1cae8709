import { randomUUID } from 'node:crypto';
import { ConnectorError } from '../../../connectors/connector-error';
import { DriveSignInError } from '../../../connectors/drive/drive-sign-in-error';
import { type DriveSignInResult, signInDriveUser } from '../../../connectors/drive/drive-user-sign-in';
import type { DriveSignInOutcome } from '../../../shared/ipc/connectors-ipc';
import type { ExternalOpener } from '../external-link';
import { ConnectorInputError } from './connector-input-error';

/** What a Google sign-in needs from the form: the OAuth client and, for a test server, its endpoints. */
export interface DriveSignInRequest {
  /** The connector being edited (its stored client secret serves when none is typed); absent when new. */
  readonly connectorId?: string;
  readonly clientId: string;
  readonly clientSecret?: string;
  readonly authorizeUrl?: string;
  readonly tokenUrl?: string;
  readonly apiEndpoint?: string;
}

/** The refresh tokens of completed sign-ins, as the connectors service redeems them when a form is saved. */
export interface SignInTokens {
  /** The refresh token of a completed sign-in of this OAuth client; refuses an unknown, expired or foreign one. */
  tokenOf(signIn: string, clientId: string | undefined): string;
  /** Drops a sign-in once its token is stored. */
  forget(signIn: string): void;
}

/** The OAuth client a saved Drive connector holds: its options and its client secret from the keychain. */
export interface StoredDriveClient {
  readonly clientId?: unknown;
  readonly clientSecret?: string;
  readonly authorizeUrl?: unknown;
  readonly tokenUrl?: unknown;
  readonly apiEndpoint?: unknown;
}

/** What the sign-ins need: the shell's link opener, the saved OAuth clients of my connectors, and their clocks. */
export interface DriveSignInsOptions {
  readonly openExternal: ExternalOpener;
  /** The OAuth client saved with one of my connectors (its secret serves when the form keeps the stored one). */
  readonly storedClient: (connectorId: string) => Promise<StoredDriveClient>;
  /** How long the user has to answer Google's page (default 5 minutes). */
  readonly timeoutMs?: number;
  /** How long a completed sign-in waits for the form's save (default 1 hour). */
  readonly keepMs?: number;
  /** The sign-in itself (tests may wrap it). */
  readonly signIn?: typeof signInDriveUser;
}

interface Held {
  readonly refreshToken: string;
  readonly clientId: string;
  readonly until: number;
}

/**
 * Google sign-ins of Drive connectors being created or edited, one at a time: a new one (or `cancel`) aborts the one
 * under way, whose loopback listener then closes. The refresh token stays here, in main, until the form's save
 * stores it in the keychain with the connector's other secrets; the renderer only learns the account's address.
 */
export class DriveSignIns implements SignInTokens {
  private current: AbortController | undefined;
  private readonly held = new Map<string, Held>();

  constructor(private readonly options: DriveSignInsOptions) {}

  /** Runs one sign-in to its end: signed in (a ticket for the save, the address) or why not. */
  async start(request: DriveSignInRequest): Promise<DriveSignInOutcome> {
    this.current?.abort();
    const controller = new AbortController();
    this.current = controller;
    try {
      const clientSecret = request.clientSecret ?? (await this.storedSecretFor(request));
      const result: DriveSignInResult = await (this.options.signIn ?? signInDriveUser)({
        clientId: request.clientId,
        ...(clientSecret === undefined ? {} : { clientSecret }),
        openBrowser: (url) => this.options.openExternal(consentUrlOf(url)),
        ...(request.authorizeUrl === undefined ? {} : { authorizeUrl: request.authorizeUrl }),
        ...(request.tokenUrl === undefined ? {} : { tokenUrl: request.tokenUrl }),
        ...(request.apiEndpoint === undefined ? {} : { apiEndpoint: request.apiEndpoint }),
        ...(this.options.timeoutMs === undefined ? {} : { timeoutMs: this.options.timeoutMs }),
        signal: controller.signal,
      });
      this.prune();
      const signIn = randomUUID();
      this.held.set(signIn, {
        refreshToken: result.refreshToken,
        clientId: request.clientId,
        until: Date.now() + (this.options.keepMs ?? 60 * 60_000),
      });
      return { outcome: 'signedIn', signIn, ...(result.email === undefined ? {} : { email: result.email }) };
    } catch (error) {
      if (!(error instanceof ConnectorError)) throw error;
      const detail = error.hint === undefined ? error.message : `${error.message} ${error.hint}`;
      return { outcome: 'failed', failure: error instanceof DriveSignInError ? error.failure : 'failed', detail };
    } finally {
      if (this.current === controller) this.current = undefined;
    }
  }

  /**
   * The saved client secret, for a form that kept it: only toward the client ID and Google addresses saved with it,
   * so a form cannot send the keychain's secret to another token endpoint.
   */
  private async storedSecretFor(request: DriveSignInRequest): Promise<string | undefined> {
    if (request.connectorId === undefined) return undefined;
    const stored = await this.options.storedClient(request.connectorId);
    if (stored.clientSecret === undefined) return undefined;
    const same = (given: string | undefined, saved: unknown): boolean =>
      (given ?? '') === (typeof saved === 'string' ? saved : '');
    const pinned =
      same(request.clientId, stored.clientId) &&
      same(request.authorizeUrl, stored.authorizeUrl) &&
      same(request.tokenUrl, stored.tokenUrl) &&
      same(request.apiEndpoint, stored.apiEndpoint);
    if (!pinned) {
      throw new DriveSignInError(
        'secretNeeded',
        'InvalidInput',
        'The saved client secret is only sent with the client ID and Google addresses saved with it.',
        { hint: 'Type the client secret again to sign in with another client ID or other addresses.' },
      );
    }
    return stored.clientSecret;
  }

  /** Cancels the sign-in under way; false when there was none. */
  cancel(): boolean {
    const current = this.current;
    this.current = undefined;
    current?.abort();
    return current !== undefined;
  }

  tokenOf(signIn: string, clientId: string | undefined): string {
    this.prune();
    const held = this.held.get(signIn);
    if (held === undefined) {
      throw new ConnectorInputError('SignInExpired', 'This Google sign-in is no longer available: sign in again.');
    }
    if (held.clientId !== clientId) {
      throw new ConnectorInputError(
        'SignInOtherClient',
        'The Google sign-in was made with another OAuth client ID: sign in again with this one.',
      );
    }
    return held.refreshToken;
  }

  forget(signIn: string): void {
    this.held.delete(signIn);
  }

  /** Cancels the sign-in under way and drops the tokens never saved (the app stops). */
  close(): void {
    this.cancel();
    this.held.clear();
  }

  private prune(): void {
    const now = Date.now();
    for (const [signIn, held] of this.held) if (held.until <= now) this.held.delete(signIn);
  }
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The consent page's address, refused unless https (Google's) or http on this machine (a test server set in the
 * connector's advanced options): the opener of external links only takes those.
 */
function consentUrlOf(raw: string): string {
  const url = new URL(raw);
  const allowed =
    (url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) &&
    url.username === '' &&
    url.password === '';
  if (!allowed) {
    throw new DriveSignInError('failed', 'InvalidInput', 'The OAuth consent page must be an https address.', {
      hint: 'Leave "OAuth consent page" empty to use Google’s.',
    });
  }
  return url.toString();
}
